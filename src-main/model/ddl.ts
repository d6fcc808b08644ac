import type { Column, ForeignKey, Index, Table } from '../../src-shared/schema'
import { primaryKeyColumns } from '../../src-shared/schema'
import type { Dialect } from '../db/dialect'

/** CREATE TABLE (and CREATE INDEX) statements for one table in the given dialect. */
export function createTableSql(table: Table, d: Dialect): string[] {
  const q = (n: string) => d.quoteIdent(n)
  const pk = primaryKeyColumns(table)
  const singlePk = pk.length === 1
  const lines = table.columns.map((c) => columnSql(c, d, singlePk))
  if (pk.length > 1)
    lines.push(
      `${table.primaryKeyName ? `CONSTRAINT ${q(table.primaryKeyName)} ` : ''}PRIMARY KEY (${pk.map(q).join(', ')})`,
    )
  for (const u of table.uniques)
    lines.push(`${u.name ? `CONSTRAINT ${q(u.name)} ` : ''}UNIQUE (${u.columns.map(q).join(', ')})`)
  for (const ck of table.checks) lines.push(`${ck.name ? `CONSTRAINT ${q(ck.name)} ` : ''}CHECK (${ck.expression})`)
  for (const fk of table.foreignKeys) lines.push(foreignKeySql(fk, d))
  return [
    `CREATE TABLE ${d.qualify(table.schema, table.name)} (\n  ${lines.join(',\n  ')}\n)`,
    ...table.indexes.map((ix) => createIndexSql(table, ix, d)),
  ]
}

/** A FOREIGN KEY clause, for CREATE TABLE or for `ALTER TABLE ... ADD`. */
export function foreignKeySql(fk: ForeignKey, d: Dialect): string {
  const q = (n: string) => d.quoteIdent(n)
  let s = `${fk.name ? `CONSTRAINT ${q(fk.name)} ` : ''}FOREIGN KEY (${fk.columns.map(q).join(', ')}) REFERENCES ${d.qualify(fk.refSchema, fk.refTable)} (${fk.refColumns.map(q).join(', ')})`
  if (fk.onDelete !== 'NO ACTION') s += ` ON DELETE ${fk.onDelete}`
  if (fk.onUpdate !== 'NO ACTION') s += ` ON UPDATE ${fk.onUpdate}`
  return s
}

export function createIndexSql(table: { schema: string | null; name: string }, ix: Index, d: Dialect): string {
  const q = (n: string) => d.quoteIdent(n)
  return `CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ${q(ix.name)} ON ${d.qualify(table.schema, table.name)} (${ix.columns.map(q).join(', ')})${ix.where ? ` WHERE ${ix.where}` : ''}`
}

export function columnSql(c: Column, d: Dialect, singlePk: boolean): string {
  // A type the neutral list does not know (a PostgreSQL enum, say) keeps the engine's own spelling.
  const type = c.type === 'unknown' && c.nativeType ? c.nativeType : d.columnTypeSql(c, singlePk)
  let s = `${d.quoteIdent(c.name)} ${type}`.trimEnd()
  // NOT NULL on a key too: SQLite lets a non-INTEGER PRIMARY KEY hold NULLs unless told otherwise.
  if (!c.nullable) s += ' NOT NULL'
  if (singlePk && c.primaryKey === 1) s += ' PRIMARY KEY'
  if (c.unique) s += ' UNIQUE'
  if (c.serverDefault != null) s += ` DEFAULT ${c.serverDefault}`
  return s
}

export function createViewSql(table: Table, d: Dialect): string {
  return `CREATE VIEW ${d.qualify(table.schema, table.name)} AS ${table.definition}`
}
