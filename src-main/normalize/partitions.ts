import type { Cell } from '../../src-shared/values'

/**
 * A stripped partition: the classes of row indices that agree on some attributes, without the
 * single-row classes. `size` is the number of rows in the classes (||π||).
 */
export interface Partition {
  classes: Int32Array[]
  size: number
}

export function errorCount(p: Partition): number {
  return p.size - p.classes.length
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
  const groups = new Map<unknown, number[]>()
  for (let i = 0; i < rows.length; i++) {
    const v = rows[i][col]
    if (v === null && !nullsEqual) continue
    const key = cellKey(v)
    const g = groups.get(key)
    if (g) g.push(i)
    else groups.set(key, [i])
  }
  const classes: Int32Array[] = []
  let size = 0
  for (const g of groups.values()) if (g.length > 1) {
    classes.push(Int32Array.from(g))
    size += g.length
  }
  return { classes, size }
}

/** π_Y · π_Z with a probe table (TANE's product), in time linear in ||π_Y|| + ||π_Z||. */
export function product(a: Partition, b: Partition, probe: Int32Array): Partition {
  const buckets: number[][] = new Array(a.classes.length)
  for (let i = 0; i < a.classes.length; i++) {
    for (const t of a.classes[i]) probe[t] = i
    buckets[i] = []
  }
  const classes: Int32Array[] = []
  let size = 0
  for (const c of b.classes) {
    for (const t of c) if (probe[t] !== -1) buckets[probe[t]].push(t)
    for (const t of c) {
      const i = probe[t]
      if (i === -1) continue
      const bucket = buckets[i]
      if (bucket.length > 1) {
        classes.push(Int32Array.from(bucket))
        size += bucket.length
      }
      bucket.length = 0
    }
  }
  for (const c of a.classes) for (const t of c) probe[t] = -1
  return { classes, size }
}

/**
 * g3 of Y → A: the share of rows to remove for the dependency to hold, from π_Y and π_{Y∪A}
 * (for approximate dependencies on dirty data).
 */
export function g3(py: Partition, pya: Partition, n: number, probe: Int32Array): number {
  if (n === 0) return 0
  // For each class of Y∪A remember its size on one of its rows.
  for (const c of pya.classes) probe[c[0]] = c.length
  let removed = 0
  for (const c of py.classes) {
    let biggest = 1
    for (const t of c) if (probe[t] > biggest) biggest = probe[t]
    removed += c.length - biggest
  }
  for (const c of pya.classes) probe[c[0]] = -1
  return removed / n
}
