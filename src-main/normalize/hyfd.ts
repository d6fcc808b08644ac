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
  const m = columnCount
  const words = Math.max(1, Math.ceil(m / 32))
  const recs = compressRows(rows, m, options.nullsEqual ?? true)
  const n = recs.length
  let maxId = 0
  for (const r of recs) for (let c = 0; c < m; c++) if (r[c] > maxId) maxId = r[c]
  const slot = new Int32Array(maxId + 1).fill(-1)
  const nonFds = new Map<string, Uint32Array>()
  const addPair = (i: number, j: number) => {
    const w = agreeSet(recs[i], recs[j], words)
    if (popcount(w) === m) return
    const k = w.join(',')
    if (!nonFds.has(k)) nonFds.set(k, w)
  }
  // Column clusters (rows sharing a value), the single-row ones left out.
  const everyRow = [Array.from({ length: n }, (_, i) => i)]
  const clusters = Array.from({ length: m }, (_, c) => refine(everyRow, c))
  // The sample: in every cluster, each row against its next few neighbours.
  for (const cs of clusters)
    for (const cl of cs)
      for (let k = 0; k < cl.length; k++) for (let d = 1; d <= 3 && k + d < cl.length; d++) addPair(cl[k], cl[k + d])

  const valid = new Set<string>()
  for (let round = 1; ; round++) {
    if (options.cancelled?.()) return []
    const sets = largestFirst(nonFds.values())
    // Candidates, grouped by left side so each left side is checked once for all its right sides.
    const byLhs = new Map<string, { lhs: number[]; rhs: number[] }>()
    for (let rhs = 0; rhs < m; rhs++) {
      for (const lhs of minimalLhs(sets, m, rhs)) {
        const k = lhs.join(',')
        const g = byLhs.get(k)
        if (g) g.rhs.push(rhs)
        else byLhs.set(k, { lhs, rhs: [rhs] })
      }
    }
    options.onProgress?.(round, round + 1)
    const before = nonFds.size
    // Left sides in column order, so consecutive ones share the partitions of their common prefix.
    const todo = [...byLhs]
      .map(([k, g]) => ({ k, lhs: g.lhs, open: g.rhs.filter((a) => !valid.has(`${k}>${a}`)) }))
      .filter((x) => x.open.length)
    todo.sort((x, y) => compareLex(x.lhs, y.lhs))
    const stack: { attr: number; groups: ArrayLike<number>[] }[] = []
    for (const { k, lhs, open } of todo) {
      if (options.cancelled?.()) return []
      let same = 0
      while (same < stack.length && same < lhs.length && stack[same].attr === lhs[same]) same++
      stack.length = same
      for (let d = same; d < lhs.length; d++)
        stack.push({ attr: lhs[d], groups: d === 0 ? clusters[lhs[0]] : refine(stack[d - 1].groups, lhs[d]) })
      const broken = check(lhs.length ? stack[lhs.length - 1].groups : [], open, lhs.length === 0)
      for (const a of open) if (!broken.has(a)) valid.add(`${k}>${a}`)
    }
    if (nonFds.size === before) {
      const out: WideDependency[] = []
      for (const { lhs, rhs } of byLhs.values()) for (const a of rhs) out.push({ lhs, rhs: a })
      return out.sort((x, y) => x.rhs - y.rhs || x.lhs.length - y.lhs.length)
    }
  }

  /** The groups split further by one more column, by a probe table over value ids (no maps), lone rows dropped. */
  function refine(groups: ArrayLike<number>[], c: number): number[][] {
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
  function check(groups: ArrayLike<number>[], open: number[], empty: boolean): Set<number> {
    const broken = new Set<number>()
    if (empty) {
      for (const a of open)
        for (let i = 1; i < n; i++)
          if (recs[i][a] !== recs[0][a]) {
            addPair(0, i)
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
          addPair(r0, g[k])
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
