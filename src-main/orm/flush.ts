import { AppError } from '../../src-shared/errors'
import type { BatchStep } from '../db/driver'
import { writeColumn } from './entity'
import { CircularDependencyError, InvalidRequestError, StaleDataError } from './errors'
import { SqlExpression } from './sql-expression'
import { identityKey, identityKey1, relatedStates, stateOf, type InstanceState } from './instance-state'
import { lazyLoad } from './loading'
import type { Mapper, Relationship } from './mapper'
import type { Session } from './session'

/** A flush that failed: the database is as it was, and so are the session's pending changes. */
export class FlushError extends AppError {
  constructor(
    cause: AppError,
    /** The objects whose statement failed (one, or a page of a multi-row INSERT). */
    readonly objects: object[],
  ) {
    super(cause.code, cause.message, cause.details)
    this.name = 'FlushError'
  }
}

interface Plan {
  saves: Set<InstanceState>
  deletes: Set<InstanceState>
  expunge: Set<InstanceState>
  /** child -> parents whose one-to-many history links it */
  links: Map<InstanceState, { parent: InstanceState; rel: Relationship }[]>
  /** child -> one-to-many relationships it was removed from (FK to NULL) */
  unlinks: Map<InstanceState, Relationship[]>
  assocInserts: { rel: Relationship; owner: InstanceState; target: InstanceState }[]
  assocDeletes: { rel: Relationship; owner: InstanceState; target: InstanceState }[]
  postUpdate: Set<Relationship>
  /** Every value the flush wrote into an object, to put back if the flush fails. */
  undo: { st: InstanceState; i: number; old: unknown; wasModified: boolean }[]
  /** Objects whose UPDATE set a column to a SQL expression: those columns expire afterwards. */
  expressions: InstanceState[]
  /** Objects whose primary key changed, with the identity key they had (put back if the flush fails). */
  rekeyed: { st: InstanceState; oldKey: string | null }[]
}

function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const l = m.get(k)
  if (l) l.push(v)
  else m.set(k, [v])
}

/** The unit of work (SQLAlchemy's Session.flush): plan, order, execute, finalize. */
export async function flushSession(s: Session): Promise<void> {
  if (s.pendingSet.size === 0 && s.deleteSet.size === 0 && ![...s.changedSet].some((st) => st.hasChanges())) return
  const plan = await s.noAutoflush(() => buildPlan(s))
  if (
    plan.saves.size === 0 &&
    plan.deletes.size === 0 &&
    plan.assocInserts.length === 0 &&
    plan.assocDeletes.length === 0
  ) {
    finalize(s, plan, [])
    return
  }
  const involved = new Set<Mapper>([...plan.saves, ...plan.deletes].map((st) => st.mapper))
  const order = sortMappers(involved, plan)
  // A flush inside a transaction that already wrote runs in a savepoint, so a failure undoes only
  // this flush; where the transaction has written nothing yet, rolling it back undoes the flush
  // and loses nothing else, so no savepoint is spent (and none with flushSavepoint off).
  const ownsTransaction = s.transaction === 'idle' || !s.wroteInTx || !s.flushSavepoint
  await s.ensureTransaction()
  const sp = s.driver.dialect.quoteIdent('schemist_flush')
  if (!ownsTransaction) await s.run(`SAVEPOINT ${sp}`)
  const wroteBefore = s.wroteInTx
  const inserted: InstanceState[] = []
  const byMapper = new Map<Mapper, InstanceState[]>()
  for (const st of plan.saves) push(byMapper, st.mapper, st)
  try {
    for (const m of order) await saveMapper(s, m, byMapper.get(m) ?? [], plan, inserted)
    await postUpdates(s, plan)
    await associationRows(s, plan.assocDeletes, 'delete')
    await associationRows(s, plan.assocInserts, 'insert')
    for (const m of [...order].reverse())
      await deleteMapper(
        s,
        m,
        [...plan.deletes].filter((st) => st.mapper === m),
      )
    if (!ownsTransaction) await s.run(`RELEASE SAVEPOINT ${sp}`)
  } catch (e) {
    if (ownsTransaction) await s.abortTransaction()
    else {
      await s.run(`ROLLBACK TO SAVEPOINT ${sp}`).catch(() => {})
      await s.run(`RELEASE SAVEPOINT ${sp}`).catch(() => {})
    }
    s.wroteInTx = wroteBefore
    for (const { st, oldKey } of plan.rekeyed.reverse()) {
      if (st.key && s.identityMap.get(st.key) === st) s.identityMap.delete(st.key)
      st.key = oldKey
      if (oldKey) s.identityMap.set(oldKey, st)
    }
    for (let k = plan.undo.length - 1; k >= 0; k--) {
      const u = plan.undo[k]
      u.st.values[u.i] = u.old
      if (!u.wasModified) u.st.modified?.delete(u.i)
    }
    throw e
  }
  finalize(s, plan, inserted)
}

/**
 * A one-to-one parent side that was set without being loaded: what it held in the database is
 * looked up now, and counts as removed (so delete-orphan or the FK update applies to it).
 */
async function resolveUnknownOld(s: Session) {
  for (const st of [...s.changedSet]) {
    if (!st.unknownOld || st.status !== 'persistent') continue
    for (const name of st.unknownOld) {
      const rel = st.mapper.relationships.get(name)!
      const now = st.related.get(name)
      st.related.delete(name)
      await lazyLoad(s, st, rel)
      const before = st.related.get(name) as object | null
      st.related.set(name, now)
      if (before && before !== now) {
        st.history('removed', name).add(stateOf(before))
        // The old child no longer points here (SQLAlchemy's backref sets it to None), so it is
        // an orphan for delete-orphan rather than re-parented.
        if (rel.backPopulates && stateOf(before).related.get(rel.backPopulates) === st.obj)
          stateOf(before).related.set(rel.backPopulates, null)
      }
    }
    st.unknownOld = null
  }
}

async function buildPlan(s: Session): Promise<Plan> {
  await resolveUnknownOld(s)
  const plan: Plan = {
    saves: new Set(),
    deletes: new Set(s.deleteSet),
    expunge: new Set(),
    links: new Map(),
    unlinks: new Map(),
    assocInserts: [],
    assocDeletes: [],
    postUpdate: new Set(),
    undo: [],
    expressions: [],
    rekeyed: [],
  }
  // delete-orphan: removed from its parent's collection, and not re-parented elsewhere.
  for (const st of s.changedSet) {
    for (const [name, removed] of st.removed ?? []) {
      const rel = st.mapper.relationships.get(name)!
      if (rel.direction !== 'onetomany' || !rel.cascade.has('delete-orphan')) continue
      for (const child of removed) {
        const back = rel.backPopulates ? child.related.get(rel.backPopulates) : undefined
        if (back) continue
        if (child.status === 'pending') plan.expunge.add(child)
        else if (child.status === 'persistent') plan.deletes.add(child)
      }
    }
  }

  // delete cascade: children are deleted, or detached by setting their FK to NULL.
  const queue = [...plan.deletes]
  while (queue.length) {
    const st = queue.shift()!
    for (const rel of st.mapper.relationships.values()) {
      if (rel.passiveDeletes === 'all' && rel.direction !== 'manytoone') continue
      if (rel.direction === 'manytoone') {
        if (!rel.cascade.has('delete')) continue
        if (!st.related.has(rel.name)) await lazyLoad(s, st, rel)
        for (const p of relatedStates(st, rel))
          if (!plan.deletes.has(p) && p.status === 'persistent') (plan.deletes.add(p), queue.push(p))
        continue
      }
      if (!st.related.has(rel.name)) {
        // passive_deletes: leave unloaded children to the database's ON DELETE rule.
        if (rel.passiveDeletes) continue
        await lazyLoad(s, st, rel)
      }
      for (const c of relatedStates(st, rel)) {
        if (plan.deletes.has(c)) continue
        if (rel.direction === 'manytomany') {
          plan.assocDeletes.push({ rel, owner: st, target: c })
          if (rel.cascade.has('delete') && c.status === 'persistent') (plan.deletes.add(c), queue.push(c))
        } else if (rel.cascade.has('delete')) {
          if (c.status === 'persistent') (plan.deletes.add(c), queue.push(c))
          else if (c.status === 'pending') plan.expunge.add(c)
        } else if (c.status === 'persistent' || c.status === 'pending') {
          push(plan.unlinks, c, rel)
          plan.saves.add(c)
        }
      }
    }
  }

  for (const st of s.pendingSet) if (!plan.expunge.has(st)) plan.saves.add(st)
  for (const st of s.changedSet) if (st.hasChanges()) plan.saves.add(st)

  // New objects have no history: everything in their loaded relationships is new.
  for (const st of s.pendingSet) {
    if (plan.expunge.has(st)) continue
    for (const [name, value] of st.related) {
      if (!value) continue
      const rel = st.mapper.relationships.get(name)!
      if (rel.direction === 'manytoone') continue
      const others = rel.uselist ? (value as object[]) : [value as object]
      for (const obj of others) {
        const o = stateOf(obj)
        if (plan.expunge.has(o)) continue
        if (rel.direction === 'onetomany') {
          // The child's many-to-one side already points here: syncChild reads it from there.
          if (!(rel.backPopulates && o.related.get(rel.backPopulates) === st.obj))
            push(plan.links, o, { parent: st, rel })
          if (!plan.deletes.has(o) && o.status !== 'pending') plan.saves.add(o)
        } else plan.assocInserts.push({ rel, owner: st, target: o })
      }
    }
  }

  // Relationship history becomes FK assignments and association rows.
  for (const st of s.changedSet) {
    if (plan.expunge.has(st) || (st.added === null && st.removed === null)) continue
    for (const [kind, map] of [
      ['added', st.added],
      ['removed', st.removed],
    ] as const) {
      for (const [name, others] of map ?? []) {
        const rel = st.mapper.relationships.get(name)!
        for (const o of others) {
          if (plan.expunge.has(o)) continue
          if (rel.direction === 'onetomany') {
            if (plan.deletes.has(o)) continue
            if (kind === 'added') push(plan.links, o, { parent: st, rel })
            else push(plan.unlinks, o, rel)
            plan.saves.add(o)
          } else if (rel.direction === 'manytomany') {
            ;(kind === 'added' ? plan.assocInserts : plan.assocDeletes).push({ rel, owner: st, target: o })
          }
        }
      }
    }
  }
  for (const st of plan.deletes) plan.saves.delete(st)
  return plan
}

/** Parents before children (by foreign key); a cycle is broken on a nullable FK with post_update. */
function sortMappers(involved: Set<Mapper>, plan: Plan): Mapper[] {
  const edges = new Map<Mapper, Set<Mapper>>()
  const rels: Relationship[] = []
  for (const m of involved) {
    edges.set(m, new Set())
    for (const rel of m.relationships.values())
      if (rel.direction === 'manytoone' && rel.target !== m && involved.has(rel.target)) rels.push(rel)
  }
  for (const rel of rels) if (rel.postUpdate) plan.postUpdate.add(rel)
  for (;;) {
    for (const set of edges.values()) set.clear()
    for (const rel of rels) if (!plan.postUpdate.has(rel)) edges.get(rel.target)!.add(rel.owner)
    const indeg = new Map([...involved].map((m) => [m, 0]))
    for (const set of edges.values()) for (const c of set) indeg.set(c, indeg.get(c)! + 1)
    const ready = [...involved].filter((m) => indeg.get(m) === 0).sort((a, b) => a.index - b.index)
    const out: Mapper[] = []
    while (ready.length) {
      const m = ready.shift()!
      out.push(m)
      for (const c of edges.get(m)!) {
        indeg.set(c, indeg.get(c)! - 1)
        if (indeg.get(c) === 0) {
          ready.push(c)
          ready.sort((a, b) => a.index - b.index)
        }
      }
    }
    if (out.length === involved.size) return out
    // A cycle between tables: like post_update, insert one FK as NULL and set it afterwards.
    const stuck = new Set([...involved].filter((m) => !out.includes(m)))
    const breakable = rels.find(
      (r) =>
        !plan.postUpdate.has(r) &&
        stuck.has(r.owner) &&
        stuck.has(r.target) &&
        r.ownerColumns.every((i) => r.owner.table.columns[i].nullable),
    )
    if (!breakable)
      throw new CircularDependencyError(
        `Circular dependency between ${[...stuck].map((m) => m.name).join(', ')} with no nullable foreign key to break it`,
      )
    plan.postUpdate.add(breakable)
  }
}

/** Write a value during flush, remembering the old one in case the flush fails. */
function setValue(plan: Plan, st: InstanceState, i: number, v: unknown) {
  const old = st.values[i]
  if (old === v) return
  plan.undo.push({ st, i, old, wasModified: st.modified?.has(i) ?? false })
  if (st.status === 'pending') st.values[i] = v
  else writeColumn(st, i, v)
}

/** Copy parents' keys into a child's foreign keys, from every relationship that changed. */
function syncChild(st: InstanceState, plan: Plan) {
  for (const rel of plan.unlinks.get(st) ?? []) for (const c of rel.targetColumns) setValue(plan, st, c, null)
  for (const rel of st.mapper.relationships.values()) {
    if (rel.direction !== 'manytoone' || plan.postUpdate.has(rel) || !st.related.has(rel.name)) continue
    const changed = st.added?.has(rel.name) || st.removed?.has(rel.name) || st.status === 'pending'
    if (!changed) continue
    const p = st.related.get(rel.name) as object | null
    const ps = p ? stateOf(p) : null
    rel.ownerColumns.forEach((c, k) => setValue(plan, st, c, ps ? ps.values[rel.targetColumns[k]] : null))
  }
  for (const { parent, rel } of plan.links.get(st) ?? [])
    rel.targetColumns.forEach((c, k) => setValue(plan, st, c, parent.values[rel.ownerColumns[k]]))
}

/** Same-table parents that must be inserted first (self-referential rows). */
function selfParents(st: InstanceState, plan: Plan): InstanceState[] {
  const out: InstanceState[] = []
  for (const rel of st.mapper.relationships.values()) {
    if (rel.direction !== 'manytoone' || rel.target !== st.mapper || !st.related.has(rel.name)) continue
    for (const p of relatedStates(st, rel)) if (p.status === 'pending') out.push(p)
  }
  for (const { parent } of plan.links.get(st) ?? [])
    if (parent.mapper === st.mapper && parent.status === 'pending') out.push(parent)
  return out
}

function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a && b && typeof a === 'object' && typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b)
  return false
}

async function saveMapper(s: Session, m: Mapper, states: InstanceState[], plan: Plan, inserted: InstanceState[]) {
  const updates = states.filter((st) => st.status === 'persistent')
  const inserts = states.filter((st) => st.status === 'pending').sort((a, b) => a.insertOrder - b.insertOrder)
  for (const st of updates) syncChild(st, plan)
  await runUpdates(s, m, updates.sort(byCommittedKey(m)), plan)
  const selfRef = [...m.relationships.values()].some((r) => r.target === m)
  if (!selfRef) {
    for (const st of inserts) syncChild(st, plan)
    await runInserts(s, m, inserts, plan)
    for (const st of inserts) inserted.push(st)
    return
  }
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

async function runUpdates(s: Session, m: Mapper, states: InstanceState[], plan: Plan) {
  // Rows are grouped by the set of columns that really changed: one UPDATE statement per set.
  const groups = new Map<number | string, { cols: number[]; states: InstanceState[] }>()
  const wide = m.columns.length > 30
  for (const st of states) {
    const mod = st.modified
    if (!mod || mod.size === 0) continue
    const committed = st.committed ?? st.values
    let bits = 0
    let names = ''
    // Columns set to a SQL expression share a statement only with rows setting the same SQL.
    let exprs = ''
    for (const i of mod) {
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
  const steps: BatchStep[] = []
  const stepStates: InstanceState[][] = []
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
    steps.push({
      sql: `UPDATE ${m.sqlName} SET ${set} WHERE ${where}`,
      params: sts.map((st) => [...bound.map((i) => st.values[i]), ...m.pk.map((i) => (st.committed ?? st.values)[i])]),
    })
    stepStates.push(sts)
  }
  const results = await runSteps(s, steps, stepStates)
  results.forEach((r, k) => {
    const bad = r.changes.findIndex((c) => c !== 1)
    if (bad >= 0)
      throw new StaleDataError(
        `UPDATE statement on table '${m.name}' expected to update 1 row(s); ${r.changes[bad]} were matched (${JSON.stringify(stepStates[k][bad].identity)})`,
      )
  })
  for (const sts of stepStates)
    for (const st of sts)
      if (m.pk.some((i) => !sameValue(st.values[i], (st.committed ?? st.values)[i]))) primaryKeyChanged(s, m, st, plan)
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
          plan.undo.push({ st: child, i, old: child.values[i], wasModified: child.modified?.has(i) ?? false })
          child.values[i] = v
          if (child.committed && child.committed !== child.values) child.committed[i] = v
        })
      }
    }
  }
}

async function runInserts(s: Session, m: Mapper, states: InstanceState[], plan: Plan) {
  for (const st of states) {
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
    for (const st of states)
      for (const [i, def] of m.appDefaults)
        if (st.values[i] === undefined)
          setValue(plan, st, i, typeof def === 'function' ? (def as () => unknown)() : def)
  }
  // Rows are grouped by which columns they set: one prepared statement per column set.
  const groups = new Map<string | number, { cols: number[]; states: InstanceState[] }>()
  const n = m.columns.length
  for (const st of states) {
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
      returningOf.push(returning)
    }
  }
  const results = await runSteps(s, steps, stepStates)
  results.forEach((r, k) => {
    const returning = returningOf[k]
    if (r.ids) {
      const sts = stepStates[k]
      const pk = m.pk[0]
      for (let j = 0; j < sts.length; j++) {
        plan.undo.push({ st: sts[j], i: pk, old: undefined, wasModified: false })
        sts[j].values[pk] = r.ids[j]
      }
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

function compareKeys(a: unknown, b: unknown): number {
  const n = (v: unknown) =>
    typeof v === 'object' && v && '$bigint' in v ? BigInt((v as { $bigint: string }).$bigint) : BigInt(Number(v))
  const x = n(a)
  const y = n(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/** Run steps; a failure names the objects of the failing row. */
async function runSteps(s: Session, steps: BatchStep[], stepStates: InstanceState[][]) {
  try {
    return await s.runBatch(steps)
  } catch (e) {
    if (!(e instanceof AppError)) throw e
    const step = Number(e.details?.step ?? 0)
    const row = Number(e.details?.row ?? 0)
    const sts = stepStates[step] ?? []
    const failed = steps[step] && steps[step].params.length === sts.length ? [sts[row]] : narrow(sts, e.details?.detail)
    const objs = failed.filter(Boolean)
    const first = objs[0]
    const details = {
      ...e.details,
      table: first?.mapper.name,
      objects: objs.map((st) => ({
        table: st.mapper.name,
        key: st.identity,
        values: Object.fromEntries(st.mapper.columns.map((c, i) => [c, st.values[i] ?? null])),
      })),
    }
    throw new FlushError(
      new AppError(e.code, e.message, details),
      objs.map((st) => st.obj),
    )
  }
}

/**
 * A multi-row statement failed: PostgreSQL's detail (`Key (login)=(ivan) already exists.`)
 * usually says which values; keep the rows that have them.
 */
function narrow(states: InstanceState[], detail: unknown): InstanceState[] {
  const m = typeof detail === 'string' ? /Key \((.+?)\)=\((.*)\)/.exec(detail) : null
  if (!m || states.length <= 1) return states
  const cols = m[1].split(', ').map((c) => c.replace(/^"|"$/g, ''))
  const vals = cols.length === 1 ? [m[2]] : m[2].split(', ')
  const hit = states.filter((st) =>
    cols.every((c, i) => st.mapper.colIndex.has(c) && String(st.values[st.mapper.col(c)]) === vals[i]),
  )
  return hit.length ? hit : states
}

async function postUpdates(s: Session, plan: Plan) {
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

async function associationRows(s: Session, ops: Plan['assocInserts'], kind: 'insert' | 'delete') {
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

async function deleteMapper(s: Session, m: Mapper, states: InstanceState[]) {
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

/** Compares rows by their primary key as committed (numbers as numbers, others as text). */
function byCommittedKey(m: Mapper) {
  return (a: InstanceState, b: InstanceState) => {
    for (const i of m.pk) {
      const x = (a.committed ?? a.values)[i] as number | string
      const y = (b.committed ?? b.values)[i] as number | string
      if (x === y) continue
      return typeof x === 'number' && typeof y === 'number' ? x - y : String(x) < String(y) ? -1 : 1
    }
    return 0
  }
}

/**
 * Self-referential rows are deleted children first, as SQLAlchemy does: a row depends on another
 * when its foreign key (as committed) holds that row's key, or when it sits in that row's loaded
 * one-to-many collection. A cycle in the rows is broken by setting one nullable reference to
 * NULL before the DELETEs (SQLAlchemy's post_update).
 */
function deleteOrder(
  m: Mapper,
  states: InstanceState[],
): { ordered: InstanceState[]; nullFirst: { st: InstanceState; rel: Relationship }[] } {
  const selfRels = [...m.relationships.values()].filter(
    (r) => r.target === m && (r.direction === 'manytoone' || r.direction === 'onetomany'),
  )
  if (states.length < 2 || selfRels.length === 0) return { ordered: states, nullFirst: [] }
  const inSet = new Set(states)
  const committed = (st: InstanceState) => st.committed ?? st.values
  // parent -> children (rows that must go before it), and child -> (parent, the many-to-one behind it)
  const children = new Map<InstanceState, Set<InstanceState>>(states.map((st) => [st, new Set()]))
  const parentsOf = new Map<InstanceState, { parent: InstanceState; rel: Relationship }[]>()
  const link = (parent: InstanceState, child: InstanceState, rel: Relationship | undefined) => {
    if (parent === child || !inSet.has(parent) || !inSet.has(child)) return
    children.get(parent)!.add(child)
    if (rel) parentsOf.set(child, [...(parentsOf.get(child) ?? []), { parent, rel }])
  }
  for (const rel of selfRels) {
    if (rel.direction !== 'manytoone') continue
    const byTarget = new Map<string, InstanceState>()
    for (const st of states) byTarget.set(JSON.stringify(rel.targetColumns.map((i) => committed(st)[i])), st)
    for (const st of states) {
      const fk = rel.ownerColumns.map((i) => committed(st)[i])
      if (fk.some((v) => v === null || v === undefined)) continue
      const p = byTarget.get(JSON.stringify(fk))
      if (p) link(p, st, rel)
    }
  }
  for (const rel of selfRels) {
    if (rel.direction !== 'onetomany') continue
    const back = rel.backPopulates ? m.relationships.get(rel.backPopulates) : undefined
    for (const st of states) if (st.related.has(rel.name)) for (const c of relatedStates(st, rel)) link(st, c, back)
  }
  const ordered: InstanceState[] = []
  const nullFirst: { st: InstanceState; rel: Relationship }[] = []
  const left = new Set(states)
  while (left.size) {
    // Rows none of whose children are left go now (leaves first), in their original order.
    const ready = states.filter((st) => left.has(st) && [...children.get(st)!].every((c) => !left.has(c)))
    if (ready.length) {
      for (const st of ready) {
        ordered.push(st)
        left.delete(st)
      }
      continue
    }
    // A cycle: cut one child's reference to its parent, where that reference may be NULL.
    const cut = [...left].flatMap((c) =>
      (parentsOf.get(c) ?? [])
        .filter((x) => left.has(x.parent) && x.rel.ownerColumns.every((i) => m.table.columns[i].nullable))
        .map((x) => ({ child: c, ...x })),
    )[0]
    if (!cut)
      throw new CircularDependencyError(
        `Rows of ${m.name} reference each other in a cycle with no nullable foreign key to break it`,
      )
    nullFirst.push({ st: cut.child, rel: cut.rel })
    children.get(cut.parent)!.delete(cut.child)
    parentsOf.set(
      cut.child,
      (parentsOf.get(cut.child) ?? []).filter((x) => x.parent !== cut.parent || x.rel !== cut.rel),
    )
  }
  return { ordered, nullFirst }
}

function finalize(s: Session, plan: Plan, inserted: InstanceState[]) {
  for (const st of inserted) {
    const m = st.mapper
    st.status = 'persistent'
    st.key =
      m.pk.length === 1
        ? identityKey1(m, st.values[m.pk[0]])
        : identityKey(
            m,
            m.pk.map((i) => st.values[i]),
          )
    s.identityMap.set(st.key, st)
    s.pendingSet.delete(st)
    s.insertedInTx.add(st)
  }
  // A column written as SQL holds what the database computed: expired until loaded again.
  for (const st of plan.expressions) {
    for (let i = 0; i < st.values.length; i++) {
      if (!(st.values[i] instanceof SqlExpression)) continue
      st.values[i] = undefined
      ;(st.expired ??= new Set()).add(i)
    }
  }
  for (const st of plan.saves) {
    // Shared until the next write copies it (see writeColumn).
    st.committed = st.values
    st.modified = null
    st.added = null
    st.removed = null
  }
  for (const st of s.changedSet) {
    st.added = null
    st.removed = null
  }
  s.changedSet.clear()
  for (const st of plan.deletes) {
    if (st.key && s.identityMap.get(st.key) === st) s.identityMap.delete(st.key)
    st.status = 'deleted'
    s.flushedDeletes.add(st)
    s.deleteSet.delete(st)
  }
  for (const st of plan.expunge) {
    s.pendingSet.delete(st)
    st.status = 'transient'
    st.session = null
  }
}
