import { z } from 'zod'
import { columnSchema } from './column'
import { checkConstraintSchema, foreignKeySchema, indexSchema, uniqueConstraintSchema } from './constraints'

export const tableSchema = z.object({
  /** PostgreSQL schema (namespace); null on SQLite's main database. */
  schema: z.string().nullable(),
  name: z.string(),
  kind: z.enum(['table', 'view']),
  columns: z.array(columnSchema),
  primaryKeyName: z.string().nullable(),
  foreignKeys: z.array(foreignKeySchema),
  uniques: z.array(uniqueConstraintSchema),
  checks: z.array(checkConstraintSchema),
  indexes: z.array(indexSchema),
  /** For views: the defining query as the engine reports it. */
  definition: z.string().nullable(),
  /** SQLite rowid tables without a declared key can still be edited through the rowid. */
  hasRowid: z.boolean(),
})
export type Table = z.infer<typeof tableSchema>

export function primaryKeyColumns(table: Pick<Table, 'columns'>): string[] {
  return table.columns
    .filter((c) => c.primaryKey > 0)
    .sort((a, b) => a.primaryKey - b.primaryKey)
    .map((c) => c.name)
}

/** Stable identity for a table within one database: `schema.name`, or `name` without a schema. */
export function tableKey(t: { schema: string | null; name: string }): string {
  return t.schema ? `${t.schema}.${t.name}` : t.name
}

/** A table that only links two others: two FKs whose columns are exactly its primary key. */
export function isAssociationTable(t: Pick<Table, 'foreignKeys' | 'columns'> & { kind?: Table['kind'] }): boolean {
  if ((t.kind ?? 'table') !== 'table' || t.foreignKeys.length !== 2) return false
  const pk = new Set(primaryKeyColumns(t))
  const fkCols = t.foreignKeys.flatMap((f) => f.columns)
  return fkCols.length === t.columns.length && fkCols.every((c) => pk.has(c)) && pk.size === fkCols.length
}

/** Whether these columns hold each value at most once: the primary key, a UNIQUE column, or a UNIQUE constraint on exactly them. */
export function isUniqueKey(t: Pick<Table, 'columns' | 'uniques'>, cols: string[]): boolean {
  if (cols.length === 1 && t.columns.find((c) => c.name === cols[0])?.unique) return true
  const pk = primaryKeyColumns(t)
  if (pk.length === cols.length && cols.every((c) => pk.includes(c))) return true
  return t.uniques.some((u) => u.columns.length === cols.length && u.columns.every((c) => cols.includes(c)))
}
