import { writeColumn } from './entity'
import { CircularDependencyError } from './errors'
import { relatedStates, stateOf, type IdentityKey, type InstanceState } from './instance-state'
import { lazyLoad } from './loading'
import type { Mapper, Relationship } from './mapper'
import type { Session } from './session'
import type { KeyChain } from './flush-chain'
import { UndoLog } from './undo-log'

/*
 * The unit of work's plan (./flush.ts runs it): which objects are saved and deleted, through
 * cascades and orphans; which rows link to which; the order of mappers and of rows within one.
 */

export interface Plan {
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
  undo: UndoLog
  /** Objects whose UPDATE set a column to a SQL expression: those columns expire afterwards. */
  expressions: InstanceState[]
  /** Objects whose primary key changed, with the identity key they had (put back if the flush fails). */
  rekeyed: { st: InstanceState; oldKey: IdentityKey | null }[]
}

export function push<K, V>(m: Map<K, V[]>, k: K, v: V) {
  const l = m.get(k)
  if (l) l.push(v)
  else m.set(k, [v])
}

/**
 * A one-to-one parent side that was set without being loaded: what it held in the database is
 * looked up now, and counts as removed (so delete-orphan or the FK update applies to it).
 */
async function resolveUnknownOld(s: Session) {
  // Few objects have one: those are picked out first (the loop below loads, and may add to the set).
  const todo: InstanceState[] = []
  for (const st of s.changedSet) if (st.unknownOld) todo.push(st)
  for (const st of todo) {
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

export async function buildPlan(s: Session): Promise<Plan> {
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
    undo: new UndoLog(),
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

  // Over Sets by forEach: a for-of makes a result object per row.
  s.pendingSet.forEach((st) => void (plan.expunge.has(st) || plan.saves.add(st)))
  s.changedSet.forEach((st) => void (st.hasChanges() && plan.saves.add(st)))

  // New objects have no history: everything in their loaded relationships is new.
  s.pendingSet.forEach((st) => {
    if (plan.expunge.has(st)) return
    const related = st.related
    for (let k = 0; k < related.size; k++) {
      const value = related.valueAt(k)
      if (!value) continue
      const rel = st.mapper.relationships.get(related.nameAt(k))!
      if (rel.direction === 'manytoone') continue
      const others = rel.uselist ? (value as object[]) : [value as object]
      // By index: a RelatedList's for-of (an Array subclass) makes a result object per item.
      for (let i = 0; i < others.length; i++) {
        const o = stateOf(others[i])
        if (plan.expunge.has(o)) continue
        if (rel.direction === 'onetomany') {
          // The child's many-to-one side already points here: syncChild reads it from there.
          if (!(rel.backPopulates && o.related.get(rel.backPopulates) === st.obj))
            push(plan.links, o, { parent: st, rel })
          if (!plan.deletes.has(o) && o.status !== 'pending') plan.saves.add(o)
        } else plan.assocInserts.push({ rel, owner: st, target: o })
      }
    }
  })

  // Relationship history becomes FK assignments and association rows.
  s.changedSet.forEach((st) => {
    if (plan.expunge.has(st) || (st.added === null && st.removed === null)) return
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
  })
  for (const st of plan.deletes) plan.saves.delete(st)
  return plan
}

/** Parents before children (by foreign key); a cycle is broken on a nullable FK with post_update. */
export function sortMappers(involved: Set<Mapper>, plan: Plan): Mapper[] {
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
export function setValue(plan: Plan, st: InstanceState, i: number, v: unknown) {
  const old = st.values[i]
  if (old === v) return
  plan.undo.push(st, i, old, st.modified?.has(i) ?? false)
  if (st.status === 'pending') st.values[i] = v
  else writeColumn(st, i, v)
}

/**
 * Copy parents' keys into a child's foreign keys, from every relationship that changed. With a
 * `chain`, a key its parent's INSERT has not brought back yet is left for the connection to fill
 * in (see ./flush-chain.ts).
 */
export function syncChild(st: InstanceState, plan: Plan, chain: KeyChain | null = null) {
  // Runs once per saved row: no closures or empty arrays made when there is nothing to do.
  const unlinks = plan.unlinks.get(st)
  if (unlinks) for (const rel of unlinks) for (const c of rel.targetColumns) setValue(plan, st, c, null)
  const rels = st.mapper.relationshipList
  for (let r = 0; r < rels.length; r++) {
    const rel = rels[r]
    if (rel.direction !== 'manytoone' || plan.postUpdate.has(rel) || !st.related.has(rel.name)) continue
    const changed = st.status === 'pending' || st.added?.has(rel.name) || st.removed?.has(rel.name)
    if (!changed) continue
    const p = st.related.get(rel.name) as object | null
    const ps = p ? stateOf(p) : null
    for (let k = 0; k < rel.ownerColumns.length; k++)
      copyKey(plan, st, rel.ownerColumns[k], ps, rel.targetColumns[k], chain)
  }
  const links = plan.links.get(st)
  if (links)
    for (const { parent, rel } of links)
      for (let k = 0; k < rel.targetColumns.length; k++)
        copyKey(plan, st, rel.targetColumns[k], parent, rel.ownerColumns[k], chain)
}

function copyKey(
  plan: Plan,
  st: InstanceState,
  c: number,
  parent: InstanceState | null,
  pc: number,
  chain: KeyChain | null,
) {
  const v = parent ? parent.values[pc] : null
  // keyRow >= 0: the parent was sent in the chain and has not answered yet.
  if (v === undefined && chain && parent!.keyRow >= 0) chain.refer(plan, st, c, parent!, pc)
  else setValue(plan, st, c, v)
}

/** Same-table parents that must be inserted first (self-referential rows). */
export function selfParents(st: InstanceState, plan: Plan): InstanceState[] {
  const out: InstanceState[] = []
  for (const rel of st.mapper.relationshipList) {
    if (rel.direction !== 'manytoone' || rel.target !== st.mapper || !st.related.has(rel.name)) continue
    for (const p of relatedStates(st, rel)) if (p.status === 'pending') out.push(p)
  }
  for (const { parent } of plan.links.get(st) ?? [])
    if (parent.mapper === st.mapper && parent.status === 'pending') out.push(parent)
  return out
}

export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (a && b && typeof a === 'object' && typeof b === 'object') return JSON.stringify(a) === JSON.stringify(b)
  return false
}

export function compareKeys(a: unknown, b: unknown): number {
  const n = (v: unknown) =>
    typeof v === 'object' && v && '$bigint' in v ? BigInt((v as { $bigint: string }).$bigint) : BigInt(Number(v))
  const x = n(a)
  const y = n(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/** Compares rows by their primary key as committed (numbers as numbers, others as text). */
export function byCommittedKey(m: Mapper) {
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
export function deleteOrder(
  m: Mapper,
  states: InstanceState[],
): { ordered: InstanceState[]; nullFirst: { st: InstanceState; rel: Relationship }[] } {
  const selfRels = m.relationshipList.filter(
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
