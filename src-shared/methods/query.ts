import { z } from 'zod'
import { queryResultSchema } from '../query'
import { explainResultSchema, historyEntrySchema } from '../plan'
import { method, handle } from './kit'

/** Queries, plans, history, cancel; lock holders. */
export const queryMethods = {
  'query.run': method({
    doc: 'Run one SQL statement. `queryId` lets `query.cancel` stop it.',
    input: z.object({
      handle,
      sql: z.string().min(1),
      params: z.array(z.unknown()).optional(),
      queryId: z.string().optional(),
    }),
    output: queryResultSchema,
  }),
  'query.explain': method({
    doc: 'The plan of a statement as a tree; PostgreSQL with analyze runs it in a rolled-back transaction on a separate connection.',
    input: z.object({ handle, sql: z.string().min(1), analyze: z.boolean().default(false) }),
    output: explainResultSchema,
  }),
  'query.history': method({
    doc: 'Statements run on this connection, newest first.',
    input: z.object({ handle }),
    output: z.array(historyEntrySchema),
  }),
  'locks.rollback': method({
    doc: "Roll back the open transaction of one of the app's own connections that holds a lock (a holder a lock wait or a BUSY error named), freeing what it locked. Its work since BEGIN is gone.",
    input: z.object({ holderId: z.string().min(1) }),
    output: z.object({ rolledBack: z.boolean(), label: z.string(), handle: z.string().nullable() }),
  }),
  'query.cancel': method({
    doc: 'Cancel a running query (PostgreSQL: cancel request; SQLite: interrupt the worker).',
    input: z.object({ queryId: z.string() }),
    output: z.object({ cancelled: z.boolean() }),
  }),
} as const
