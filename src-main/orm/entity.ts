import { ExpiredAttributeError, InvalidRequestError, NotLoadedError } from './errors'
import { ColumnSet, InstanceState, STATE, stateOf } from './instance-state'
import type { Mapper, Relationship } from './mapper'

/**
 * A relationship collection. Appends and removals are recorded as history (so flush knows which
 * foreign keys to set, which association rows to write, which orphans to delete) and mirrored on
 * the `back_populates` side, as SQLAlchemy's instrumented lists do. Assigning by index is not
 * tracked: use push/append/remove/splice.
 */
const OWNER = Symbol('schemist.related.owner')
const REL = Symbol('schemist.related.rel')

export class RelatedList<T extends object = object> extends Array<T> {
  // Items are appended with an indexed store (this[this.length] = item): Array.prototype.push
  // called on a subclass of Array takes V8's slow path, some 60 ns an item.
  static override get [Symbol.species]() {
    return Array
  }
  // Symbol keys: out of JSON, Object.keys and for-in like the list's own non-index properties
  // should be, and plain stores (defineProperty made every new collection a slow object).
  declare private [OWNER]: InstanceState
  declare private [REL]: Relationship

  private get owner(): InstanceState {
    return this[OWNER]
  }

  private get rel(): Relationship {
    return this[REL]
  }

  static create<T extends object>(owner: InstanceState, rel: Relationship): RelatedList<T> {
    const list = new RelatedList<T>()
    list[OWNER] = owner
    list[REL] = rel
    return list
  }

  override push(...items: T[]): number {
    for (const it of items) {
      if (this.includes(it)) continue
      this[this.length] = it
      onAppend(this.owner, this.rel, stateOf(it), true)
    }
    return this.length
  }

  append(item: T): void {
    this.push(item)
  }

  remove(item: T): void {
    const i = this.indexOf(item)
    if (i < 0) throw new InvalidRequestError(`The object is not in ${this.rel.owner.name}.${this.rel.name}`)
    Array.prototype.splice.call(this, i, 1)
    onRemove(this.owner, this.rel, stateOf(item), true)
  }

  override splice(start: number, deleteCount?: number, ...items: T[]): T[] {
    const removed = Array.prototype.splice.call(this, start, deleteCount ?? this.length - start, ...items) as T[]
    for (const r of removed) onRemove(this.owner, this.rel, stateOf(r), true)
    for (const a of items) onAppend(this.owner, this.rel, stateOf(a), true)
    return removed
  }

  override pop(): T | undefined {
    const it = Array.prototype.pop.call(this) as T | undefined
    if (it) onRemove(this.owner, this.rel, stateOf(it), true)
    return it
  }

  override shift(): T | undefined {
    const it = Array.prototype.shift.call(this) as T | undefined
    if (it) onRemove(this.owner, this.rel, stateOf(it), true)
    return it
  }

  override unshift(...items: T[]): number {
    Array.prototype.unshift.call(this, ...items)
    for (const a of items) onAppend(this.owner, this.rel, stateOf(a), true)
    return this.length
  }

  clear(): void {
    this.splice(0, this.length)
  }
}

/**
 * Store a loaded relationship value without recording history. A one-to-many load also sets each
 * child's many-to-one side (its back_populates), which is known to point here: SQLAlchemy reaches
 * the same parent through the identity map, and a tree loaded down its collections can then be
 * walked up, and deleted leaves first, without more SQL.
 */
export function setLoaded(st: InstanceState, rel: Relationship, value: InstanceState | InstanceState[] | null) {
  const children = value === null ? [] : Array.isArray(value) ? value : [value]
  if (rel.uselist) {
    const list = RelatedList.create(st, rel)
    for (const v of children) list[list.length] = v.obj
    st.related.set(rel.name, list)
  } else {
    const v = children[0] ?? null
    st.related.set(rel.name, v ? v.obj : null)
  }
  if (rel.direction === 'onetomany' && rel.backPopulates) {
    for (const c of children) if (!c.related.has(rel.backPopulates)) c.related.set(rel.backPopulates, st.obj)
  }
}

function markChanged(st: InstanceState) {
  st.session?.markChanged(st)
}

/** `child` joined `owner.rel`: history, back_populates mirror, save-update cascade. */
/**
 * New objects keep no relationship history: at flush, everything in their relationships counts
 * as added. That keeps building a large object graph cheap.
 */
const isNew = (st: InstanceState) => st.status === 'transient' || st.status === 'pending'

function onAppend(owner: InstanceState, rel: Relationship, child: InstanceState, mirror: boolean) {
  if (!isNew(owner)) {
    const removed = owner.removed?.get(rel.name)
    if (removed?.has(child)) removed.delete(child)
    else owner.history('added', rel.name).add(child)
    markChanged(owner)
  }
  if (mirror && rel.backPopulates) {
    const back = rel.target.relationships.get(rel.backPopulates)!
    mirrorAdd(child, back, owner)
  }
  owner.session?.cascadeSaveUpdate(owner, rel, child)
}

function onRemove(owner: InstanceState, rel: Relationship, child: InstanceState, mirror: boolean) {
  if (!isNew(owner)) {
    const added = owner.added?.get(rel.name)
    if (added?.has(child)) added.delete(child)
    else owner.history('removed', rel.name).add(child)
    markChanged(owner)
  }
  if (mirror && rel.backPopulates) {
    const back = rel.target.relationships.get(rel.backPopulates)!
    mirrorRemove(child, back, owner)
  }
}

/** The other side learns of the link, when it has that side loaded (or is new). */
function mirrorAdd(st: InstanceState, rel: Relationship, other: InstanceState) {
  if (rel.uselist) {
    const list = readRelationship(st, rel, true) as RelatedList | undefined
    if (list && !list.includes(other.obj)) {
      list[list.length] = other.obj
      onAppend(st, rel, other, false)
    }
  } else {
    // An unloaded scalar side is known now: it points at `other`.
    const cur = readRelationship(st, rel, true)
    if (cur !== other.obj) writeScalar(st, rel, other, false)
  }
}

function mirrorRemove(st: InstanceState, rel: Relationship, other: InstanceState) {
  if (rel.uselist) {
    const list = readRelationship(st, rel, true) as RelatedList | undefined
    const i = list ? list.indexOf(other.obj) : -1
    if (list && i >= 0) {
      Array.prototype.splice.call(list, i, 1)
      onRemove(st, rel, other, false)
    }
  } else {
    const cur = readRelationship(st, rel, true)
    if (cur === other.obj || cur === undefined) writeScalar(st, rel, null, false)
  }
}

/** Read a relationship; `soft` returns undefined instead of throwing when it is not loaded. */
function readRelationship(st: InstanceState, rel: Relationship, soft = false): unknown {
  if (st.related.has(rel.name)) return st.related.get(rel.name)
  if (st.status === 'transient' || st.status === 'pending') {
    const init = rel.uselist ? RelatedList.create(st, rel) : null
    st.related.set(rel.name, init)
    return init
  }
  if (soft) return undefined
  if (rel.lazy === 'raise')
    throw new InvalidRequestError(`${rel.owner.name}.${rel.name} is lazy="raise": load it with a loader option`)
  throw new NotLoadedError(rel.owner.name, rel.name)
}

/** Set a scalar relationship (many-to-one, or a one-to-one side). */
function writeScalar(st: InstanceState, rel: Relationship, value: InstanceState | null, mirror: boolean) {
  const old = readRelationship(st, rel, true) as object | null | undefined
  const oldState = old ? stateOf(old) : null
  if (old !== undefined && oldState === value) return
  if (old === undefined && rel.direction === 'onetomany' && !isNew(st)) (st.unknownOld ??= new Set()).add(rel.name)
  st.related.set(rel.name, value ? value.obj : null)
  if (isNew(st)) {
    // No history for new objects; flush reads the relationship as it stands.
  } else if (oldState) {
    const added = st.added?.get(rel.name)
    if (added?.has(oldState)) added.delete(oldState)
    else st.history('removed', rel.name).add(oldState)
  }
  if (isNew(st)) {
    // (see above)
  } else if (value) {
    const removed = st.removed?.get(rel.name)
    if (removed?.has(value)) removed.delete(value)
    else st.history('added', rel.name).add(value)
  } else if (old === undefined || old === null) {
    // Setting an unloaded or empty scalar to None still means "clear the foreign key".
    st.history('removed', rel.name)
  }
  if (!isNew(st)) markChanged(st)
  if (mirror && rel.backPopulates) {
    const back = rel.target.relationships.get(rel.backPopulates)!
    if (oldState) mirrorRemove(oldState, back, st)
    if (value) mirrorAdd(value, back, st)
  }
  if (value) st.session?.cascadeSaveUpdate(st, rel, value)
}

function assignCollection(st: InstanceState, rel: Relationship, items: object[]) {
  const list = readRelationship(st, rel, true) as RelatedList | undefined
  if (!list) {
    // Replacing an unloaded collection: SQLAlchemy loads it first; we require it loaded.
    throw new NotLoadedError(rel.owner.name, rel.name)
  }
  const next = new Set(items)
  for (const cur of [...list]) if (!next.has(cur)) list.remove(cur)
  for (const it of items) if (!list.includes(it)) list.push(it)
}

/** A class per mapper whose properties are the columns and relationships. */
export function defineEntityClass(m: Mapper): new () => object {
  const cls = class Entity {
    declare [STATE]: InstanceState
    toJSON() {
      const st = this[STATE]
      return Object.fromEntries(m.columns.map((c, i) => [c, st.expired?.has(i) ? undefined : (st.values[i] ?? null)]))
    }
  }
  Object.defineProperty(cls, 'name', { value: m.table.name.replace(/[^A-Za-z0-9_$]/g, '_') || 'Entity' })
  m.columns.forEach((c, i) => {
    Object.defineProperty(cls.prototype, c, {
      enumerable: true,
      configurable: true,
      get(this: { [STATE]: InstanceState }) {
        const st = this[STATE]
        if (st.expired !== null && st.expired.has(i)) throw new ExpiredAttributeError(m.name, c)
        const v = st.values[i]
        return v === undefined ? null : v
      },
      set(this: { [STATE]: InstanceState }, v: unknown) {
        writeColumn(this[STATE], i, v)
      },
    })
  })
  for (const rel of m.relationships.values()) {
    Object.defineProperty(cls.prototype, rel.name, {
      enumerable: false,
      configurable: true,
      get(this: { [STATE]: InstanceState }) {
        return readRelationship(this[STATE], rel)
      },
      set(this: { [STATE]: InstanceState }, v: unknown) {
        const st = this[STATE]
        if (rel.uselist) assignCollection(st, rel, (v as object[] | null) ?? [])
        else writeScalar(st, rel, v == null ? null : stateOf(v as object), true)
      },
    })
  }
  return cls
}

/** A bare mapped object with its state (symbol keys stay out of JSON and Object.keys). */
export function newEntityObject(m: Mapper, values?: unknown[]): { [STATE]: InstanceState } {
  const obj = new m.entityClass!() as { [STATE]: InstanceState }
  obj[STATE] = new InstanceState(m, obj, values)
  return obj
}

export function writeColumn(st: InstanceState, i: number, v: unknown) {
  const wasExpired = st.expired?.delete(i) ?? false
  if (!wasExpired && st.values[i] === v) return
  // Copy on first write: loading shares one array between current and committed values.
  if (st.committed === st.values) st.committed = st.values.slice()
  st.values[i] = v
  if (st.status === 'persistent' || st.status === 'deleted') {
    ;(st.modified ??= new ColumnSet()).add(i)
    st.session?.markChanged(st)
  }
}

/** A new transient object of this mapper, SQLAlchemy's `User(name=...)`. */
export function createEntity<T extends object = Record<string, unknown>>(
  m: Mapper,
  values: Record<string, unknown> = {},
): T {
  const obj = newEntityObject(m)
  const st = obj[STATE]
  for (const k in values) {
    const i = m.colIndex.get(k)
    // A new object has no history to keep: columns are stored directly.
    if (i !== undefined) st.values[i] = values[k]
    else (obj as Record<string, unknown>)[k] = values[k]
  }
  return obj as unknown as T
}
