import type { QueryResult, ResultColumn } from '../../src-shared/query'
import { cellAt, columnsOf } from '../../src-shared/cell-columns'
import type { TableRef } from '../../src-shared/grid'
import { primaryKeyColumns, type Table } from '../../src-shared/schema'
import type { Driver } from '../db/driver'

type Origin = NonNullable<ResultColumn['origin']>

/** Each result column's origin, by name: as the engine gave it, or resolved through the dialect. */
async function resolveOrigins(driver: Driver, columns: ResultColumn[]): Promise<(Origin | null)[]> {
  const byId = await driver.dialect.resolveOrigins(
    driver,
    columns.flatMap((c) => (c.originId ? [c.originId] : [])),
  )
  return columns.map((c) =>
    c.originId ? (byId.get(`${c.originId.table}:${c.originId.column}`) ?? null) : (c.origin ?? null),
  )
}

/**
 * Whether a query's rows can be edited like a table's: every column read as itself (no alias, no
 * expression) from one table, with that table's whole primary key among them. Otherwise why not.
 */
export async function resultSource(
  driver: Driver,
  result: QueryResult,
  findTable: (ref: TableRef) => Promise<Table>,
): Promise<Pick<QueryResult, 'columns' | 'source' | 'readOnly'>> {
  if (result.columns.length === 0) return { columns: result.columns, source: null, readOnly: null }
  const origins = await resolveOrigins(driver, result.columns)
  const columns = result.columns.map((c, i) => ({ name: c.name, type: c.type, origin: origins[i] }))
  const readOnly = (why: string) => ({ columns, source: null, readOnly: why })
  const computed = columns.find((c) => !c.origin)
  if (computed) return readOnly(`Read-only: ${computed.name} is computed, not read from a table`)
  const tables = new Set(columns.map((c) => `${c.origin!.schema ?? ''}.${c.origin!.table}`))
  if (tables.size > 1) return readOnly(`Read-only: the columns come from ${tables.size} tables`)
  const renamed = columns.find((c) => c.origin!.column !== c.name)
  if (renamed) return readOnly(`Read-only: ${renamed.origin!.column} is renamed to ${renamed.name}`)
  const names = columns.map((c) => c.name)
  const twice = names.find((n, i) => names.indexOf(n) !== i)
  if (twice) return readOnly(`Read-only: ${twice} appears twice`)
  const { schema, table: name } = columns[0].origin!
  const table = await findTable({ schema, name }).catch(() => null)
  if (!table || table.kind !== 'table') return readOnly(`Read-only: ${name} is not a table here`)
  const key = primaryKeyColumns(table)
  if (key.length === 0) return readOnly(`Read-only: ${name} has no primary key`)
  const missing = key.filter((k) => !names.includes(k))
  if (missing.length) return readOnly(`Read-only: select the primary key (${missing.join(', ')}) to edit these rows`)
  // A compound query (UNION ALL) or a join to itself can repeat a row: an edit would be ambiguous.
  const keyAt = key.map((k) => names.indexOf(k))
  const seen = new Set<string>()
  // Rows still held as columns (a SQLite result's) are read by their key cells only.
  const held = columnsOf(result, 'rows')
  for (let r = 0, n = held ? held.rows : result.rows.length; r < n; r++) {
    const k = JSON.stringify(keyAt.map((i) => (held ? cellAt(held, r, i) : result.rows[r][i])))
    if (seen.has(k)) return readOnly(`Read-only: the same ${name} row appears more than once in the result`)
    seen.add(k)
  }
  return { columns, source: { table: { schema: table.schema, name: table.name }, keyColumns: key }, readOnly: null }
}
