import { AppError } from '../../src-shared/errors'
import type { ObjectView, SessionSnapshot, SqlLogEntryView } from '../../src-shared/orm'
import { encodeCell } from '../../src-shared/values'
import { stateOf, type InstanceState } from './instance-state'
import type { Session } from './session'
import type { SqlLogEntry } from './sql-log'

/** Objects named by small integer refs, so a UI can point at them across snapshots. */
export class ObjectRefs {
  private readonly ids = new WeakMap<InstanceState, number>()
  readonly byRef = new Map<number, InstanceState>()
  private next = 1

  ref(st: InstanceState): number {
    let id = this.ids.get(st)
    if (id === undefined) {
      id = this.next++
      this.ids.set(st, id)
      this.byRef.set(id, st)
    }
    return id
  }

  state(ref: number): InstanceState {
    const st = this.byRef.get(ref)
    if (!st) throw new AppError('NOT_FOUND', `No object #${ref} in this session`)
    return st
  }
}

export function logView(e: SqlLogEntry): SqlLogEntryView {
  const enc = (v: unknown): unknown => (Array.isArray(v) ? v.map(enc) : encodeCell(v))
  return { ...e, params: (e.params as unknown[]).map(enc) }
}

/** The session now: its objects and their states, the new/dirty/deleted sets, and its SQL log. */
export function snapshotSession(s: Session, sessionId: string, refs: ObjectRefs): SessionSnapshot {
  const all = new Set<InstanceState>([
    ...s.identityMap.values(),
    ...s.pendingSet,
    ...s.deleteSet,
    ...s.flushedDeletes,
    ...refs.byRef.values(),
  ])
  const view = (st: InstanceState): ObjectView => {
    const m = st.mapper
    const values: ObjectView['values'] = {}
    const expired: string[] = []
    m.columns.forEach((c, i) => {
      if (st.expired?.has(i)) expired.push(c)
      else if (st.values[i] !== undefined) values[c] = encodeCell(st.values[i])
    })
    const related: ObjectView['related'] = {}
    for (const [name, v] of st.related) {
      if (Array.isArray(v)) related[name] = v.map((x) => refs.ref(stateOf(x)))
      else related[name] = v ? refs.ref(stateOf(v as object)) : null
    }
    return {
      ref: refs.ref(st),
      table: m.table.name,
      status: st.status,
      key: st.identity?.map(encodeCell) ?? null,
      values,
      modified: [...(st.modified ?? [])].map((i) => m.columns[i]),
      expired,
      related,
    }
  }
  const objects = [...all].map(view)
  // Views can reach objects not yet seen (related ones): include those too.
  for (let k = 0; k < objects.length; k++)
    for (const v of Object.values(objects[k].related))
      for (const r of [v].flat())
        if (typeof r === 'number' && !objects.some((x) => x.ref === r)) objects.push(view(refs.state(r)))
  return {
    sessionId,
    transaction: s.transaction,
    objects,
    identityMap: [...s.identityMap.values()].map((st) => refs.ref(st)),
    new: [...s.pendingSet].map((st) => refs.ref(st)),
    dirty: s.dirty.map((x) => refs.ref(stateOf(x))),
    deleted: [...s.deleteSet].map((st) => refs.ref(st)),
    log: s.log.all().slice(-200).map(logView),
    options: {
      autoflush: s.autoflush,
      expireOnCommit: s.expireOnCommit,
      isolationLevel: s.isolationLevel ?? null,
      flushSavepoint: s.flushSavepoint,
    },
  }
}
