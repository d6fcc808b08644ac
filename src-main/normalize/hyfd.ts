import type { Cell } from '../../src-shared/values'
import {
  agreeSet,
  compressRows,
  largestFirst,
  LATTICE_MAX_COLUMNS,
  maximalLacking,
  maximalOf,
  Transversals,
  popcount,
  type AgreeSetOptions,
  type WideDependency,
} from './fdep'
import { refine, refineScratch, wholePartition, type Partition, type RefineScratch } from './partitions'

/**
 * Minimal functional dependencies on tables with too many rows to compare every pair, in the
 * manner of HyFD (Papenbrock and Naumann, 2016): agree sets from a sample of row pairs (neighbours
 * within each column's clusters) give non-dependencies; the minimal column sets outside all of
 * them are the candidates; each candidate left side is then checked on every row, grouping its
 * rows by their values, and a pair that breaks a candidate is one more non-dependency. Induction
 * and validation alternate until every candidate holds. The result is exactly the minimal
 * dependencies: a true one is never inside a non-dependency, so it is a candidate or contains
 * one, and a candidate that fails is specialized by the pair that broke it.
 */
export function sampledDependencies(
  rows: Cell[][],
  columnCount: number,
  options: AgreeSetOptions = {},
): (WideDependency & { support: number })[] {
  const s = new Sampler(compressRows(rows, columnCount, options.nullsEqual ?? true), columnCount)
  const valid = new Set<string>()
  for (let round = 1; ; round++) {
    if (options.cancelled?.()) return []
    const byLhs = s.candidates()
    options.onProgress?.(round, round + 1)
    const before = s.nonFds.size
    if (!s.validate(byLhs, valid, options)) return []
    if (s.nonFds.size === before) {
      // The rows in classes of two or more of each left side's partition, as validation found it.
      const out: (WideDependency & { support: number })[] = []
      for (const [k, { lhs, rhs }] of byLhs)
        for (const a of rhs) out.push({ lhs, rhs: a, support: s.sizes.get(k) ?? -1 })
      return out.sort((x, y) => x.rhs - y.rhs || x.lhs.length - y.lhs.length)
    }
  }
}

/** Violating pairs a candidate's check collects per right side before it moves on. */
const VIOLATIONS_PER_CHECK = 8

/** The compressed rows, their column clusters, and the non-dependencies found so far. */
class Sampler {
  readonly nonFds = new Map<number | string, Uint32Array>()
  /** Every column agreeing (one word): identical rows, which show nothing. */
  private readonly all: number
  private readonly n: number
  private readonly words: number
  /** Per value id, its group's index while a group is being split (-1 otherwise). */
  private readonly slot: Int32Array
  private readonly clusters: number[][][]
  /** Non-dependencies not yet given to the candidates' specialization. */
  private fresh: Uint32Array[] = []
  /** Each checked left side's partition size (rows sharing its values with another row). */
  readonly sizes = new Map<string, number>()
  /** Per right side, its minimal candidate left sides so far. */
  private readonly transversals: Transversals[]
  /** Each column's values as ids for `refine` (a NULL that equals nothing gets an id of its own). */
  private readonly columnValues: Int32Array[]
  private readonly refineScratch: RefineScratch

  constructor(
    private readonly recs: Int32Array[],
    private readonly m: number,
  ) {
    this.n = recs.length
    this.words = Math.max(1, Math.ceil(m / 32))
    this.all = 2 ** Math.min(m, 32) - 1
    let maxId = 0
    for (const r of recs) for (let c = 0; c < m; c++) if (r[c] > maxId) maxId = r[c]
    this.slot = new Int32Array(maxId + 1).fill(-1)
    this.transversals = Array.from({ length: m }, (_, rhs) => new Transversals(m, rhs))
    this.columnValues = Array.from({ length: m }, (_, c) => {
      const v = new Int32Array(this.n)
      for (let i = 0; i < this.n; i++) v[i] = recs[i][c] >= 0 ? recs[i][c] : maxId + 1 + i
      return v
    })
    this.refineScratch = refineScratch(this.n, maxId + 1 + this.n)
    // Column clusters (rows sharing a value), the single-row ones left out.
    const everyRow = [Array.from({ length: this.n }, (_, i) => i)]
    this.clusters = Array.from({ length: m }, (_, c) => this.refine(everyRow, c))
    // The sample: in every cluster, each row against its next few neighbours, the cluster sorted
    // by the rows' other values (the columns after its own first), so neighbours agree on many
    // columns and their agree sets are the large non-dependencies that rule out most candidates.
    const card = new Int32Array(m)
    for (const r of recs) for (let c = 0; c < m; c++) if (r[c] + 2 > card[c]) card[c] = r[c] + 2
    this.clusters.forEach((cs, c) => {
      for (const cl of cs) {
        const sorted = sortByNext(cl, recs, c, card)
        for (let k = 0; k < sorted.length; k++)
          for (let d = 1; d <= 3 && k + d < sorted.length; d++) this.addPair(sorted[k], sorted[k + d])
      }
    })
  }

  addPair(i: number, j: number): void {
    let k: number | string
    if (this.words === 1) {
      // Up to 32 columns the agree set is one word: its number is the key, no array made first.
      const a = this.recs[i]
      const b = this.recs[j]
      let x = 0
      for (let c = 0; c < this.m; c++) if (a[c] === b[c]) x |= 1 << c
      k = x >>> 0
      if (k === this.all || this.nonFds.has(k)) return
      const w = Uint32Array.of(k)
      this.nonFds.set(k, w)
      this.fresh.push(w)
      return
    }
    const w = agreeSet(this.recs[i], this.recs[j], this.words)
    if (popcount(w) === this.m) return
    k = w.join(',')
    if (this.nonFds.has(k)) return
    this.nonFds.set(k, w)
    this.fresh.push(w)
  }

  /**
   * Candidates, grouped by left side so each left side is checked once for all its right sides.
   * Each right side's candidates are specialized only by the non-dependencies found since the
   * last round (the maximal ones of them that lack it).
   */
  candidates(): Map<string, { lhs: number[]; rhs: number[] }> {
    // A large first batch of one-word sets: each right side's maximal ones by a lattice sweep.
    const lattice = this.words === 1 && this.m <= LATTICE_MAX_COLUMNS && this.fresh.length * 16 >= 2 ** this.m
    const keys = lattice ? this.fresh.map((w) => w[0]) : []
    const batch = lattice ? [] : largestFirst(this.fresh)
    this.fresh = []
    const byLhs = new Map<string, { lhs: number[]; rhs: number[] }>()
    for (let rhs = 0; rhs < this.m; rhs++) {
      const bit = 1 << (rhs & 31)
      const word = rhs >>> 5
      const t = this.transversals[rhs]
      t.add(lattice ? maximalLacking(keys, this.m, rhs) : maximalOf(batch.filter((s) => !(s.w[word] & bit))))
      for (const lhs of t.all()) {
        const k = lhs.join(',')
        const g = byLhs.get(k)
        if (g) g.rhs.push(rhs)
        else byLhs.set(k, { lhs, rhs: [rhs] })
      }
    }
    return byLhs
  }

  /** Checks every open candidate on all rows; false when cancelled. */
  validate(
    byLhs: Map<string, { lhs: number[]; rhs: number[] }>,
    valid: Set<string>,
    options: AgreeSetOptions,
  ): boolean {
    // Left sides in column order, so consecutive ones share the partitions of their common prefix.
    const open = [...byLhs]
      .map(([k, g]) => ({ k, lhs: g.lhs, open: g.rhs.filter((a) => !valid.has(`${k}>${a}`)) }))
      .filter((x) => x.open.length)
    // The columns most left sides hold come first in every left side, and the left sides go in
    // that order: long shared prefixes, so most partitions are split once for many candidates.
    const freq = new Array<number>(this.m).fill(0)
    for (const x of open) for (const a of x.lhs) freq[a]++
    const todo = open.map((x) => ({ ...x, lhs: [...x.lhs].sort((a, b) => freq[b] - freq[a] || a - b) }))
    todo.sort((x, y) => compareBy(x.lhs, y.lhs, freq))
    // Each prefix's stripped partition, split by one more column at a time (typed arrays, see
    // partitions.ts `refine`), kept while the next left sides share the prefix.
    const stack: { attr: number; p: Partition }[] = []
    const whole = wholePartition(this.n)
    for (const { k, lhs, open } of todo) {
      if (options.cancelled?.()) return false
      let same = 0
      while (same < stack.length && same < lhs.length && stack[same].attr === lhs[same]) same++
      stack.length = same
      for (let d = same; d < lhs.length; d++)
        stack.push({
          attr: lhs[d],
          p: refine(d === 0 ? whole : stack[d - 1].p, this.columnValues[lhs[d]], this.refineScratch),
        })
      const broken = this.check(lhs.length ? stack[lhs.length - 1].p : null, open)
      for (const a of open) if (!broken.has(a)) valid.add(`${k}>${a}`)
      this.sizes.set(k, lhs.length ? stack[lhs.length - 1].p.size : this.n > 1 ? this.n : 0)
    }
    return true
  }

  /** The groups split further by one more column, by a probe table over value ids (no maps), lone rows dropped. */
  refine(groups: ArrayLike<number>[], c: number): number[][] {
    const { recs, slot } = this
    const next: number[][] = []
    const touched: number[] = []
    for (const g of groups) {
      const local: number[][] = []
      for (let k = 0; k < g.length; k++) {
        const i = g[k]
        const v = recs[i][c]
        if (v < 0) continue // a NULL that equals nothing
        const at = slot[v]
        if (at === -1) {
          slot[v] = local.length
          local.push([i])
          touched.push(v)
        } else local[at].push(i)
      }
      for (const v of touched) slot[v] = -1
      touched.length = 0
      for (const h of local) if (h.length > 1) next.push(h)
    }
    return next
  }

  /**
   * Check X → A for each open A, given the groups of rows that agree on X (for X = ∅, all rows);
   * a pair that breaks one becomes a non-dependency. Returns the broken A.
   */
  check(groups: Partition | null, open: number[]): Set<number> {
    const { recs, n } = this
    const broken = new Set<number>()
    if (!groups) {
      for (const a of open)
        for (let i = 1; i < n; i++)
          if (recs[i][a] !== recs[0][a]) {
            this.addPair(0, i)
            broken.add(a)
            break
          }
      return broken
    }
    // A few violations per right side, from different groups: each is a non-dependency that
    // spares a later round (HyFD feeds its validation's failures back the same way). One right
    // side at a time, down its column's values (a NULL that equals nothing has an id of its own).
    const { rows, starts } = groups
    const classes = starts.length - 1
    for (const a of open) {
      const col = this.columnValues[a]
      let found = 0
      for (let c = 0; c < classes && found < VIOLATIONS_PER_CHECK; c++) {
        const from = starts[c]
        const v = col[rows[from]]
        for (let k = from + 1; k < starts[c + 1]; k++) {
          if (col[rows[k]] === v) continue
          this.addPair(rows[from], rows[k])
          found++
          break
        }
      }
      if (found) broken.add(a)
    }
    return broken
  }
}

/**
 * A cluster of column c's rows in the order of their values in the columns after c (as many of
 * them as a number can order exactly, most significant first), by one native sort of numbers:
 * each row's key, its place in the cluster in the low bits.
 */
function sortByNext(cl: number[], recs: Int32Array[], c: number, card: Int32Array): number[] {
  const m = card.length
  const idxBits = Math.max(1, Math.ceil(Math.log2(cl.length + 1)))
  const limit = 2 ** (53 - idxBits)
  const cols: number[] = []
  let span = 1
  for (let k = 1; k < m; k++) {
    const col = (c + k) % m
    if (span * card[col] > limit) break
    cols.push(col)
    span *= card[col]
  }
  const keys = new Float64Array(cl.length)
  const shift = 2 ** idxBits
  for (let i = 0; i < cl.length; i++) {
    const r = recs[cl[i]]
    let key = 0
    // Values are ids from 0 up, or negative for a NULL that equals nothing (ordered first).
    for (const col of cols) key = key * card[col] + (r[col] < 0 ? 0 : r[col] + 1)
    keys[i] = key * shift + i
  }
  keys.sort()
  const out = new Array<number>(cl.length)
  for (let i = 0; i < cl.length; i++) out[i] = cl[keys[i] % shift]
  return out
}

/** Left sides in the order of their columns, each column ranked by how many left sides hold it. */
function compareBy(a: number[], b: number[], freq: number[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return freq[b[i]] - freq[a[i]] || a[i] - b[i]
  return a.length - b.length
}
