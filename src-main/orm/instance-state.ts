import type { Mapper, Relationship } from './mapper'
import type { Session } from './session'

export type ObjectStatus = 'transient' | 'pending' | 'persistent' | 'deleted' | 'detached'

export const STATE: unique symbol = Symbol('schemist.state')

/** What the session knows about one object: SQLAlchemy's InstanceState. */
export class InstanceState {
  status: ObjectStatus = 'transient'
  session: Session | null = null
  /** Identity key in the session's map, once the object has a database identity. */
  key: IdentityKey | null = null
  /** Current column values by column index; `undefined` means "never set" (INSERT leaves it out). */
  values: unknown[]
  /** Values as last loaded or flushed; UPDATEs find the row by these key values. */
  committed: unknown[] | null = null
  /** Columns changed since load or flush. */
  modified: ColumnSet | null = null
  /** Expired columns: reading them needs a refresh. */
  expired: Set<number> | null = null
  /** Loaded relationship values: an entity, null, or a RelatedList. */
  related = new RelatedValues()
  /** Relationship history since the last flush. */
  added: Map<string, Set<InstanceState>> | null = null
  removed: Map<string, Set<InstanceState>> | null = null
  /**
   * One-to-one parent sides set (through back_populates) while not loaded: the value they held
   * is looked up at flush, as SQLAlchemy looks it up at assignment, to let the old child go.
   */
  unknownOld: Set<string> | null = null
  /** Relationships that were loaded when the object expired, which refreshAll() loads again. */
  expiredRelations: Set<string> | null = null
  /** Order of `add()`, which INSERTs follow within one table. */
  insertOrder = 0
  /**
   * During a flush that sends rows before their parents' INSERTs answer (./flush-chain.ts): the
   * batch step whose generated keys will hold this row's key, and its place there...
   */
  keyFrom: string | null = null
  keyRow = -1
  /** ...and this row's foreign keys that wait for a parent's key: `keyRefCount` from `keyRef` in the chain's lists. */
  keyRef = -1
  keyRefCount = 0

  constructor(
    readonly mapper: Mapper,
    readonly obj: object,
    /** A loaded row's values, taken as they are; a new object starts with none set. */
    values?: unknown[],
  ) {
    this.values = values ?? new Array(mapper.columns.length)
  }

  get identity(): unknown[] | null {
    if (this.mapper.pk.length === 0) return null
    const src = this.committed ?? this.values
    const id = this.mapper.pk.map((i) => src[i])
    return id.some((v) => v === undefined || v === null) ? null : id
  }

  history(kind: 'added' | 'removed', rel: string): Set<InstanceState> {
    const map = (this[kind] ??= new Map())
    let set = map.get(rel)
    if (!set) map.set(rel, (set = new Set()))
    return set
  }

  hasChanges(): boolean {
    return (
      (this.modified !== null && this.modified.size > 0) ||
      (this.added !== null && this.added.size > 0) ||
      (this.removed !== null && this.removed.size > 0)
    )
  }

  clearHistory() {
    this.modified = null
    this.added = null
    this.removed = null
    this.unknownOld = null
  }
}

/**
 * Column indexes (an object's modified columns): the first 31 as the bits of one number, any
 * further ones (wide tables) in a sorted array. Changing 10,000 loaded objects made a Set each,
 * some 200 bytes apiece that the collector copied while their flush ran. Members come out in
 * column order.
 */
export class ColumnSet {
  private bits = 0
  private more: number[] | null = null

  add(i: number): this {
    if (i < 31) this.bits |= 1 << i
    else if (!this.more) this.more = [i]
    else if (!this.more.includes(i)) this.more = [...this.more, i].sort((a, b) => a - b)
    return this
  }

  has(i: number): boolean {
    return i < 31 ? (this.bits & (1 << i)) !== 0 : this.more !== null && this.more.includes(i)
  }

  delete(i: number): boolean {
    if (!this.has(i)) return false
    if (i < 31) this.bits &= ~(1 << i)
    else this.more = this.more!.length === 1 ? null : this.more!.filter((x) => x !== i)
    return true
  }

  get size(): number {
    let n = 0
    for (let b = this.bits; b !== 0; b &= b - 1) n++
    return n + (this.more?.length ?? 0)
  }

  /** The smallest member above `after` (from the start when -1), or -1 when there is none. */
  next(after = -1): number {
    if (after < 30) {
      // Columns 0..after masked off (a shift count of -1 would wrap to 31: -1 asks for all).
      const rest = after < 0 ? this.bits : this.bits & ~((2 << after) - 1)
      if (rest !== 0) return 31 - Math.clz32(rest & -rest)
    }
    if (this.more) for (const i of this.more) if (i > after) return i
    return -1
  }

  *[Symbol.iterator](): IterableIterator<number> {
    for (let i = this.next(); i >= 0; i = this.next(i)) yield i
  }
}

/**
 * A state's loaded relationships by name, with the part of a Map's surface the ORM uses, kept as
 * one small array. Every object has one: a Map each (some 200 bytes with its hash table) was the
 * largest single part of what a new object costs, and so of what the garbage collector copies
 * while a flush of thousands of new objects runs. An object has a few relationships at most, so
 * a linear search is as fast as hashing. `nameAt`/`valueAt` walk it without the entry array a
 * Map's for-of makes per item.
 */
export class RelatedValues {
  /** name, value, name, value...; replaced, not resized, when a name comes or goes. */
  private slots: unknown[] | null = null

  get size(): number {
    return this.slots === null ? 0 : this.slots.length >> 1
  }

  private find(name: string): number {
    const s = this.slots
    if (s !== null) for (let i = 0; i < s.length; i += 2) if (s[i] === name) return i
    return -1
  }

  has(name: string): boolean {
    return this.find(name) >= 0
  }

  get(name: string): unknown {
    const i = this.find(name)
    return i < 0 ? undefined : this.slots![i + 1]
  }

  set(name: string, value: unknown): this {
    const i = this.find(name)
    if (i >= 0) this.slots![i + 1] = value
    else this.slots = this.slots === null ? [name, value] : [...this.slots, name, value]
    return this
  }

  delete(name: string): boolean {
    const i = this.find(name)
    if (i < 0) return false
    const s = this.slots!
    this.slots = s.length === 2 ? null : [...s.slice(0, i), ...s.slice(i + 2)]
    return true
  }

  clear(): void {
    this.slots = null
  }

  nameAt(k: number): string {
    return this.slots![2 * k] as string
  }

  valueAt(k: number): unknown {
    return this.slots![2 * k + 1]
  }

  *[Symbol.iterator](): IterableIterator<[string, unknown]> {
    const s = this.slots
    if (s !== null) for (let i = 0; i < s.length; i += 2) yield [s[i] as string, s[i + 1]]
  }
}

/**
 * An object's key in the session's identity map. A single integer key (the usual case) is a
 * number, its value and the mapper's index packed into one exact double: a Map hashes a number
 * at once, where a new string's hash walks its characters (a flush of 30,000 new rows spent a
 * few milliseconds on it). Any other key is a string, which never equals a number.
 */
export type IdentityKey = string | number

const MAPPER_SLOTS = 4096
/** |value| below 2^40, times MAPPER_SLOTS (2^12), stays within 2^52: exact. */
const PACKED_LIMIT = 2 ** 40

/** identityKey for a single-column key, without the array. */
export function identityKey1(mapper: Mapper, v: unknown): IdentityKey {
  // A bigint equal to a number gets the number's key, as before when both were written out.
  const n = typeof v === 'bigint' && v < PACKED_LIMIT && v > -PACKED_LIMIT ? Number(v) : v
  if (typeof n === 'number' && Number.isInteger(n) && Math.abs(n) < PACKED_LIMIT && mapper.index < MAPPER_SLOTS)
    return n * MAPPER_SLOTS + mapper.index
  return `${mapper.index}:${keyPart(v)}`
}

export function identityKey(mapper: Mapper, pk: readonly unknown[]): IdentityKey {
  return pk.length === 1 ? identityKey1(mapper, pk[0]) : `${mapper.index}:${pk.map(keyPart).join('\u0001')}`
}

function keyPart(v: unknown): string {
  if (v !== null && typeof v === 'object') return JSON.stringify(v)
  return typeof v === 'number' || typeof v === 'bigint' ? String(v) : `s${String(v)}`
}

export function stateOf(obj: object): InstanceState {
  const st = (obj as { [STATE]?: InstanceState })[STATE]
  if (!st) throw new TypeError('Not a mapped object: create it with mapper.create() or load it through a session')
  return st
}

export function isMapped(obj: unknown): obj is object {
  return typeof obj === 'object' && obj !== null && STATE in obj
}

/** The objects a relationship of `st` holds now (none when it is not loaded). */
export function relatedStates(st: InstanceState, rel: Relationship): InstanceState[] {
  const v = st.related.get(rel.name)
  if (!v) return []
  return rel.uselist ? (v as object[]).map(stateOf) : [stateOf(v as object)]
}
