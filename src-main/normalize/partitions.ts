import type { Cell } from '../../src-shared/values'

/**
 * A stripped partition: the classes of row indices that agree on some attributes, without the
 * single-row classes, stored flat (one array of rows, class after class, and where each class
 * starts) so a partition of a million rows is two typed arrays rather than a million small ones.
 * `size` is the number of rows in the classes (||π||).
 */
export interface Partition {
  rows: Int32Array
  /** Where each class starts in `rows`, then one past the last class. */
  starts: Int32Array
  size: number
}

export function classCount(p: Partition): number {
  return p.starts.length - 1
}

export function errorCount(p: Partition): number {
  return p.size - classCount(p)
}

/** The partition with every row in one class (of the empty attribute set). */
export function wholePartition(n: number): Partition {
  return n > 1
    ? { rows: Int32Array.from({ length: n }, (_, i) => i), starts: Int32Array.of(0, n), size: n }
    : { rows: new Int32Array(0), starts: Int32Array.of(0), size: 0 }
}

/**
 * A cell as a Map key: primitives as themselves (so 1 and "1" stay apart), a BLOB or big integer
 * by its JSON behind a prefix no text cell starts with.
 */
export function cellKey(v: Cell): unknown {
  return v !== null && typeof v === 'object' ? `\u0000${JSON.stringify(v)}` : v
}

/** One column's stripped partition. With `nullsEqual` false, every NULL is a class of its own. */
export function columnPartition(rows: Cell[][], col: number, nullsEqual: boolean): Partition {
  const n = rows.length
  const ids = new Int32Array(n)
  const index = new Map<unknown, number>()
  const counts: number[] = []
  for (let i = 0; i < n; i++) {
    const v = rows[i][col]
    if (v === null && !nullsEqual) {
      ids[i] = -1
      continue
    }
    const key = cellKey(v)
    let id = index.get(key)
    if (id === undefined) {
      id = counts.length
      index.set(key, id)
      counts.push(0)
    }
    ids[i] = id
    counts[id]++
  }
  // Counting sort of the rows by value, single rows left out.
  const next = new Int32Array(counts.length).fill(-1)
  let size = 0
  let classes = 0
  for (let id = 0; id < counts.length; id++)
    if (counts[id] > 1) {
      next[id] = size
      size += counts[id]
      classes++
    }
  const starts = new Int32Array(classes + 1)
  for (let id = 0, k = 0; id < counts.length; id++) if (counts[id] > 1) starts[k++] = next[id]
  starts[classes] = size
  const out = new Int32Array(size)
  for (let i = 0; i < n; i++) {
    const id = ids[i]
    if (id >= 0 && next[id] >= 0) out[next[id]++] = i
  }
  return { rows: out, starts, size }
}

/**
 * Scratch space for `product`, kept across calls so a lattice of products on a tall table does
 * not allocate (and zero) megabytes per product. `probe` is indexed by row and must hold -1
 * between calls; `cls` holds three numbers per class of the probed partition, side by side so
 * one cache line serves them all: the class of the other partition they were last counted for,
 * the count there, and the next free place of their class in the output.
 */
export interface ProductScratch {
  probe: Int32Array
  cls: Int32Array
  out: Int32Array
  starts: Int32Array
}

export function productScratch(n: number): ProductScratch {
  return {
    probe: new Int32Array(n).fill(-1),
    cls: new Int32Array(0),
    out: new Int32Array(0),
    starts: new Int32Array(0),
  }
}

/** Writes each row's class of `a` into the probe (-1 stays on rows of no class). */
export function loadProbe(a: Partition, scratch: ProductScratch) {
  const probe = scratch.probe
  const ac = classCount(a)
  for (let i = 0; i < ac; i++) for (let r = a.starts[i]; r < a.starts[i + 1]; r++) probe[a.rows[r]] = i
}

/** Sets the probe back to -1 on the rows of `a`. */
export function clearProbe(a: Partition, scratch: ProductScratch) {
  const probe = scratch.probe
  for (let r = 0; r < a.size; r++) probe[a.rows[r]] = -1
}

/** π_Y · π_Z with a probe table (TANE's product), in time linear in ||π_Y|| + ||π_Z||. */
export function product(a: Partition, b: Partition, scratch: ProductScratch): Partition {
  loadProbe(a, scratch)
  const p = productProbed(a, b, scratch)
  clearProbe(a, scratch)
  return p
}

/**
 * The product of `a`, already in the probe (see `loadProbe`), with `b`. A lattice level takes
 * the products of one set with several others in a row, and loads it once for all of them.
 */
export function productProbed(a: Partition, b: Partition, scratch: ProductScratch): Partition {
  const probe = scratch.probe
  const ac = classCount(a)
  if (scratch.cls.length < 3 * ac) scratch.cls = new Int32Array(Math.max(3 * ac, scratch.cls.length * 2))
  const cls = scratch.cls.fill(-1, 0, 3 * ac)
  const cap = Math.min(a.size, b.size)
  if (scratch.out.length < cap) {
    scratch.out = new Int32Array(Math.max(cap, scratch.out.length * 2))
    scratch.starts = new Int32Array((scratch.out.length >> 1) + 1)
  }
  const out = scratch.out
  const starts = scratch.starts
  let len = 0
  let k = 0
  const bc = classCount(b)
  for (let c = 0; c < bc; c++) {
    const s = b.starts[c]
    const e = b.starts[c + 1]
    // How many rows of this class of b fall in each class of a (counted afresh for class c).
    for (let r = s; r < e; r++) {
      const i = probe[b.rows[r]]
      if (i === -1) continue
      const at = 3 * i
      if (cls[at] !== c) {
        cls[at] = c
        cls[at + 1] = 1
      } else cls[at + 1]++
    }
    // Classes of two rows or more get their place in the output as their first row is met.
    for (let r = s; r < e; r++) {
      const t = b.rows[r]
      const i = probe[t]
      if (i === -1) continue
      const at = 3 * i
      const m = cls[at + 1]
      if (m === 1) continue
      if (m > 1) {
        starts[k++] = len
        cls[at + 2] = len
        len += m
        cls[at + 1] = 0
      }
      out[cls[at + 2]++] = t
    }
  }
  starts[k] = len
  return { rows: out.slice(0, len), starts: starts.slice(0, k + 1), size: len }
}

/**
 * g3 of Y → A: the share of rows to remove for the dependency to hold, from π_Y and π_{Y∪A}
 * (for approximate dependencies on dirty data).
 */
export function g3(py: Partition, pya: Partition, n: number, probe: Int32Array): number {
  if (n === 0) return 0
  // For each class of Y∪A remember its size on one of its rows.
  const classes = classCount(pya)
  for (let c = 0; c < classes; c++) probe[pya.rows[pya.starts[c]]] = pya.starts[c + 1] - pya.starts[c]
  let removed = 0
  for (let c = 0; c < classCount(py); c++) {
    let biggest = 1
    for (let r = py.starts[c]; r < py.starts[c + 1]; r++) if (probe[py.rows[r]] > biggest) biggest = probe[py.rows[r]]
    removed += py.starts[c + 1] - py.starts[c] - biggest
  }
  for (let c = 0; c < classes; c++) probe[pya.rows[pya.starts[c]]] = -1
  return removed / n
}

/** One column's values as dense ids 0..card-1 (with `nullsEqual` false, each NULL an id of its own). */
export function columnValues(rows: Cell[][], col: number, nullsEqual: boolean): { values: Int32Array; card: number } {
  const n = rows.length
  const values = new Int32Array(n)
  const index = new Map<unknown, number>()
  let card = 0
  for (let i = 0; i < n; i++) {
    const v = rows[i][col]
    if (v === null && !nullsEqual) {
      values[i] = card++
      continue
    }
    const key = cellKey(v)
    let id = index.get(key)
    if (id === undefined) index.set(key, (id = card++))
    values[i] = id
  }
  return { values, card }
}

/** Scratch for `refine`, indexed by value id; `stamp` says which class last counted a value. */
export interface RefineScratch {
  stamp: Int32Array
  count: Int32Array
  place: Int32Array
  epoch: number
  out: Int32Array
  starts: Int32Array
}

export function refineScratch(n: number, card: number): RefineScratch {
  return {
    stamp: new Int32Array(card),
    count: new Int32Array(card),
    place: new Int32Array(card),
    epoch: 0,
    out: new Int32Array(n),
    starts: new Int32Array((n >> 1) + 1),
  }
}

/**
 * π_{X ∪ {B}} from π_X and column B's value ids: each class of X split by B's value, single rows
 * dropped. The same partition as TANE's product π_X · π_B, found in two passes over π_X's rows
 * alone (a product also scans π_B twice and loads π_X into a probe), which on a table whose
 * partitions shrink slowly (many columns of few values, as `letter`) is most of the search.
 */
export function refine(a: Partition, values: Int32Array, s: RefineScratch): Partition {
  const { stamp, count, place, out, starts } = s
  const rows = a.rows
  const ac = classCount(a)
  let len = 0
  let k = 0
  for (let c = 0; c < ac; c++) {
    if (s.epoch === 0x3fffffff) {
      stamp.fill(0)
      s.epoch = 0
    }
    const epoch = ++s.epoch
    const from = a.starts[c]
    const to = a.starts[c + 1]
    if (to - from === 2) {
      // Most classes deep in a search are pairs: they stay together or fall apart.
      const x = rows[from]
      const y = rows[from + 1]
      if (values[x] === values[y]) {
        starts[k++] = len
        out[len++] = x
        out[len++] = y
      }
      continue
    }
    for (let r = from; r < to; r++) {
      const v = values[rows[r]]
      if (stamp[v] !== epoch) {
        stamp[v] = epoch
        count[v] = 1
      } else count[v]++
    }
    for (let r = from; r < to; r++) {
      const t = rows[r]
      const v = values[t]
      const m = count[v]
      if (m === 1) continue
      if (m > 1) {
        starts[k++] = len
        place[v] = len
        len += m
        count[v] = 0
      }
      out[place[v]++] = t
    }
  }
  starts[k] = len
  return { rows: out.slice(0, len), starts: starts.slice(0, k + 1), size: len }
}
