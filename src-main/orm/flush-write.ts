import { runSteps } from './flush-errors'
import { AppError } from '../../src-shared/errors'
import type { BatchStep, BatchStepResult } from '../db/driver'
import { CircularDependencyError, InvalidRequestError, StaleDataError } from './errors'
import { SqlExpression } from './sql-expression'
import { identityKey, relatedStates, type InstanceState } from './instance-state'
import type { Mapper, Relationship } from './mapper'
import type { Session } from './session'
import type { KeyChain } from './flush-chain'
import { runLazySteps, type LazyStep } from './flush-batches'
import {
  type Plan,
  setValue,
  syncChild,
  selfParents,
  sameValue,
  compareKeys,
  byCommittedKey,
  deleteOrder,
} from './flush-plan'

/*
 * The unit of work's statements (./flush.ts runs them in the plan's order): INSERTs, UPDATEs,
 * primary-key changes, association rows, post-updates and DELETEs, batched where the engine can.
 */

export async function saveMapper(
  s: Session,
  m: Mapper,
  states: InstanceState[],
  plan: Plan,
  inserted: InstanceState[],
  chain: KeyChain | null = null,
) {
  const updates = states.filter((st) => st.status === 'persistent')
  const inserts = states.filter((st) => st.status === 'pending').sort((a, b) => a.insertOrder - b.insertOrder)
  if (updates.length) {
    // UPDATEs read the keys of rows inserted before them: those must have answered.
    await chain?.settle()
    for (let k = 0; k < updates.length; k++) syncChild(updates[k], plan)
    await runUpdates(s, m, updates.sort(byCommittedKey(m)), plan)
  }
  const selfRef = m.relationshipList.some((r) => r.target === m)
  if (!selfRef) {
    // A chain sets the rows' foreign keys itself, chunk by chunk as it sends them.
    if (!chain) for (let k = 0; k < inserts.length; k++) syncChild(inserts[k], plan)
    await (chain ? chain.insert(m, inserts, plan) : runInserts(s, m, inserts, plan))
    for (let k = 0; k < inserts.length; k++) inserted.push(inserts[k])
    return
  }
  await chain?.settle()
  const done = new Set<InstanceState>()
  let remaining = inserts
  while (remaining.length) {
    // Rows whose same-table parents are in this batch wait for a later wave.
    const wave = remaining.filter((st) => selfParents(st, plan).every((p) => done.has(p) || !remaining.includes(p)))
    if (wave.length === 0)
      throw new CircularDependencyError(
        `Rows of ${m.name} depend on each other in a cycle; mark one relationship post_update`,
      )
    for (const st of wave) syncChild(st, plan)
    await runInserts(s, m, wave, plan)
    for (const st of wave) done.add(st)
    inserted.push(...wave)
    remaining = remaining.filter((st) => !done.has(st))
  }
}

/** An UPDATE's parameters: the new values, then the key as committed (once per changed object). */
function updateRow(st: InstanceState, bound: number[], pk: number[]): unknown[] {
  const committed = st.committed ?? st.values
  const row: unknown[] = new Array(bound.length + pk.length)
  for (let k = 0; k < bound.length; k++) row[k] = st.values[bound[k]]
  for (let k = 0; k < pk.length; k++) row[bound.length + k] = committed[pk[k]]
  return row
}

async function runUpdates(s: Session, m: Mapper, states: InstanceState[], plan: Plan) {
  // Rows are grouped by the set of columns that really changed: one UPDATE statement per set.
  const groups = new Map<number | string, { cols: number[]; states: InstanceState[] }>()
  const wide = m.columns.length > 30
  for (let k = 0; k < states.length; k++) {
    const st = states[k]
    const mod = st.modified
    if (!mod || mod.size === 0) continue
    const committed = st.committed ?? st.values
    let bits = 0
    let names = ''
    // Columns set to a SQL expression share a statement only with rows setting the same SQL.
    let exprs = ''
    for (let i = mod.next(); i >= 0; i = mod.next(i)) {
      const v = st.values[i]
      if (sameValue(v, committed[i])) continue
      if (wide) names += `${i},`
      else bits |= 1 << i
      if (v instanceof SqlExpression) exprs += `${i}=${v.sql}\u0000`
    }
    if (bits === 0 && names === '') continue
    if (exprs) plan.expressions.push(st)
    const key: number | string = exprs ? `${wide ? names : bits}|${exprs}` : wide ? names : bits
    const g = groups.get(key)
    if (g) g.states.push(st)
    else {
      const cols = [...mod].filter((i) => !sameValue(st.values[i], committed[i])).sort((a, b) => a - b)
      groups.set(key, { cols, states: [st] })
    }
  }
  if (groups.size === 0) return
  const d = m.dialect
  const steps: LazyStep[] = []
  for (const { cols, states: sts } of groups.values()) {
    let n = 0
    const first = sts[0].values
    const set = cols
      .map(
        (i) =>
          `${m.quoted(i)} = ${first[i] instanceof SqlExpression ? (first[i] as SqlExpression).sql : d.placeholder(++n)}`,
      )
      .join(', ')
    const where = m.pk.map((i) => `${m.quoted(i)} = ${d.placeholder(++n)}`).join(' AND ')
    const bound = cols.filter((i) => !(first[i] instanceof SqlExpression))
    const sql = `UPDATE ${m.sqlName} SET ${set} WHERE ${where}`
    steps.push({ sql, states: sts, row: (st) => updateRow(st, bound, m.pk) })
  }
  const { results, stepStates } = await runLazySteps(s, steps)
  results.forEach((r, k) => {
    const bad = r.changes.findIndex((c) => c !== 1)
    if (bad >= 0)
      throw new StaleDataError(
        `UPDATE statement on table '${m.name}' expected to update 1 row(s); ${r.changes[bad]} were matched (${JSON.stringify(stepStates[k][bad].identity)})`,
      )
  })
  for (const sts of stepStates)
    for (let k = 0; k < sts.length; k++) if (keyChanged(sts[k])) primaryKeyChanged(s, m, sts[k], plan)
}

function keyChanged(st: InstanceState): boolean {
  if (!st.committed || st.committed === st.values) return false
  for (const i of st.mapper.pk) if (!sameValue(st.values[i], st.committed![i])) return true
  return false
}

/**
 * A row's primary key changed (SQLAlchemy: the identity map is re-keyed at flush). Loaded rows
 * that reference it take the new value in memory where the database carries it for them (ON
 * UPDATE CASCADE, passive_updates): they stay clean, as the database already changed them.
 */
function primaryKeyChanged(s: Session, m: Mapper, st: InstanceState, plan: Plan) {
  const oldPk = m.pk.map((i) => (st.committed ?? st.values)[i])
  const newKey = identityKey(
    m,
    m.pk.map((i) => st.values[i]),
  )
  if (st.key && s.identityMap.get(st.key) === st) s.identityMap.delete(st.key)
  const oldKey = st.key
  st.key = newKey
  s.identityMap.set(newKey, st)
  plan.rekeyed.push({ st, oldKey })
  for (const other of s.registry.mappers.values()) {
    for (const rel of other.relationships.values()) {
      if (rel.direction !== 'manytoone' || rel.target !== m || !rel.targetColumns.every((i) => m.pk.includes(i)))
        continue
      const fk = other.table.foreignKeys.find(
        (f) =>
          f.refTable === m.table.name &&
          f.columns.length === rel.ownerColumns.length &&
          f.columns.every((c, k) => c === other.columns[rel.ownerColumns[k]]),
      )
      if (fk?.onUpdate !== 'CASCADE') continue
      const oldTarget = rel.targetColumns.map((i) => oldPk[m.pk.indexOf(i)])
      for (const child of s.identityMap.values()) {
        if (child.mapper !== other || child === st) continue
        const cur = child.committed ?? child.values
        if (!rel.ownerColumns.every((i, k) => sameValue(cur[i], oldTarget[k]))) continue
        rel.ownerColumns.forEach((i, k) => {
          const v = st.values[rel.targetColumns[k]]
          plan.undo.push(child, i, child.values[i], child.modified?.has(i) ?? false)
          child.values[i] = v
          if (child.committed && child.committed !== child.values) child.committed[i] = v
        })
      }
    }
  }
}

/** Build one table's INSERTs, send them, and take in what they brought back. */
export async function runInserts(s: Session, m: Mapper, states: InstanceState[], plan: Plan) {
  const built = buildInserts(m, states, plan)
  applyInserts(m, await runSteps(s, built.steps, built.stepStates), built, plan)
}

/** A mapper's INSERT steps, each with its rows' states, the columns it sets and the ones it returns. */
export interface BuiltInserts {
  steps: BatchStep[]
  stepStates: InstanceState[][]
  colsOf: number[][]
  returningOf: number[][]
}

/** The INSERT steps for new rows of one table (grouped by the columns they set); nothing is sent. */
export function buildInserts(m: Mapper, states: InstanceState[], plan: Plan): BuiltInserts {
  for (let k = 0; k < states.length; k++) {
    const st = states[k]
    for (let i = 0; i < st.values.length; i++) {
      const v = st.values[i]
      if (!(v instanceof SqlExpression)) continue
      // The column's own default on INSERT is what leaving it out gives.
      if (v.sql === m.dialect.columnDefaultSql(m.table.columns[i].serverDefault)) setValue(plan, st, i, undefined)
      else
        throw new InvalidRequestError(
          `${m.name}.${m.columns[i]}: a SQL expression can be assigned to a persistent object's column (UPDATE); a new object takes values, or nothing for the column's DEFAULT`,
        )
    }
  }
  if (m.appDefaults.size) {
    for (let k = 0; k < states.length; k++)
      for (const [i, def] of m.appDefaults)
        if (states[k].values[i] === undefined)
          setValue(plan, states[k], i, typeof def === 'function' ? (def as () => unknown)() : def)
  }
  // Rows are grouped by which columns they set: one prepared statement per column set.
  const groups = new Map<string | number, { cols: number[]; states: InstanceState[] }>()
  const n = m.columns.length
  for (let k = 0; k < states.length; k++) {
    const st = states[k]
    let key: string | number = 0
    if (n <= 30) {
      for (let i = 0; i < n; i++) if (st.values[i] !== undefined) key |= 1 << i
    } else key = st.values.map((v) => (v === undefined ? '0' : '1')).join('')
    const g = groups.get(key)
    if (g) g.states.push(st)
    else {
      const cols: number[] = []
      for (let i = 0; i < n; i++) if (st.values[i] !== undefined) cols.push(i)
      groups.set(key, { cols, states: [st] })
    }
  }
  const d = m.dialect
  const steps: BatchStep[] = []
  const stepStates: InstanceState[][] = []
  const colsOf: number[][] = []
  const returningOf: number[][] = []
  for (const { cols, states: sts } of groups.values()) {
    const provided = new Set(cols)
    const needed = [
      ...m.pk.filter((i) => !provided.has(i)),
      ...m.serverGenerated.filter((i) => !provided.has(i) && !m.pk.includes(i)),
    ]
    const returning = needed.length ? [...m.pk.filter((i) => !needed.includes(i)), ...needed] : []
    const columns = cols.map((i) => ({ name: m.columns[i], nativeType: m.table.columns[i].nativeType || 'text' }))
    const perStatement = d.insertPageSize(cols.length, returning.length > 0)
    // Only the generated key is needed, and the driver can report it without RETURNING.
    const byRowid = d.capabilities.lastInsertId && m.generatedPk && needed.length === 1 && needed[0] === m.pk[0]
    const names = byRowid ? [] : returning.map((i) => m.columns[i])
    const mode = byRowid ? 'lastInsertId' : returning.length ? 'rows' : undefined
    if (perStatement === 1) {
      // One prepared statement run once per row (executemany), all in one trip.
      steps.push({
        sql: d.insertMany(m.sqlName, columns, names, 1).sql,
        params: sts.map((st) => cols.map((i) => st.values[i])),
        returning: mode,
      })
      stepStates.push(sts)
      colsOf.push(cols)
      returningOf.push(returning)
      continue
    }
    for (let off = 0; off < sts.length; off += perStatement) {
      const chunk = sts.slice(off, off + perStatement)
      steps.push({
        sql: d.insertMany(m.sqlName, columns, names, chunk.length).sql,
        params: [chunk.flatMap((st) => cols.map((i) => st.values[i]))],
        returning: mode,
      })
      stepStates.push(chunk)
      colsOf.push(cols)
      returningOf.push(returning)
    }
  }
  return { steps, stepStates, colsOf, returningOf }
}

/** What the INSERTs brought back (generated keys, server defaults) goes into the objects. */
export function applyInserts(m: Mapper, results: BatchStepResult[], built: BuiltInserts, plan: Plan) {
  const { stepStates, returningOf } = built
  results.forEach((r, k) => {
    const returning = returningOf[k]
    if (r.ids) {
      const sts = stepStates[k]
      const pk = m.pk[0]
      plan.undo.unsetMany(sts, pk)
      for (let j = 0; j < sts.length; j++) sts[j].values[pk] = r.ids[j]
      return
    }
    if (!returning.length || !r.rows) return
    const sts = stepStates[k]
    if (r.rows.length === sts.length) {
      // One execution per row: each returned row belongs to its own state.
      r.rows.forEach((rows, j) => returning.forEach((col, c) => setValue(plan, sts[j], col, rows[0]?.[c])))
      return
    }
    // One execution for the page: correlate by generated key order, as insertmanyvalues does.
    const rows = [...r.rows[0]]
    if (m.generatedPk) rows.sort((a, b) => compareKeys(a[0], b[0]))
    rows.forEach((row, j) => returning.forEach((col, c) => setValue(plan, sts[j], col, row[c])))
  })
}

export async function postUpdates(s: Session, plan: Plan) {
  for (const rel of plan.postUpdate) {
    const m = rel.owner
    const d = m.dialect
    for (const st of plan.saves) {
      if (st.mapper !== m || !st.related.has(rel.name)) continue
      const p = relatedStates(st, rel)[0]
      const values = rel.ownerColumns.map((_, k) => (p ? p.values[rel.targetColumns[k]] : null))
      let n = 0
      const set = rel.ownerColumns.map((c) => `${m.quoted(c)} = ${d.placeholder(++n)}`).join(', ')
      const where = m.pk.map((i) => `${m.quoted(i)} = ${d.placeholder(++n)}`).join(' AND ')
      await s.run(`UPDATE ${m.sqlName} SET ${set} WHERE ${where}`, [
        ...values,
        ...m.pk.map((i) => (st.committed ?? st.values)[i]),
      ])
      rel.ownerColumns.forEach((c, k) => (st.values[c] = values[k]))
    }
  }
}

export async function associationRows(s: Session, ops: Plan['assocInserts'], kind: 'insert' | 'delete') {
  const byTable = new Map<string, { rel: Relationship; rows: Map<string, unknown[]>; cols: string[] }>()
  for (const { rel, owner, target } of ops) {
    const sec = rel.secondary!
    // Both sides of back_populates record the same pair: normalise by column name.
    const pairs = [
      ...sec.ownerFk.map((c, k) => [c, owner.values[rel.ownerColumns[k]]] as const),
      ...sec.targetFk.map((c, k) => [c, target.values[rel.targetColumns[k]]] as const),
    ].sort((a, b) => a[0].localeCompare(b[0]))
    const tkey = `${sec.table.schema ?? ''}.${sec.table.name}`
    const entry = byTable.get(tkey) ?? { rel, rows: new Map(), cols: pairs.map((p) => p[0]) }
    byTable.set(tkey, entry)
    entry.rows.set(
      JSON.stringify(pairs),
      pairs.map((p) => p[1]),
    )
  }
  for (const { rel, rows, cols } of byTable.values()) {
    const d = rel.owner.dialect
    const table = d.qualify(rel.secondary!.table.schema, rel.secondary!.table.name)
    const params = [...rows.values()]
    if (kind === 'insert') {
      await s.runBatch([
        {
          sql: `INSERT INTO ${table} (${cols.map((c) => d.quoteIdent(c)).join(', ')}) VALUES (${cols.map((_, i) => d.placeholder(i + 1)).join(', ')})`,
          params,
        },
      ])
    } else {
      const [r] = await s.runBatch([
        {
          sql: `DELETE FROM ${table} WHERE ${cols.map((c, i) => `${d.quoteIdent(c)} = ${d.placeholder(i + 1)}`).join(' AND ')}`,
          params,
        },
      ])
      const bad = r.changes.findIndex((c) => c !== 1)
      if (bad >= 0)
        throw new StaleDataError(
          `DELETE statement on table '${rel.secondary!.table.name}' expected to delete 1 row(s); only ${r.changes[bad]} were matched`,
        )
    }
  }
}

export async function deleteMapper(s: Session, m: Mapper, states: InstanceState[]) {
  if (states.length === 0) return
  if (m.pk.length === 0)
    throw new AppError('UNSUPPORTED', `${m.name} has no primary key, so its rows cannot be deleted one by one`)
  // Rows of a table go in primary-key order, as SQLAlchemy sorts them (children first where they refer to each other).
  const { ordered, nullFirst } = deleteOrder(m, [...states].sort(byCommittedKey(m)))
  const d = m.dialect
  // Rows that reference each other in a cycle: one reference is set to NULL first (post_update).
  for (const { st, rel } of nullFirst) {
    const sql = `UPDATE ${m.sqlName} SET ${rel.ownerColumns.map((i, k) => `${m.quoted(i)} = ${d.placeholder(k + 1)}`).join(', ')} WHERE ${m.pk.map((i, k) => `${m.quoted(i)} = ${d.placeholder(rel.ownerColumns.length + k + 1)}`).join(' AND ')}`
    await runSteps(
      s,
      [{ sql, params: [[...rel.ownerColumns.map(() => null), ...m.pk.map((i) => (st.committed ?? st.values)[i])]] }],
      [[st]],
    )
  }
  const sql = `DELETE FROM ${m.sqlName} WHERE ${m.pk.map((i, k) => `${m.quoted(i)} = ${d.placeholder(k + 1)}`).join(' AND ')}`
  const [r] = await runSteps(
    s,
    [{ sql, params: ordered.map((st) => m.pk.map((i) => (st.committed ?? st.values)[i])) }],
    [ordered],
  )
  const bad = r.changes.findIndex((c) => c !== 1)
  if (bad >= 0)
    throw new StaleDataError(
      `DELETE statement on table '${m.name}' expected to delete 1 row(s); ${r.changes[bad]} were matched (${JSON.stringify(ordered[bad].identity)})`,
    )
}
