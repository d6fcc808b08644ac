import type { Expr } from '../../src-shared/expr'
import { InvalidRequestError } from './errors'
import { identityKey, type InstanceState } from './instance-state'
import type { Mapper } from './mapper'
import { Result } from './result'
import type { Session } from './session'
import type { Delete, SynchronizeSession, Update } from './statements'

/**
 * Evaluate a condition against an object in memory (synchronize_session='evaluate'). Returns
 * undefined when it cannot be decided in memory (raw SQL, expired columns, LIKE).
 */
export function evaluate(e: Expr, m: Mapper, st: InstanceState): boolean | undefined {
  const val = (c: string) => {
    const i = m.colIndex.get(c)
    if (i === undefined || st.expired?.has(i)) return undefined
    return st.values[i] ?? null
  }
  switch (e.op) {
    case 'and': {
      let out: boolean | undefined = true
      for (const a of e.args) {
        const r = evaluate(a, m, st)
        if (r === undefined) out = undefined
        else if (!r) return false
      }
      return out
    }
    case 'or': {
      let out: boolean | undefined = false
      for (const a of e.args) {
        const r = evaluate(a, m, st)
        if (r === undefined) out = undefined
        else if (r) return true
      }
      return out
    }
    case 'not': {
      const r = evaluate(e.arg, m, st)
      return r === undefined ? undefined : !r
    }
    case 'null': {
      const v = val(e.column)
      return v === undefined ? undefined : (v === null) !== !!e.negate
    }
    case 'in': {
      const v = val(e.column)
      if (v === undefined) return undefined
      if (v === null) return false
      return e.values.some((x) => x === v) !== !!e.negate
    }
    case 'cmp': {
      const v = val(e.column)
      if (v === undefined) return undefined
      if (v === null || e.value === null) return e.cmp === '=' ? v === e.value : e.cmp === '!=' ? v !== e.value : false
      const a = v as number | string
      const b = e.value as number | string
      switch (e.cmp) {
        case '=':
          return a === b
        case '!=':
          return a !== b
        case '<':
          return a < b
        case '<=':
          return a <= b
        case '>':
          return a > b
        case '>=':
          return a >= b
        default:
          return undefined
      }
    }
    case 'raw':
      return undefined
  }
}

function matchInMemory(s: Session, m: Mapper, criteria: Expr[], strict: boolean): InstanceState[] | null {
  const out: InstanceState[] = []
  for (const st of s.identityMap.values()) {
    if (st.mapper !== m) continue
    let ok: boolean | undefined = true
    for (const c of criteria) {
      const r = evaluate(c, m, st)
      if (r === undefined) {
        if (strict)
          throw new InvalidRequestError(
            'Could not evaluate current criteria in memory; use synchronizeSession "fetch" or false',
          )
        return null
      }
      if (!r) {
        ok = false
        break
      }
    }
    if (ok) out.push(st)
  }
  return out
}

function statesByKeys(s: Session, m: Mapper, rows: unknown[][]): InstanceState[] {
  return rows.map((r) => s.identityMap.get(identityKey(m, r))).filter((x): x is InstanceState => !!x)
}

/**
 * The "fetch" strategy where the engine has no UPDATE ... RETURNING (MariaDB): the matching keys
 * are selected first, as SQLAlchemy does there. Null where RETURNING brings them back instead.
 */
async function keysBefore(s: Session, m: Update['mapper'], criteria: Update['criteria']) {
  if (m.dialect.capabilities.returning || !m.pk.length) return null
  const params: unknown[] = []
  const where = s.compileWhere(m, criteria, params)
  return (await s.run(`SELECT ${m.pk.map((i) => m.quoted(i)).join(', ')} FROM ${m.sqlName}${where}`, params)).rows
}

/** `UPDATE ... WHERE ...` in one statement, keeping the identity map truthful. */
export async function bulkUpdate(s: Session, stmt: Update, sync: SynchronizeSession): Promise<Result> {
  const m = stmt.mapper
  const d = m.dialect
  const cols = Object.keys(stmt.assignments)
  if (cols.length === 0) throw new InvalidRequestError('update() needs values()')
  const params: unknown[] = []
  const set = cols
    .map((c) => (params.push(stmt.assignments[c]), `${d.quoteIdent(c)} = ${d.placeholder(params.length)}`))
    .join(', ')
  const where = s.compileWhere(m, stmt.criteria, params)
  let matched: InstanceState[] | null = null
  if (sync === 'evaluate' || sync === 'auto') matched = matchInMemory(s, m, stmt.criteria, sync === 'evaluate')
  const fetch = sync === 'fetch' || (sync === 'auto' && matched === null)
  const keys = fetch ? await keysBefore(s, m, stmt.criteria) : null
  const returning = fetch && !keys && m.pk.length ? ` RETURNING ${m.pk.map((i) => m.quoted(i)).join(', ')}` : ''
  const r = await s.run(`UPDATE ${m.sqlName} SET ${set}${where}${returning}`, params)
  if (fetch) matched = statesByKeys(s, m, keys ?? r.rows)
  for (const st of matched ?? []) {
    for (const c of cols) {
      const i = m.col(c)
      st.values[i] = stmt.assignments[c]
      if (st.committed && st.committed !== st.values) st.committed[i] = stmt.assignments[c]
      st.modified?.delete(i)
      st.expired?.delete(i)
    }
  }
  return new Result([], r.rowCount)
}

/** `DELETE ... WHERE ...` in one statement: matched objects leave the identity map. No ORM cascades. */
export async function bulkDelete(s: Session, stmt: Delete, sync: SynchronizeSession): Promise<Result> {
  const m = stmt.mapper
  const params: unknown[] = []
  const where = s.compileWhere(m, stmt.criteria, params)
  let matched: InstanceState[] | null = null
  if (sync === 'evaluate' || sync === 'auto') matched = matchInMemory(s, m, stmt.criteria, sync === 'evaluate')
  const fetch = sync === 'fetch' || (sync === 'auto' && matched === null)
  const keys = fetch ? await keysBefore(s, m, stmt.criteria) : null
  const returning = fetch && !keys && m.pk.length ? ` RETURNING ${m.pk.map((i) => m.quoted(i)).join(', ')}` : ''
  const r = await s.run(`DELETE FROM ${m.sqlName}${where}${returning}`, params)
  if (fetch) matched = statesByKeys(s, m, keys ?? r.rows)
  for (const st of matched ?? []) {
    if (st.key) s.identityMap.delete(st.key)
    st.status = 'deleted'
    s.flushedDeletes.add(st)
    s.changedSet.delete(st)
  }
  return new Result([], r.rowCount)
}
