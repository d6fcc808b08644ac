import type { Cell } from '../../src-shared/values'
import {
  columnValues,
  errorCount,
  g3,
  refine,
  refineScratch,
  wholePartition,
  type Partition,
  type RefineScratch,
} from './partitions'

export interface Dependency {
  /** Bitmask of the left-hand side columns. */
  lhs: number
  rhs: number
  /** g3 error: 0 for an exact dependency. */
  error: number
}

export interface DiscoveryResult {
  dependencies: Dependency[]
  /** Minimal keys (bitmasks). */
  keys: number[]
  /** Partitions computed, for progress and measurement. */
  partitions: number
}

export interface DiscoveryOptions {
  nullsEqual?: boolean
  /** Approximate dependencies: the largest share of rows that may break one (0 = exact). */
  maxError?: number
  /** Called with the lattice level reached and how many candidate sets it has. */
  onProgress?: (level: number, candidates: number) => void
  /** Return true to stop. */
  cancelled?: () => boolean
  /**
   * Bytes the partitions may hold at once; past it the search stops with `OutOfBudget` (so the
   * caller can take a search that needs less memory). Unbounded by default.
   */
  memoryBudget?: number
}

/** TANE needed more memory for its partitions than it was allowed. */
export class OutOfBudget extends Error {
  constructor(readonly bytes: number) {
    super(`TANE's partitions would need more than ${Math.round(bytes / 1e6)} MB`)
  }
}

const bits = (x: number) => {
  const out: number[] = []
  for (let i = 0; x; i++, x >>>= 1) if (x & 1) out.push(i)
  return out
}

/**
 * TANE (Huhtala, Kärkkäinen, Porkka, Toivonen 1999): all minimal non-trivial functional
 * dependencies X → A that hold in the rows, level by level over the attribute lattice, with
 * stripped partitions, the C+ candidate sets and key pruning. Exact by default; with
 * `maxError`, the approximate variant by the g3 measure.
 */
export function tane(rows: Cell[][], columnCount: number, options: DiscoveryOptions = {}): DiscoveryResult {
  if (columnCount > 30) throw new Error('Dependency discovery handles up to 30 columns')
  const columns = Array.from({ length: columnCount }, (_, a) => columnValues(rows, a, options.nullsEqual ?? true))
  const L = new Lattice(rows.length, columnCount, options, columns)
  let level: number[] = []
  let previous: number[] = []
  for (let a = 0; a < columnCount; a++) {
    L.keep(1 << a, L.refine(wholePartition(rows.length), a))
    level.push(1 << a)
  }
  let depth = 1
  while (level.length) {
    if (options.cancelled?.()) break
    options.onProgress?.(depth, level.length)
    L.findDependencies(level)
    const kept = L.prune(level)
    const inLevel = new Set(kept)
    const next = L.nextLevel(kept, inLevel)
    // Only this level's partitions are needed from here on (the next level's checks compare
    // against them): the level before, and this level's pruned sets, are freed.
    for (const x of previous) L.drop(x)
    for (const x of level) if (!inLevel.has(x)) L.drop(x)
    previous = kept
    level = next
    depth++
  }
  return { dependencies: L.deps, keys: L.keys, partitions: L.partitions }
}

const bytes = (p: Partition) => p.rows.byteLength + p.starts.byteLength

/** The search's state: partitions held (within the memory budget), C+ sets, what was found. */
class Lattice {
  readonly deps: Dependency[] = []
  readonly keys: number[] = []
  /** Partitions computed (the empty set's is not counted). */
  partitions = 0
  private readonly R: number
  private readonly eps: number
  private readonly scratch: RefineScratch
  /** Each column's values as dense ids: a set's partition is its parent's split by one column. */
  private readonly values: Int32Array[]
  /** For g3: one number per row, -1 between uses. */
  private readonly probe: Int32Array
  private readonly parts = new Map<number, Partition>()
  private readonly cplus = new Map<number, number>()
  private readonly budget: number
  private held = 0

  constructor(
    private readonly n: number,
    columnCount: number,
    options: DiscoveryOptions,
    columns: { values: Int32Array; card: number }[],
  ) {
    this.R = columnCount === 0 ? 0 : (1 << columnCount) - 1
    this.eps = options.maxError ?? 0
    this.values = columns.map((c) => c.values)
    this.scratch = refineScratch(n, Math.max(1, ...columns.map((c) => c.card)))
    this.probe = new Int32Array(n).fill(-1)
    this.budget = options.memoryBudget ?? Infinity
    this.keep(0, wholePartition(n))
    this.partitions = 0
    this.cplus.set(0, this.R)
  }

  /** π of X ∪ {b}, from π of X (see `refine`). */
  refine(p: Partition, b: number): Partition {
    return refine(p, this.values[b], this.scratch)
  }

  keep(x: number, p: Partition): void {
    this.parts.set(x, p)
    this.partitions++
    this.held += bytes(p)
    if (this.held > this.budget) throw new OutOfBudget(this.budget)
  }

  drop(x: number): void {
    const p = this.parts.get(x)
    if (p && this.parts.delete(x)) this.held -= bytes(p)
  }

  /** The g3 error of lhs → x \ lhs when it is within the allowed error, else null. */
  private holds(lhs: number, x: number): number | null {
    const pl = this.parts.get(lhs)!
    const px = this.parts.get(x)!
    if (errorCount(pl) === errorCount(px)) return 0
    if (this.eps === 0) return null
    const e = g3(pl, px, this.n, this.probe)
    return e <= this.eps ? e : null
  }

  /** C+(X) = ∩ C+(X \ {A}), then each X \ {A} → A with A in C+(X) is checked. */
  findDependencies(level: number[]): void {
    const { cplus, R } = this
    for (const x of level) {
      let c = R
      for (const a of bits(x)) c &= cplus.get(x & ~(1 << a)) ?? R
      cplus.set(x, c)
    }
    for (const x of level) {
      let c = cplus.get(x)!
      for (const a of bits(x & c)) {
        const lhs = x & ~(1 << a)
        const e = this.holds(lhs, x)
        if (e === null) continue
        this.deps.push({ lhs, rhs: a, error: e })
        c &= ~(1 << a)
        if (e === 0) c &= x
      }
      cplus.set(x, c)
    }
  }

  /** Prune: no candidates left, or X is a key (its supersets give no minimal dependencies). */
  prune(level: number[]): number[] {
    const kept: number[] = []
    for (const x of level) {
      const c = this.cplus.get(x)!
      if (c === 0) continue
      if (errorCount(this.parts.get(x)!) === 0) {
        // A key determines everything; X → A is minimal unless a dependency with a smaller left
        // side already gives A (all of those were found at earlier levels). Checking that
        // directly replaces the paper's C+ test, which needs C+ of sets the lattice pruned.
        for (const a of bits(c & ~x)) {
          const covered = this.deps.some((d) => d.rhs === a && d.error === 0 && (d.lhs & x) === d.lhs)
          if (!covered) this.deps.push({ lhs: x, rhs: a, error: 0 })
        }
        if (!this.keys.some((k) => (k & x) === k)) this.keys.push(x)
        continue
      }
      kept.push(x)
    }
    return kept
  }

  /** Next level: join sets that share all but their highest attribute (prefix blocks). */
  nextLevel(kept: number[], inLevel: Set<number>): number[] {
    const { parts } = this
    const next: number[] = []
    const byPrefix = new Map<number, number[]>()
    for (const x of kept) {
      const high = 31 - Math.clz32(x)
      const prefix = x & ~(1 << high)
      const l = byPrefix.get(prefix)
      if (l) l.push(x)
      else byPrefix.set(prefix, [x])
    }
    for (const block of byPrefix.values()) {
      for (let i = 0; i < block.length; i++) {
        for (let j = i + 1; j < block.length; j++) {
          const x = block[i] | block[j]
          // Every subset one smaller must be in the level; the one with the fewest rows in its
          // classes is split by the attribute it lacks (any of them gives the same partition).
          let best: Partition | null = null
          let by = 0
          for (let rest = x; rest; rest &= rest - 1) {
            const bit = rest & -rest
            const p = inLevel.has(x & ~bit) ? parts.get(x & ~bit) : undefined
            if (!p) {
              best = null
              break
            }
            if (!best || p.size < best.size) {
              best = p
              by = 31 - Math.clz32(bit)
            }
          }
          if (!best) continue
          this.keep(x, this.refine(best, by))
          next.push(x)
        }
      }
    }
    return next
  }
}

export function attrs(mask: number): number[] {
  return bits(mask)
}
