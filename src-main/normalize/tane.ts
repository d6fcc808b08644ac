import type { Cell } from '../../src-shared/values'
import {
  clearProbe,
  columnPartition,
  errorCount,
  g3,
  loadProbe,
  productProbed,
  productScratch,
  wholePartition,
  type Partition,
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
  const n = rows.length
  const R = columnCount === 0 ? 0 : (1 << columnCount) - 1
  const eps = options.maxError ?? 0
  const exactOnly = eps === 0
  const scratch = productScratch(n)
  const probe = scratch.probe
  const parts = new Map<number, Partition>()
  const budget = options.memoryBudget ?? Infinity
  let held = 0
  const bytes = (p: Partition) => p.rows.byteLength + p.starts.byteLength
  const keep = (x: number, p: Partition) => {
    parts.set(x, p)
    held += bytes(p)
    if (held > budget) throw new OutOfBudget(budget)
  }
  const drop = (x: number) => {
    const p = parts.get(x)
    if (p && parts.delete(x)) held -= bytes(p)
  }
  const cplus = new Map<number, number>()
  const deps: Dependency[] = []
  const keys: number[] = []
  let partitions = 0
  keep(0, wholePartition(n))
  cplus.set(0, R)
  let level: number[] = []
  let previous: number[] = []
  for (let a = 0; a < columnCount; a++) {
    keep(1 << a, columnPartition(rows, a, options.nullsEqual ?? true))
    partitions++
    level.push(1 << a)
  }
  const holds = (lhs: number, x: number): number | null => {
    const pl = parts.get(lhs)!
    const px = parts.get(x)!
    if (errorCount(pl) === errorCount(px)) return 0
    if (exactOnly) return null
    const e = g3(pl, px, n, probe)
    return e <= eps ? e : null
  }
  let depth = 1
  while (level.length) {
    if (options.cancelled?.()) break
    options.onProgress?.(depth, level.length)
    // C+(X) = ∩ C+(X \ {A})
    for (const x of level) {
      let c = R
      for (const a of bits(x)) c &= cplus.get(x & ~(1 << a)) ?? R
      cplus.set(x, c)
    }
    for (const x of level) {
      let c = cplus.get(x)!
      for (const a of bits(x & c)) {
        const lhs = x & ~(1 << a)
        const e = holds(lhs, x)
        if (e === null) continue
        deps.push({ lhs, rhs: a, error: e })
        c &= ~(1 << a)
        if (e === 0) c &= x
      }
      cplus.set(x, c)
    }
    // Prune: no candidates left, or X is a key (its supersets give no minimal dependencies).
    const kept: number[] = []
    for (const x of level) {
      const c = cplus.get(x)!
      if (c === 0) continue
      if (errorCount(parts.get(x)!) === 0) {
        // A key determines everything; X → A is minimal unless a dependency with a smaller left
        // side already gives A (all of those were found at earlier levels). Checking that
        // directly replaces the paper's C+ test, which needs C+ of sets the lattice pruned.
        for (const a of bits(c & ~x)) {
          const covered = deps.some((d) => d.rhs === a && d.error === 0 && (d.lhs & x) === d.lhs)
          if (!covered) deps.push({ lhs: x, rhs: a, error: 0 })
        }
        if (!keys.some((k) => (k & x) === k)) keys.push(x)
        continue
      }
      kept.push(x)
    }
    // Next level: join sets that share all but their highest attribute (prefix blocks).
    const inLevel = new Set(kept)
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
        // block[i] goes into the probe once for all its products with the sets after it.
        const pi = parts.get(block[i])!
        let loaded = false
        for (let j = i + 1; j < block.length; j++) {
          const x = block[i] | block[j]
          if (bits(x).every((a) => inLevel.has(x & ~(1 << a)))) {
            if (!loaded) loadProbe(pi, scratch)
            loaded = true
            keep(x, productProbed(pi, parts.get(block[j])!, scratch))
            partitions++
            next.push(x)
          }
        }
        if (loaded) clearProbe(pi, scratch)
      }
    }
    // Only this level's partitions are needed from here on (the next level's checks compare
    // against them): the level before, and this level's pruned sets, are freed.
    for (const x of previous) drop(x)
    for (const x of level) if (!inLevel.has(x)) drop(x)
    previous = kept
    level = next
    depth++
  }
  return { dependencies: deps, keys, partitions }
}

export function attrs(mask: number): number[] {
  return bits(mask)
}
