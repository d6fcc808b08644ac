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
  return n > 1 ? { rows: Int32Array.from({ length: n }, (_, i) => i), starts: Int32Array.of(0, n), size: n } : { rows: new Int32Array(0), starts: Int32Array.of(0), size: 0 }
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

/** π_Y · π_Z with a probe table (TANE's product), in time linear in ||π_Y|| + ||π_Z||. */
export function product(a: Partition, b: Partition, probe: Int32Array): Partition {
  const ac = classCount(a)
  for (let i = 0; i < ac; i++) for (let r = a.starts[i]; r < a.starts[i + 1]; r++) probe[a.rows[r]] = i
  // count[i]: how many rows of the current class of b fall in class i of a; -1 once their
  // class in the product has a place (at pos[i]).
  const count = new Int32Array(ac)
  const pos = new Int32Array(ac)
  const cap = Math.min(a.size, b.size)
  const out = new Int32Array(cap)
  const starts = new Int32Array((cap >> 1) + 1)
  let len = 0
  let k = 0
  const bc = classCount(b)
  for (let c = 0; c < bc; c++) {
    const s = b.starts[c]
    const e = b.starts[c + 1]
    for (let r = s; r < e; r++) {
      const i = probe[b.rows[r]]
      if (i !== -1) count[i]++
    }
    for (let r = s; r < e; r++) {
      const t = b.rows[r]
      const i = probe[t]
      if (i === -1) continue
      const m = count[i]
      if (m === 1) continue
      if (m > 1) {
        starts[k++] = len
        pos[i] = len
        len += m
        count[i] = -1
      }
      out[pos[i]++] = t
    }
    for (let r = s; r < e; r++) {
      const i = probe[b.rows[r]]
      if (i !== -1) count[i] = 0
    }
  }
  starts[k] = len
  for (let r = 0; r < a.size; r++) probe[a.rows[r]] = -1
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
