import { z } from 'zod'
import { cellSchema } from './values'

export const resultColumnSchema = z.object({ name: z.string(), type: z.string().nullable() })

export const queryResultSchema = z.object({
  columns: z.array(resultColumnSchema),
  rows: z.array(z.array(cellSchema)),
  /** Rows changed by INSERT/UPDATE/DELETE, or rows returned by a SELECT. */
  rowCount: z.number(),
  /** The statement's command tag (SELECT, INSERT, BEGIN, ...). */
  command: z.string(),
  durationMs: z.number(),
})
export type QueryResult = z.infer<typeof queryResultSchema>
export type ResultColumn = z.infer<typeof resultColumnSchema>
