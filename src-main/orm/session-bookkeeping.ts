import { InvalidRequestError } from './errors'
import { relatedStates, stateOf, type InstanceState } from './instance-state'
import type { Session } from './session'

/*
 * What the end of a transaction, a savepoint or an expiry does to the session's objects (the
 * database's side is ./session-transaction.ts): a rollback expunges what was added and revives
 * what was deleted, a savepoint rolled back does the same for what it touched, and expired
 * attributes wait for a refresh.
 */

/**
 * The objects flushes inserted in the current transaction, which its rollback makes transient
 * again. A flush of 30,000 new rows added each to a Set, some 3 ms of its 20 ms of own JS; here a
 * flush's rows go in as its one array, and a Set is built only when one must come out again (a
 * savepoint rolled back), which is rare.
 */
export class InsertedLog {
  private chunks: InstanceState[][] = []
  private set: Set<InstanceState> | null = null

  /** A flush's inserted rows; the array is kept as it is, so the caller must not change it. */
  addAll(states: InstanceState[]): void {
    if (this.set) for (let i = 0; i < states.length; i++) this.set.add(states[i])
    else if (states.length) this.chunks.push(states)
  }

  delete(st: InstanceState): boolean {
    this.set ??= new Set(this.chunks.flat())
    this.chunks = []
    return this.set.delete(st)
  }

  /** Each object once, in the order they were inserted. */
  values(): InstanceState[] {
    return [...(this.set ?? new Set(this.chunks.flat()))]
  }

  clear(): void {
    this.chunks = []
    this.set = null
  }
}

/** What a rollback does to the objects, the database's side done (or lost) already. */
export function forgetTransaction(s: Session): void {
  s.tx.nested = []
  for (const st of [...s.pendingSet, ...s.insertedInTx.values()]) detachToTransient(s, st)
  s.pendingSet.clear()
  s.insertedInTx.clear()
  for (const st of s.flushedDeletes) {
    st.status = 'persistent'
    if (st.key) s.identityMap.set(st.key, st)
  }
  s.flushedDeletes.clear()
  s.deleteSet.clear()
  s.changedSet.clear()
  for (const st of s.identityMap.values()) {
    st.clearHistory()
    expireState(st, undefined, new Set())
  }
}

export function detachToTransient(s: Session, st: InstanceState): void {
  if (st.key && s.identityMap.get(st.key) === st) s.identityMap.delete(st.key)
  st.status = 'transient'
  st.session = null
  st.key = null
  st.committed = null
  // The key the rolled-back INSERT generated stays on the object, as in SQLAlchemy.
}

/** SAVEPOINT: flushes first; the returned handle releases or rolls back to it. */
export async function beginNested(s: Session): Promise<{ commit(): Promise<void>; rollback(): Promise<void> }> {
  await s.flush()
  const frame = s.tx.pushFrame()
  const finish = () => {
    const i = s.tx.nested.indexOf(frame)
    if (i < 0) throw new InvalidRequestError('This savepoint is no longer active')
    s.tx.nested.splice(i)
  }
  return {
    commit: async () => {
      await s.flush()
      finish()
      await s.tx.endFrame(frame, 'release')
      // What was touched inside belongs to the enclosing frame now.
      const outer = s.tx.top()
      if (outer) {
        for (const s of frame.touched) outer.touched.add(s)
        for (const s of frame.added) outer.added.add(s)
      }
    },
    rollback: async () => {
      finish()
      await s.tx.endFrame(frame, 'rollback')
      for (const st of frame.added) {
        s.pendingSet.delete(st)
        s.insertedInTx.delete(st)
        detachToTransient(s, st)
      }
      for (const st of frame.touched) {
        if (s.flushedDeletes.delete(st)) {
          st.status = 'persistent'
          if (st.key) s.identityMap.set(st.key, st)
        }
        s.deleteSet.delete(st)
        s.changedSet.delete(st)
        st.clearHistory()
        if (st.status === 'persistent') expireState(st, undefined, new Set())
      }
    },
  }
}

/** Mark a state's attributes (all by default) stale, and along refresh-expire cascades. */
export function expireState(st: InstanceState, attrs: string[] | undefined, seen: Set<InstanceState>): void {
  if (seen.has(st) || st.status === 'transient' || st.status === 'pending') return
  seen.add(st)
  const m = st.mapper
  const cols = attrs ? attrs.filter((a) => m.colIndex.has(a)).map((a) => m.col(a)) : m.columns.map((_, i) => i)
  if (cols.length) {
    st.expired ??= new Set()
    for (const i of cols) {
      st.expired.add(i)
      st.modified?.delete(i)
    }
  }
  for (const rel of m.relationships.values()) {
    if (attrs && !attrs.includes(rel.name)) continue
    if (rel.cascade.has('refresh-expire') && st.related.has(rel.name))
      for (const c of relatedStates(st, rel)) expireState(c, undefined, seen)
    if (st.related.delete(rel.name)) (st.expiredRelations ??= new Set()).add(rel.name)
  }
  if (!attrs) {
    st.added = null
    st.removed = null
  }
}

/** save-update cascade: everything reachable from `st` through loaded relationships comes along. */
export function cascadeAdd(s: Session, st: InstanceState): void {
  const related = st.related
  for (let k = 0; k < related.size; k++) {
    const value = related.valueAt(k)
    if (!value) continue
    const rel = st.mapper.relationships.get(related.nameAt(k))!
    if (!rel.cascade.has('save-update')) continue
    if (rel.uselist) {
      // By index: a RelatedList's for-of (an Array subclass) makes a result object per item.
      const list = value as object[]
      for (let i = 0; i < list.length; i++) {
        const c = stateOf(list[i])
        if (c.session !== s || c.status === 'transient') s.add(list[i])
      }
    } else {
      const c = stateOf(value as object)
      if (c.session !== s || c.status === 'transient') s.add(value as object)
    }
  }
}

/**
 * The delete cascade runs now, over what is loaded, as in SQLAlchemy: `deleted` (and the
 * Session panel) lists every object that will go before the flush. Relationships not loaded
 * are followed at flush, where they are loaded (or left to the database, with passive_deletes).
 */
export function cascadeDelete(s: Session, st: InstanceState): void {
  if (s.deleteSet.has(st)) return
  s.deleteSet.add(st)
  s.tx.top()?.touched.add(st)
  for (const rel of st.mapper.relationships.values()) {
    if (!rel.cascade.has('delete') || !st.related.has(rel.name)) continue
    for (const c of relatedStates(st, rel)) {
      if (c.session !== s) continue
      if (c.status === 'persistent') cascadeDelete(s, c)
      else if (c.status === 'pending') s.expunge(c.obj)
    }
  }
}
