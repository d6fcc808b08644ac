import { z } from 'zod'
import { cellSchema } from './values'

export const resultColumnSchema = z.object({
  name: z.string(),
  type: z.string().nullable(),
  /**
   * The table column a result column was read from, where the engine says (SQLite's column
   * metadata; PostgreSQL's table OID and attribute number, resolved by name before it leaves).
   */
  origin: z.object({ schema: z.string().nullable(), table: z.string(), column: z.string() }).nullable().optional(),
  /** PostgreSQL's raw origin (table OID, attribute number), resolved to `origin` on request. */
  originId: z.object({ table: z.number(), column: z.number() }).optional(),
})

export const queryResultSchema = z.object({
  columns: z.array(resultColumnSchema),
  rows: z.array(z.array(cellSchema)),
  /** Rows changed by INSERT/UPDATE/DELETE, or rows returned by a SELECT. */
  rowCount: z.number(),
  /** The statement's command tag (SELECT, INSERT, BEGIN, ...). */
  command: z.string(),
  durationMs: z.number(),
  /**
   * Where the rows can be edited: every column read as itself from one table whose primary key is
   * among them. Otherwise `readOnly` says why not.
   */
  source: z
    .object({ table: z.object({ schema: z.string().nullable(), name: z.string() }), keyColumns: z.array(z.string()) })
    .nullable()
    .optional(),
  readOnly: z.string().nullable().optional(),
})
export type QueryResult = z.infer<typeof queryResultSchema>
export type ResultColumn = z.infer<typeof resultColumnSchema>
