import { engineSchema } from '../connection'
import { z } from 'zod'
import { tableSchema } from './table'

export const databaseSchemaSchema = z.object({
  engine: engineSchema,
  /** Name of the database (file name for SQLite). */
  database: z.string(),
  tables: z.array(tableSchema),
})
export type DatabaseSchema = z.infer<typeof databaseSchemaSchema>
