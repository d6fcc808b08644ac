import { AppError } from '../../src-shared/errors'
import type { Cursor, SortKey, ViewSpec } from '../../src-shared/grid'
import { primaryKeyColumns, type Table } from '../../src-shared/schema'
import type { Dialect } from '../db/dialect'
import { compileExpr } from '../db/sql-expr'

/** The full ordering of a view: the user's sort, then the row key as a tie-breaker. */
export interface Ordering {
  /** Columns in ORDER BY, each with its direction; NULLs sort last ascending, first descending. */
  keys: { column: string; desc: boolean; nullable: boolean }[]
  /** How many leading keys come from the user's sort (the rest are the row key). */
  sortCount: number
  /** Row key columns: the primary key, or the rowid alias. */
  rowKey: string[]
  /** The SELECT expression for each row-key column (the rowid needs an alias). */
  rowKeySql: string[]
}

export const ROWID_ALIAS = '__rowid'

export function ordering(table: Table, sort: SortKey[], d: Dialect): Ordering {
  const names = new Set(table.columns.map((c) => c.name))
  for (const s of sort)
    if (!names.has(s.column)) throw new AppError('BAD_REQUEST', `${table.name} has no column ${s.column}`)
  let rowKey = primaryKeyColumns(table)
  let rowKeySql = rowKey.map((c) => d.quoteIdent(c))
  if (rowKey.length === 0 && table.hasRowid && d.rowidColumn) {
    rowKey = [ROWID_ALIAS]
    rowKeySql = [`${d.rowidColumn} AS ${d.quoteIdent(ROWID_ALIAS)}`]
  }
  const nullable = (c: string) =>
    c !== ROWID_ALIAS &&
    (table.columns.find((x) => x.name === c)?.nullable ?? true) &&
    !table.columns.find((x) => x.name === c)?.primaryKey
  const keys = sort.map((s) => ({ column: s.column, desc: s.desc, nullable: nullable(s.column) }))
  for (const k of rowKey) if (!keys.some((x) => x.column === k)) keys.push({ column: k, desc: false, nullable: false })
  // A view (or a table without rowid) has no row key: order by every column, so the order is total
  // up to rows that are equal in every column (such twins can merge at a page boundary).
  if (rowKey.length === 0)
    for (const c of table.columns)
      if (!keys.some((x) => x.column === c.name)) keys.push({ column: c.name, desc: false, nullable: nullable(c.name) })
  return { keys, sortCount: sort.length, rowKey, rowKeySql }
}

function columnSql(o: Ordering, d: Dialect, column: string): string {
  return column === ROWID_ALIAS && d.rowidColumn ? d.rowidColumn : d.quoteIdent(column)
}

function orderBySql(o: Ordering, d: Dialect, reversed: boolean): string {
  return o.keys
    .map((k) => {
      const desc = k.desc !== reversed
      return d.orderTerm(columnSql(o, d, k.column), desc)
    })
    .join(', ')
}

/**
 * Rows strictly after `cursor` in the ordering (or before it when reversed), NULL-aware: with
 * ASC NULLS LAST a NULL is greater than every value, and rows equal on a prefix of the keys are
 * told apart by the next key, down to the row key, which is unique.
 */
function keysetPredicate(o: Ordering, d: Dialect, cursor: Cursor, reversed: boolean, params: unknown[]): string {
  if (cursor.length !== o.keys.length)
    throw new AppError('BAD_REQUEST', `A cursor for this view has ${o.keys.length} values, got ${cursor.length}`)
  const p = (v: unknown) => (params.push(v), d.placeholder(params.length))
  const ors: string[] = []
  for (let i = 0; i < o.keys.length; i++) {
    const c = columnSql(o, d, o.keys[i].column)
    // "Greater" in the reading direction: ASC NULLS LAST read forwards, or its mirror.
    const greater = o.keys[i].desc === reversed
    const v = cursor[i]
    if (greater && v === null) continue // nothing sorts after NULL in this key
    const parts: string[] = []
    for (let j = 0; j < i; j++) {
      const cj = columnSql(o, d, o.keys[j].column)
      parts.push(cursor[j] === null ? `${cj} IS NULL` : `${cj} = ${p(cursor[j])}`)
    }
    // A NOT NULL key needs no NULL branch, and without it the index serves the range.
    if (greater) parts.push(o.keys[i].nullable ? `(${c} > ${p(v)} OR ${c} IS NULL)` : `${c} > ${p(v)}`)
    else parts.push(v === null ? `${c} IS NOT NULL` : `${c} < ${p(v)}`)
    ors.push(parts.length === 1 ? parts[0] : `(${parts.join(' AND ')})`)
  }
  return ors.length ? `(${ors.join(' OR ')})` : '1=0'
}

export function whereSql(view: ViewSpec, d: Dialect, params: unknown[]): string[] {
  const out: string[] = []
  if (view.filter) out.push(compileExpr(view.filter, d, params))
  if (view.where.trim()) out.push(`(${view.where})`)
  return out
}

export interface PageQuery {
  sql: string
  params: unknown[]
  /** Rows come back in reverse order and must be flipped. */
  reversed: boolean
  selectColumns: string[]
}

/** One page of a view with keyset pagination: never an OFFSET beyond `skip` (kept small). */
export function pageQuery(
  table: Table,
  view: ViewSpec,
  d: Dialect,
  req: { after: Cursor | null; before: Cursor | null; fromEnd: boolean; limit: number; skip?: number },
): PageQuery {
  const o = ordering(table, view.sort, d)
  const params: unknown[] = []
  const where = whereSql(view, d, params)
  const reversed = req.before !== null || (req.fromEnd && req.after === null)
  const cursor = req.after ?? req.before
  if (cursor) where.push(keysetPredicate(o, d, cursor, reversed, params))
  const cols = [...table.columns.map((c) => d.quoteIdent(c.name)), ...(o.rowKey[0] === ROWID_ALIAS ? o.rowKeySql : [])]
  const selectColumns = [...table.columns.map((c) => c.name), ...(o.rowKey[0] === ROWID_ALIAS ? [ROWID_ALIAS] : [])]
  params.push(req.limit + 1)
  const limit = d.placeholder(params.length)
  let offset: string | null = null
  if (req.skip) {
    params.push(req.skip)
    offset = d.placeholder(params.length)
  }
  const sql = `SELECT ${cols.join(', ')} FROM ${d.qualify(table.schema, table.name)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY ${orderBySql(o, d, reversed)}${d.limitClause(limit, offset)}`
  return { sql, params, reversed, selectColumns }
}

/** Every `step`-th row's cursor, computed by the database in one ordered pass. */
export function sampleQuery(
  table: Table,
  view: ViewSpec,
  d: Dialect,
  step: number,
): { sql: string; params: unknown[] } {
  const o = ordering(table, view.sort, d)
  const params: unknown[] = []
  const where = whereSql(view, d, params)
  const keyCols = o.keys.map((k, i) => `${columnSql(o, d, k.column)} AS ${d.quoteIdent(`k${i}`)}`)
  params.push(step)
  const inner = `SELECT ${keyCols.join(', ')}, row_number() OVER (ORDER BY ${orderBySql(o, d, false)}) AS rn FROM ${d.qualify(table.schema, table.name)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`
  return {
    sql: `SELECT ${o.keys.map((_, i) => d.quoteIdent(`k${i}`)).join(', ')} FROM (${inner}) AS s WHERE rn % ${d.placeholder(params.length)} = 0 ORDER BY rn`,
    params,
  }
}

export function countQuery(table: Table, view: ViewSpec, d: Dialect): { sql: string; params: unknown[] } {
  const params: unknown[] = []
  const where = whereSql(view, d, params)
  return {
    sql: `SELECT count(*) FROM ${d.qualify(table.schema, table.name)}${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`,
    params,
  }
}
