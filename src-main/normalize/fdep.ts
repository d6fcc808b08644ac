import type { Cell } from '../../src-shared/values'
import { cellKey } from './partitions'

/** X → A with X as column indices, ascending. */
export interface WideDependency {
  lhs: number[]
  rhs: number
}

export interface AgreeSetOptions {
  nullsEqual?: boolean
  /** Called with the right-hand sides done so far, of `columnCount`. */
  onProgress?: (done: number, total: number) => void
  cancelled?: () => boolean
}

/** Row pairs the agree-set search compares before it is better left to TANE. */
export const AGREE_SET_PAIR_LIMIT = 6_000_000

/**
 * Minimal functional dependencies from agree sets, the way FDep and the induction half of HyFD
 * work, for tables too wide for a lattice search (TANE's bitmasks stop at 30 columns, and its
 * lattice explodes long before on wide tables with few rows). Every pair of distinct rows agrees
 * on a set of columns N, which shows N ↛ A for every A outside N; X → A holds exactly when X is
 * inside no such N. So, for each A, the minimal X are the minimal transversals of the complements
 * of the maximal N without A, built by specialization (Berge): start from {∅}, and for each N
 * replace every candidate inside N by its extensions with one column outside N, keeping only
 * minimal ones in a prefix tree. Cost grows with the square of the rows, not with the lattice.
 */
export function agreeSetDependencies(
  rows: Cell[][],
  columnCount: number,
  options: AgreeSetOptions = {},
): WideDependency[] {
  return agreeSetDiscovery(rows, columnCount, options).dependencies
}

/**
 * The dependencies and the minimal keys (unique column combinations, the first `keyLimit`,
 * smallest first) from the same agree sets: X is a key when it lies inside no agree set at all.
 */
export function agreeSetDiscovery(
  rows: Cell[][],
  columnCount: number,
  options: AgreeSetOptions & { keyLimit?: number } = {},
): { dependencies: WideDependency[]; keys: number[][] } {
  const m = columnCount
  const words = Math.max(1, Math.ceil(m / 32))
  const distinct = new Map<string, Int32Array>()
  // Identical rows agree on everything and show nothing; one of them is enough.
  for (const rec of compressRows(rows, m, options.nullsEqual ?? true)) distinct.set(rec.join(','), rec)
  const recs = [...distinct.values()]
  const n = recs.length

  // Every pair's agree set, once each.
  const agree = new Map<string, Uint32Array>()
  const buf = new Uint32Array(words)
  for (let i = 0; i < n; i++) {
    if (options.cancelled?.()) return { dependencies: [], keys: [] }
    const a = recs[i]
    for (let j = i + 1; j < n; j++) {
      const b = recs[j]
      buf.fill(0)
      for (let c = 0; c < m; c++) if (a[c] === b[c]) buf[c >>> 5] |= 1 << (c & 31)
      const key = buf.join(',')
      if (!agree.has(key)) agree.set(key, Uint32Array.from(buf))
    }
  }
  const sets = largestFirst(agree.values())

  const dependencies: WideDependency[] = []
  for (let rhs = 0; rhs < m; rhs++) {
    if (options.cancelled?.()) return { dependencies: [], keys: [] }
    options.onProgress?.(rhs, m)
    for (const lhs of minimalLhs(sets, m, rhs)) dependencies.push({ lhs, rhs })
  }
  // Keys tell the distinct rows apart (repeated rows count once, as the dependencies see them).
  const keys =
    n < 2
      ? []
      : minimalTransversals(maximalOf(sets), m, -1)
          .sort((x, y) => x.length - y.length)
          .slice(0, options.keyLimit ?? 64)
  options.onProgress?.(m, m)
  return { dependencies, keys }
}

/** Per row, a value id per column; a NULL that equals nothing (NULL != NULL) gets an id of its own. */
export function compressRows(rows: Cell[][], m: number, nullsEqual: boolean): Int32Array[] {
  const ids = new Map<unknown, number>()
  let fresh = 0
  return rows.map((r) => {
    const rec = new Int32Array(m)
    for (let c = 0; c < m; c++) {
      const v = r[c]
      if (v === null && !nullsEqual) {
        rec[c] = -1 - fresh++
        continue
      }
      const key = cellKey(v)
      let id = ids.get(key)
      if (id === undefined) ids.set(key, (id = ids.size))
      rec[c] = id
    }
    return rec
  })
}

/** The columns two compressed rows agree on, as a bitset. */
export function agreeSet(a: Int32Array, b: Int32Array, words: number): Uint32Array {
  const w = new Uint32Array(words)
  for (let c = 0; c < a.length; c++) if (a[c] === b[c]) w[c >>> 5] |= 1 << (c & 31)
  return w
}

/** Non-dependency sets with their sizes, largest first (the order `maximalOf` wants). */
export function largestFirst(sets: Iterable<Uint32Array>): { w: Uint32Array; size: number }[] {
  return [...sets].map((w) => ({ w, size: popcount(w) })).sort((x, y) => y.size - x.size)
}

/** The minimal left sides X of X → rhs: outside every non-dependency set that lacks rhs. */
export function minimalLhs(sets: { w: Uint32Array }[], m: number, rhs: number): number[][] {
  const bit = 1 << (rhs & 31)
  const word = rhs >>> 5
  return minimalTransversals(maximalOf(sets.filter((s) => !(s.w[word] & bit))), m, rhs)
}

/**
 * The sets no other set contains (the input sorted largest first). The maximal ones found so far
 * sit in a set-trie, which answers "does a stored set contain this one" without comparing it with
 * each of them: a table with many distinct agree sets has tens of thousands of maximal ones.
 */
export function maximalOf(sets: { w: Uint32Array }[]): Uint32Array[] {
  const maximal: Uint32Array[] = []
  const trie = new SupersetTrie()
  for (const s of sets) {
    const cols = columnsOf(s.w)
    if (maximal.length > 0 && trie.hasSuperset(cols, 0)) continue
    trie.add(cols)
    maximal.push(s.w)
  }
  return maximal
}

/** Up to this many columns, `maximalLacking` sweeps the whole lattice of column sets. */
export const LATTICE_MAX_COLUMNS = 18

/**
 * The sets of `sets` (one word each, m <= LATTICE_MAX_COLUMNS) that lack `rhs` and that no other
 * such set contains, largest first: what `maximalOf` gives for them, found by one sweep of the
 * 2^m column sets from the full one down, each marked when a set of the family contains it. A
 * table of `letter`'s shape has tens of thousands of agree sets; a superset query for each, for
 * each right side, was a quarter of its search, and the sweep is a few million byte reads.
 */
export function maximalLacking(sets: Iterable<number>, m: number, rhs: number): Uint32Array[] {
  const size = 2 ** m
  const rbit = 2 ** rhs
  // 2: the set is in the family; 1: a set of the family contains it.
  const mark = new Uint8Array(size)
  for (const k of sets) if (!(k & rbit)) mark[k] = 2
  const out: Uint32Array[] = []
  for (let mask = size - 1; mask >= 0; mask--) {
    if (mask & rbit) continue
    let covered = false
    for (let b = 0; b < m; b++) {
      const bit = 1 << b
      if (b !== rhs && !(mask & bit) && mark[mask | bit]) {
        covered = true
        break
      }
    }
    if (mark[mask] === 2) {
      if (!covered) out.push(Uint32Array.of(mask))
    } else if (covered) mark[mask] = 1
  }
  return out.sort((x, y) => popcount(y) - popcount(x))
}

function columnsOf(w: Uint32Array): number[] {
  const out: number[] = []
  for (let i = 0; i < w.length; i++) for (let x = w[i]; x; x &= x - 1) out.push(i * 32 + 31 - Math.clz32(x & -x))
  return out
}

/** Column sets (ascending) in a trie, for superset queries. */
class SupersetTrie {
  private keys: number[] = []
  private kids: SupersetTrie[] = []

  add(cols: number[]) {
    let t: SupersetTrie = this
    for (const c of cols) {
      const i = t.keys.indexOf(c)
      if (i >= 0) t = t.kids[i]
      else {
        const next = new SupersetTrie()
        t.keys.push(c)
        t.kids.push(next)
        t = next
      }
    }
  }

  /** Does a stored set hold every column of cols[from..]? (Every path of a non-empty trie ends in a set.) */
  hasSuperset(cols: number[], from: number): boolean {
    if (from === cols.length) return true
    const need = cols[from]
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i]
      // Paths ascend: a column past the one needed means it can no longer come.
      if (k < need ? this.kids[i].hasSuperset(cols, from) : k === need && this.kids[i].hasSuperset(cols, from + 1))
        return true
    }
    return false
  }
}

/**
 * The minimal column sets (never holding `exclude`) that lie inside none of the given sets, by
 * specialization: start from {∅}; for each set N, every candidate inside N is replaced by its
 * extensions with one column outside N, kept only when no candidate already inside it remains.
 */
export function minimalTransversals(sets: Uint32Array[], m: number, exclude: number): number[][] {
  const t = new Transversals(m, exclude)
  t.add(sets)
  return t.all()
}

/**
 * The same specialization kept between calls: sets can come in batches (the sampled search finds
 * more non-dependencies round by round), and each batch only specializes what it breaks. The
 * result does not depend on the order the sets came in.
 */
export class Transversals {
  private readonly inN: Uint8Array
  private readonly tree = new LhsTree()

  constructor(
    private readonly m: number,
    private readonly exclude: number,
  ) {
    this.inN = new Uint8Array(m)
    this.tree.add([])
  }

  add(sets: Iterable<Uint32Array>): void {
    const { inN, tree, m, exclude } = this
    for (const N of sets) {
      inN.fill(0)
      for (let c = 0; c < m; c++) if (N[c >>> 5] & (1 << (c & 31))) inN[c] = 1
      const invalid = tree.removeInside(inN)
      for (const x of invalid) {
        for (let b = 0; b < m; b++) {
          if (inN[b] || b === exclude) continue
          const y = insertSorted(x, b)
          // A stored set inside y must hold b: without it, it would sit inside x, which was minimal.
          if (!tree.hasSubsetWith(y, b)) tree.add(y)
        }
      }
    }
  }

  all(): number[][] {
    return this.tree.all()
  }
}

export function popcount(w: Uint32Array): number {
  let c = 0
  for (let x of w) for (; x; x &= x - 1) c++
  return c
}

function insertSorted(xs: number[], v: number): number[] {
  const out: number[] = []
  let put = false
  for (const x of xs) {
    if (!put && v < x) (out.push(v), (put = true))
    out.push(x)
  }
  if (!put) out.push(v)
  return out
}

/** Sets of columns (sorted) in a prefix tree, answering "is one of you inside this set" quickly. */
class LhsTree {
  private children = new Map<number, LhsTree>()
  private end = false

  add(attrs: number[]) {
    let t: LhsTree = this
    for (const a of attrs) {
      let next = t.children.get(a)
      if (!next) t.children.set(a, (next = new LhsTree()))
      t = next
    }
    t.end = true
  }

  /** Is some stored set that holds `must` a subset of `attrs` (sorted, holding `must`)? */
  hasSubsetWith(attrs: number[], must: number, from = 0, used = false): boolean {
    if (this.end && used) return true
    for (let i = from; i < attrs.length; i++) {
      const a = attrs[i]
      // Paths go up in column order: past `must` without taking it, no set here can hold it.
      if (!used && a > must) return false
      const next = this.children.get(a)
      if (next && next.hasSubsetWith(attrs, must, i + 1, used || a === must)) return true
    }
    return false
  }

  /** Take out every stored set whose columns are all marked in `inside`, and return them. */
  removeInside(inside: Uint8Array, prefix: number[] = [], out: number[][] = []): number[][] {
    if (this.end) {
      out.push([...prefix])
      this.end = false
    }
    for (const [a, next] of this.children) {
      if (!inside[a]) continue
      prefix.push(a)
      next.removeInside(inside, prefix, out)
      prefix.pop()
      if (!next.end && next.children.size === 0) this.children.delete(a)
    }
    return out
  }

  all(prefix: number[] = [], out: number[][] = []): number[][] {
    if (this.end) out.push([...prefix])
    for (const [a, next] of [...this.children].sort((x, y) => x[0] - y[0])) {
      prefix.push(a)
      next.all(prefix, out)
      prefix.pop()
    }
    return out
  }
}
