import type { QueryResult } from '../../src-shared/query'
import type { Cell } from '../../src-shared/values'
import { compileExpr } from '../db/sql-expr'
import { newEntityObject, setLoaded } from './entity'
import { identityKey1, identityKey, InstanceState, STATE, type IdentityKey } from './instance-state'
import type { LoadStrategy, Mapper, Relationship } from './mapper'
import type { Select } from './statements'

/** What loaders need from the session: the identity map and a logged way to run SQL. */
export interface LoadContext {
  readonly identityMap: Map<IdentityKey, InstanceState>
  run(sql: string, params: unknown[]): Promise<QueryResult>
  adopt(st: InstanceState): void
}

/** SQLAlchemy's selectinload batch size. */
export const SELECTIN_BATCH = 500

const toBool = (v: unknown) =>
  v === null || v === undefined ? null : v === true || v === 1 || v === '1' || v === 't' || v === 'true'

/**
 * Turn the columns of one mapper at `offset` in a row into its object: the one already in the
 * identity map (left as it is unless expired, as SQLAlchemy does), or a new persistent one.
 */
export function hydrate(ctx: LoadContext, m: Mapper, row: Cell[], offset: number): InstanceState | null {
  let key: IdentityKey
  if (m.pk.length === 1) {
    const v = row[offset + m.pk[0]]
    if (v === null || v === undefined) return null
    key = identityKey1(m, v)
  } else if (m.pk.length > 1) {
    const pk = m.pk.map((i) => row[offset + i])
    if (pk.some((v) => v === null || v === undefined)) return null
    key = identityKey(m, pk)
  } else return null
  const existing = ctx.identityMap.get(key)
  if (existing) {
    if (existing.expired) {
      for (const i of existing.expired) {
        const v = m.booleanColumns.includes(i) ? toBool(row[offset + i]) : row[offset + i]
        existing.values[i] = v
        if (existing.committed && existing.committed !== existing.values) existing.committed[i] = v
      }
      existing.expired = null
    }
    return existing
  }
  const n = m.columns.length
  const values: unknown[] = offset === 0 && row.length === n ? row : row.slice(offset, offset + n)
  for (const b of m.booleanColumns) values[b] = toBool(values[b])
  const st = newEntityObject(m, values)[STATE]
  st.committed = values
  st.status = 'persistent'
  st.key = key
  ctx.adopt(st)
  ctx.identityMap.set(key, st)
  return st
}

function columnsOf(m: Mapper, qual: string): string {
  return m.columns.map((c) => `${qual}.${m.dialect.quoteIdent(c)}`).join(', ')
}

function tableQual(m: Mapper): string {
  return m.sqlName
}

/** `col IN (...)` or `(a, b) IN ((...), (...))`, with parameters appended. */
function inList(cols: string[], keys: unknown[][], m: Mapper, params: unknown[]): string {
  const d = m.dialect
  const ph = () => {
    return d.placeholder(params.length)
  }
  if (cols.length === 1) {
    const parts = keys.map((k) => {
      params.push(k[0])
      return ph()
    })
    return `${cols[0]} IN (${parts.join(', ')})`
  }
  const tuples = keys.map((k) => `(${k.map((v) => (params.push(v), ph())).join(', ')})`)
  return `(${cols.join(', ')}) IN (${tuples.join(', ')})`
}

function limitSql(stmt: Select, params: unknown[]): string {
  const d = stmt.mapper.dialect
  const ph = (v: number | null) => (v === null ? null : (params.push(v), d.placeholder(params.length)))
  return d.limitClause(ph(stmt.limitN), ph(stmt.offsetN))
}

/** The strategy to use for each relationship of a statement: options, then relationship defaults. */
export function strategies(stmt: Select): Map<Relationship, LoadStrategy> {
  const out = new Map<Relationship, LoadStrategy>()
  for (const rel of stmt.mapper.relationships.values())
    if (rel.lazy !== 'select' && rel.lazy !== 'raise') out.set(rel, rel.lazy)
  for (const o of stmt.loaders) out.set(stmt.mapper.relationships.get(o.relationship)!, o.strategy)
  for (const [rel, s] of out) if (s === 'select' || s === 'raise') out.delete(rel)
  return out
}

/** The base SELECT, with joined eager loads as LEFT OUTER JOINs (wrapped when LIMIT applies). */
export function compileSelect(
  stmt: Select,
  joined: Relationship[],
): { sql: string; params: unknown[]; offsets: number[] } {
  const m = stmt.mapper
  const d = m.dialect
  const q = (s: string) => d.quoteIdent(s)
  const params: unknown[] = []
  const base = tableQual(m)
  const where = stmt.criteria.length
    ? ` WHERE ${stmt.criteria.map((e) => compileExpr(e, d, params, base)).join(' AND ')}`
    : ''
  const orderOn = (qual: string) =>
    stmt.order.length
      ? ` ORDER BY ${stmt.order.map((o) => `${qual}.${q(o.column)}${o.desc ? ' DESC' : ''}`).join(', ')}`
      : ''
  const limit = limitSql(stmt, params)
  if (joined.length === 0)
    return { sql: `SELECT ${columnsOf(m, base)} FROM ${base}${where}${orderOn(base)}${limit}`, params, offsets: [] }
  const wrap = limit !== ''
  const outer = wrap ? 'anon_1' : base
  const from = wrap ? `(SELECT ${columnsOf(m, base)} FROM ${base}${where}${orderOn(base)}${limit}) AS anon_1` : base
  const cols = [columnsOf(m, outer)]
  const joins: string[] = []
  const offsets: number[] = []
  let offset = m.columns.length
  joined.forEach((rel, i) => {
    const t = rel.target
    const alias = q(`${t.table.name}_${i + 1}`)
    offsets.push(offset)
    offset += t.columns.length
    cols.push(columnsOf(t, alias))
    if (rel.secondary) {
      const assoc = q(`${rel.secondary.table.name}_${i + 1}`)
      const inner = rel.targetColumns
        .map((tc, k) => `${alias}.${t.quoted(tc)} = ${assoc}.${q(rel.secondary!.targetFk[k])}`)
        .join(' AND ')
      const on = rel.ownerColumns
        .map((oc, k) => `${outer}.${m.quoted(oc)} = ${assoc}.${q(rel.secondary!.ownerFk[k])}`)
        .join(' AND ')
      joins.push(
        `LEFT OUTER JOIN (${d.qualify(rel.secondary.table.schema, rel.secondary.table.name)} AS ${assoc} JOIN ${tableQual(t)} AS ${alias} ON ${inner}) ON ${on}`,
      )
    } else {
      const on = rel.ownerColumns
        .map((oc, k) => `${outer}.${m.quoted(oc)} = ${alias}.${t.quoted(rel.targetColumns[k])}`)
        .join(' AND ')
      joins.push(`LEFT OUTER JOIN ${tableQual(t)} AS ${alias} ON ${on}`)
    }
  })
  const sql = `SELECT ${cols.join(', ')} FROM ${from} ${joins.join(' ')}${wrap ? orderOn(outer) : where + orderOn(base)}`
  return { sql, params, offsets }
}

/** Rows of a joined-eager SELECT: unique parents in order, each relationship filled. */
export function processJoinedRows(
  ctx: LoadContext,
  stmt: Select,
  joined: Relationship[],
  offsets: number[],
  rows: Cell[][],
): InstanceState[] {
  const parents: InstanceState[] = []
  const seen = new Set<InstanceState>()
  const collected = joined.map(() => new Map<InstanceState, InstanceState[]>())
  for (const row of rows) {
    const p = hydrate(ctx, stmt.mapper, row, 0)
    if (!p) continue
    if (!seen.has(p)) {
      seen.add(p)
      parents.push(p)
      joined.forEach((_, j) => collected[j].set(p, []))
    }
    joined.forEach((rel, j) => {
      const c = hydrate(ctx, rel.target, row, offsets[j])
      const list = collected[j].get(p)!
      if (c && !list.includes(c)) list.push(c)
    })
  }
  joined.forEach((rel, j) => {
    for (const [p, list] of collected[j]) if (!p.related.has(rel.name)) setLoaded(p, rel, list)
  })
  return parents
}

function keyOf(values: unknown[], cols: number[]): string {
  return cols.length === 1 ? String(values[cols[0]]) : JSON.stringify(cols.map((c) => values[c]))
}

/** selectinload: one SELECT per 500 parents with `IN`, then matched up in memory. */
export async function selectinLoad(ctx: LoadContext, parents: InstanceState[], rel: Relationship): Promise<void> {
  const todo = parents.filter((p) => !p.related.has(rel.name))
  if (todo.length === 0) return
  const t = rel.target
  const d = t.dialect
  const q = (s: string) => d.quoteIdent(s)
  const byKey = new Map<string, InstanceState[]>()
  const keys: unknown[][] = []
  for (const p of todo) {
    const k = rel.ownerColumns.map((c) => p.values[c])
    if (k.some((v) => v === null || v === undefined)) {
      setLoaded(p, rel, rel.uselist ? [] : null)
      continue
    }
    const ks = keyOf(p.values, rel.ownerColumns)
    const list = byKey.get(ks)
    if (list) list.push(p)
    else {
      byKey.set(ks, [p])
      keys.push(k)
    }
  }
  const found = new Map<string, InstanceState[]>()
  const push = (ks: string, st: InstanceState) => {
    const l = found.get(ks)
    if (!l) found.set(ks, [st])
    else if (!l.includes(st)) l.push(st)
  }
  // Many-to-one to a primary key: objects already in the identity map need no SQL.
  const toPk =
    rel.direction === 'manytoone' &&
    t.pk.length === rel.targetColumns.length &&
    t.pk.every((c, i) => c === rel.targetColumns[i])
  let pendingKeys = keys
  if (toPk) {
    pendingKeys = keys.filter((k) => {
      const st = ctx.identityMap.get(identityKey(t, k))
      if (st) push(k.length === 1 ? String(k[0]) : JSON.stringify(k), st)
      return !st
    })
  }
  for (let i = 0; i < pendingKeys.length; i += SELECTIN_BATCH) {
    const batch = pendingKeys.slice(i, i + SELECTIN_BATCH)
    const params: unknown[] = []
    if (rel.secondary) {
      const assoc = d.qualify(rel.secondary.table.schema, rel.secondary.table.name)
      const ownerCols = rel.secondary.ownerFk.map((c) => `${assoc}.${q(c)}`)
      const on = rel.targetColumns
        .map((tc, k) => `${tableQual(t)}.${t.quoted(tc)} = ${assoc}.${q(rel.secondary!.targetFk[k])}`)
        .join(' AND ')
      const sql = `SELECT ${ownerCols.join(', ')}, ${columnsOf(t, tableQual(t))} FROM ${tableQual(t)} JOIN ${assoc} ON ${on} WHERE ${inList(ownerCols, batch, t, params)}`
      const r = await ctx.run(sql, params)
      const nk = ownerCols.length
      for (const row of r.rows) {
        const st = hydrate(ctx, t, row, nk)
        if (st) push(nk === 1 ? String(row[0]) : JSON.stringify(row.slice(0, nk)), st)
      }
    } else {
      const cols = rel.targetColumns.map((c) => `${tableQual(t)}.${t.quoted(c)}`)
      const order = t.pk.length ? ` ORDER BY ${t.pk.map((c) => `${tableQual(t)}.${t.quoted(c)}`).join(', ')}` : ''
      const sql = `SELECT ${columnsOf(t, tableQual(t))} FROM ${tableQual(t)} WHERE ${inList(cols, batch, t, params)}${rel.direction === 'onetomany' ? order : ''}`
      const r = await ctx.run(sql, params)
      for (const row of r.rows) {
        const st = hydrate(ctx, t, row, 0)
        if (st) push(keyOf(st.values, rel.targetColumns), st)
      }
    }
  }
  for (const [ks, ps] of byKey) for (const p of ps) setLoaded(p, rel, found.get(ks) ?? (rel.uselist ? [] : null))
}

/** subqueryload: the original query, restated as a subquery, joined to the related table. */
export async function subqueryLoad(
  ctx: LoadContext,
  stmt: Select,
  parents: InstanceState[],
  rel: Relationship,
): Promise<void> {
  if (parents.every((p) => p.related.has(rel.name))) return
  const m = stmt.mapper
  const t = rel.target
  const d = m.dialect
  const q = (s: string) => d.quoteIdent(s)
  const params: unknown[] = []
  const base = tableQual(m)
  const keyCols = rel.ownerColumns.map((c, i) => `${base}.${m.quoted(c)} AS ${q(`k${i}`)}`)
  const where = stmt.criteria.length
    ? ` WHERE ${stmt.criteria.map((e) => compileExpr(e, d, params, base)).join(' AND ')}`
    : ''
  const order = stmt.order.length
    ? ` ORDER BY ${stmt.order.map((o) => `${base}.${q(o.column)}${o.desc ? ' DESC' : ''}`).join(', ')}`
    : ''
  const limit = limitSql(stmt, params)
  const inner = `SELECT DISTINCT ${keyCols.join(', ')} FROM ${base}${where}${limit ? order + limit : ''}`
  const keys = rel.ownerColumns.map((_, i) => `anon_1.${q(`k${i}`)}`)
  let join: string
  if (rel.secondary) {
    const assoc = d.qualify(rel.secondary.table.schema, rel.secondary.table.name)
    join = `JOIN ${assoc} ON ${keys.map((k, i) => `${k} = ${assoc}.${q(rel.secondary!.ownerFk[i])}`).join(' AND ')} JOIN ${tableQual(t)} ON ${rel.targetColumns.map((tc, i) => `${tableQual(t)}.${t.quoted(tc)} = ${assoc}.${q(rel.secondary!.targetFk[i])}`).join(' AND ')}`
  } else {
    join = `JOIN ${tableQual(t)} ON ${keys.map((k, i) => `${k} = ${tableQual(t)}.${t.quoted(rel.targetColumns[i])}`).join(' AND ')}`
  }
  const sql = `SELECT ${keys.join(', ')}, ${columnsOf(t, tableQual(t))} FROM (${inner}) AS anon_1 ${join} ORDER BY ${keys.join(', ')}`
  const r = await ctx.run(sql, params)
  const nk = keys.length
  const found = new Map<string, InstanceState[]>()
  for (const row of r.rows) {
    const st = hydrate(ctx, t, row, nk)
    if (!st) continue
    const ks = nk === 1 ? String(row[0]) : JSON.stringify(row.slice(0, nk))
    const l = found.get(ks) ?? []
    if (!l.includes(st)) l.push(st)
    found.set(ks, l)
  }
  for (const p of parents)
    if (!p.related.has(rel.name))
      setLoaded(p, rel, found.get(keyOf(p.values, rel.ownerColumns)) ?? (rel.uselist ? [] : null))
}

/** lazy="select": one SELECT for one object's relationship (the N in N+1). */
export async function lazyLoad(ctx: LoadContext, st: InstanceState, rel: Relationship): Promise<void> {
  const t = rel.target
  const d = t.dialect
  const q = (s: string) => d.quoteIdent(s)
  const key = rel.ownerColumns.map((c) => st.values[c])
  if (key.some((v) => v === null || v === undefined)) {
    setLoaded(st, rel, rel.uselist ? [] : null)
    return
  }
  if (rel.direction === 'manytoone' && t.pk.every((c, i) => c === rel.targetColumns[i])) {
    const hit = ctx.identityMap.get(identityKey(t, key))
    if (hit) {
      setLoaded(st, rel, hit)
      return
    }
  }
  const params: unknown[] = []
  let sql: string
  if (rel.secondary) {
    const assoc = d.qualify(rel.secondary.table.schema, rel.secondary.table.name)
    const conds = rel.secondary.ownerFk.map(
      (c, i) => (params.push(key[i]), `${d.placeholder(params.length)} = ${assoc}.${q(c)}`),
    )
    const link = rel.targetColumns.map(
      (tc, i) => `${tableQual(t)}.${t.quoted(tc)} = ${assoc}.${q(rel.secondary!.targetFk[i])}`,
    )
    sql = `SELECT ${columnsOf(t, tableQual(t))} FROM ${tableQual(t)}, ${assoc} WHERE ${[...conds, ...link].join(' AND ')}`
  } else {
    const conds = rel.targetColumns.map(
      (tc, i) => (params.push(key[i]), `${d.placeholder(params.length)} = ${tableQual(t)}.${t.quoted(tc)}`),
    )
    sql = `SELECT ${columnsOf(t, tableQual(t))} FROM ${tableQual(t)} WHERE ${conds.join(' AND ')}`
  }
  const r = await ctx.run(sql, params)
  const states = r.rows.map((row) => hydrate(ctx, t, row, 0)).filter((x): x is InstanceState => x !== null)
  setLoaded(st, rel, rel.uselist ? states : (states[0] ?? null))
}
