import { z } from 'zod'
import { modelDocumentSchema } from '../model/document'
import { mapperInfoSchema, ormActionSchema, ormQuerySchema, sessionSnapshotSchema } from '../orm'
import { method, handle } from './kit'

/** ORM sessions. */
export const ormMethods = {
  'orm.open': method({
    doc: 'Open an ORM session on its own connection to an open database; returns its mappers.',
    input: z.object({
      handle,
      autoflush: z.boolean().default(true),
      expireOnCommit: z.boolean().default(true),
      flushSavepoint: z.boolean().default(true),
      isolationLevel: z.string().optional(),
      model: modelDocumentSchema.optional(),
    }),
    output: z.object({ sessionId: z.string(), mappers: z.array(mapperInfoSchema), snapshot: sessionSnapshotSchema }),
  }),
  'orm.close': method({
    doc: 'Close an ORM session (rolling back what is not committed) and its connection.',
    input: z.object({ sessionId: z.string() }),
    output: z.null(),
  }),
  'orm.reconnect': method({
    doc: "A fresh connection for a session whose connection dropped: pending changes are kept, unless the lost transaction had flushed some (then the session rolls back, as SQLAlchemy's does).",
    input: z.object({ sessionId: z.string() }),
    output: z.object({ rolledBack: z.boolean(), snapshot: sessionSnapshotSchema }),
  }),
  'orm.snapshot': method({
    doc: 'The session now: identity map, new/dirty/deleted, transaction, SQL log.',
    input: z.object({ sessionId: z.string() }),
    output: sessionSnapshotSchema,
  }),
  'orm.query': method({
    doc: 'select(table).where(...).order_by(...).limit(...).options(loaders): objects and the snapshot after it.',
    input: ormQuerySchema,
    output: z.object({ refs: z.array(z.number()), snapshot: sessionSnapshotSchema }),
  }),
  'orm.act': method({
    doc: 'One session operation (add, set, delete, link, load, flush, commit, rollback, configure a relationship...). Errors leave the session as it was and come back as data.',
    input: z.object({ sessionId: z.string(), action: ormActionSchema }),
    output: z.object({
      ref: z.number().nullable(),
      snapshot: sessionSnapshotSchema,
      error: z.object({ code: z.string(), message: z.string(), refs: z.array(z.number()) }).nullable(),
    }),
  }),
} as const
