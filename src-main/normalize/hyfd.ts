import type { Cell } from '../../src-shared/values'
import {
  agreeSet,
  compressRows,
  largestFirst,
  minimalLhs,
  popcount,
  type AgreeSetOptions,
  type WideDependency,
} from './fdep'

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
): WideDependency[] {
  const s = new Sampler(compressRows(rows, columnCount, options.nullsEqual ?? true), columnCount)
  const valid = new Set<string>()
  for (let round = 1; ; round++) {
    if (options.cancelled?.()) return []
    const byLhs = s.candidates()
    options.onProgress?.(round, round + 1)
    const before = s.nonFds.size
    if (!s.validate(byLhs, valid, options)) return []
    if (s.nonFds.size === before) {
      const out: WideDependency[] = []
      for (const { lhs, rhs } of byLhs.values()) for (const a of rhs) out.push({ lhs, rhs: a })
      return out.sort((x, y) => x.rhs - y.rhs || x.lhs.length - y.lhs.length)
    }
  }
}

/** The compressed rows, their column clusters, and the non-dependencies found so far. */
class Sampler {
  readonly nonFds = new Map<string, Uint32Array>()
  private readonly n: number
  private readonly words: number
  /** Per value id, its group's index while a group is being split (-1 otherwise). */
  private readonly slot: Int32Array
  private readonly clusters: number[][][]

  constructor(
    private readonly recs: Int32Array[],
    private readonly m: number,
  ) {
    this.n = recs.length
    this.words = Math.max(1, Math.ceil(m / 32))
    let maxId = 0
    for (const r of recs) for (let c = 0; c < m; c++) if (r[c] > maxId) maxId = r[c]
    this.slot = new Int32Array(maxId + 1).fill(-1)
    // Column clusters (rows sharing a value), the single-row ones left out.
    const everyRow = [Array.from({ length: this.n }, (_, i) => i)]
    this.clusters = Array.from({ length: m }, (_, c) => this.refine(everyRow, c))
    // The sample: in every cluster, each row against its next few neighbours.
    for (const cs of this.clusters)
      for (const cl of cs)
        for (let k = 0; k < cl.length; k++)
          for (let d = 1; d <= 3 && k + d < cl.length; d++) this.addPair(cl[k], cl[k + d])
  }

  addPair(i: number, j: number): void {
    const w = agreeSet(this.recs[i], this.recs[j], this.words)
    if (popcount(w) === this.m) return
    const k = w.join(',')
    if (!this.nonFds.has(k)) this.nonFds.set(k, w)
  }

  /** Candidates, grouped by left side so each left side is checked once for all its right sides. */
  candidates(): Map<string, { lhs: number[]; rhs: number[] }> {
    const sets = largestFirst(this.nonFds.values())
    const byLhs = new Map<string, { lhs: number[]; rhs: number[] }>()
    for (let rhs = 0; rhs < this.m; rhs++) {
      for (const lhs of minimalLhs(sets, this.m, rhs)) {
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
    const todo = [...byLhs]
      .map(([k, g]) => ({ k, lhs: g.lhs, open: g.rhs.filter((a) => !valid.has(`${k}>${a}`)) }))
      .filter((x) => x.open.length)
    todo.sort((x, y) => compareLex(x.lhs, y.lhs))
    const stack: { attr: number; groups: ArrayLike<number>[] }[] = []
    for (const { k, lhs, open } of todo) {
      if (options.cancelled?.()) return false
      let same = 0
      while (same < stack.length && same < lhs.length && stack[same].attr === lhs[same]) same++
      stack.length = same
      for (let d = same; d < lhs.length; d++)
        stack.push({ attr: lhs[d], groups: d === 0 ? this.clusters[lhs[0]] : this.refine(stack[d - 1].groups, lhs[d]) })
      const broken = this.check(lhs.length ? stack[lhs.length - 1].groups : [], open, lhs.length === 0)
      for (const a of open) if (!broken.has(a)) valid.add(`${k}>${a}`)
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
  check(groups: ArrayLike<number>[], open: number[], empty: boolean): Set<number> {
    const { recs, n } = this
    const broken = new Set<number>()
    if (empty) {
      for (const a of open)
        for (let i = 1; i < n; i++)
          if (recs[i][a] !== recs[0][a]) {
            this.addPair(0, i)
            broken.add(a)
            break
          }
      return broken
    }
    for (const g of groups) {
      const r0 = g[0]
      for (const a of open) {
        if (broken.has(a)) continue
        const v = recs[r0][a]
        for (let k = 1; k < g.length; k++) {
          if (recs[g[k]][a] === v) continue
          this.addPair(r0, g[k])
          broken.add(a)
          break
        }
      }
      if (broken.size === open.length) return broken
    }
    return broken
  }
}

function compareLex(a: number[], b: number[]): number {
  for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i] - b[i]
  return a.length - b.length
}
