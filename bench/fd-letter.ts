import type { Cell } from '../src-shared/values'

/**
 * A table of the UCI `letter` data set's shape, made here (the data set ships in no package): 20,000
 * rows of 17 columns, a class of 26 letters and 16 attributes of small integers 0..15, measured
 * from the same glyph. As in the original, the attributes are noisy measurements of a few hidden
 * quantities (the glyph's box, its ink, its centre of mass, its edges), so they are correlated
 * with each other and with the class, and the dependencies that hold are the ones the data makes
 * true (a few attributes together single out a row), not planted ones: the kind of minimal
 * dependency, many with wide left sides, that makes `letter` a standard FD-discovery benchmark.
 */
export function letterShaped(rows = 20_000, seed = 20_000, spread = 0.35): Cell[][] {
  let s = seed >>> 0
  const r = () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32
  // Measurements close to their glyph's typical values (spread 0.35): many rows agree on many
  // columns, so the dependencies need wide left sides (6 to 12 columns), as in `letter`.
  const normal = () => {
    let u = 0
    while (u === 0) u = r()
    return spread * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r())
  }
  const clamp = (x: number) => Math.max(0, Math.min(15, Math.round(x)))
  // Each letter's typical glyph: 7 hidden quantities around which its measurements vary.
  const typical = Array.from({ length: 26 }, () => Array.from({ length: 7 }, () => 3 + r() * 9))
  const out: Cell[][] = new Array(rows)
  for (let i = 0; i < rows; i++) {
    const c = Math.floor(r() * 26)
    const [w, h, ink, cx, cy, ex, ey] = typical[c].map((m) => m + normal() * 1.6)
    const size = (w + h) / 2
    const row: Cell[] = [
      String.fromCharCode(65 + c),
      clamp(cx + normal() * 1.5), // x-box
      clamp(cy + normal() * 2.5), // y-box
      clamp(w + normal() * 0.8), // width
      clamp(h + normal() * 0.8), // high
      clamp(ink * 0.6 + size * 0.2 + normal()), // onpix
      clamp(cx + normal() * 0.9), // x-bar
      clamp(cy + normal() * 0.9), // y-bar
      clamp(w * 0.5 + ink * 0.3 + normal()), // x2bar
      clamp(h * 0.5 + ink * 0.3 + normal()), // y2bar
      clamp((cx + cy) / 2 + normal() * 1.2), // xybar
      clamp(ink * 0.4 + cx * 0.4 + normal()), // x2ybr
      clamp(ink * 0.4 + cy * 0.4 + normal()), // xy2br
      clamp(ex + normal() * 0.7), // x-ege
      clamp(ex * 0.5 + cy * 0.5 + normal()), // xegvy
      clamp(ey + normal() * 0.7), // y-ege
      clamp(ey * 0.5 + cx * 0.5 + normal()), // yegvx
    ]
    out[i] = row
  }
  return out
}

/**
 * The brute-force baseline for a table this size: the number of distinct rows of every one of
 * the 2^m column subsets (each refined from its parent's row groups in a depth-first walk, on
 * typed arrays, so only one path of groupings is held), then X -> A wherever |X| = |X ∪ A| and no
 * subset of X already gives A. No pruning at all: every subset is counted.
 */
export function bruteForceFds(rows: Cell[][], m: number): number {
  const n = rows.length
  // Each column's values as small integers.
  const cols: Int32Array[] = []
  const card: number[] = []
  for (let c = 0; c < m; c++) {
    const ids = new Map<Cell, number>()
    const v = new Int32Array(n)
    for (let i = 0; i < n; i++) {
      const x = rows[i][c]
      let id = ids.get(x)
      if (id === undefined) ids.set(x, (id = ids.size))
      v[i] = id
    }
    cols.push(v)
    card.push(ids.size)
  }
  const counts = new Int32Array(1 << m)
  const maxCard = Math.max(...card)
  const slots = n * maxCard
  const stamp = new Int32Array(slots)
  const newId = new Int32Array(slots)
  let epoch = 0
  const levels = Array.from({ length: m + 1 }, () => new Int32Array(n))
  const walk = (x: number, ids: Int32Array, from: number, depth: number) => {
    for (let b = from; b < m; b++) {
      const child = x | (1 << b)
      const out = levels[depth + 1]
      const v = cols[b]
      const k = card[b]
      epoch++
      let groups = 0
      for (let i = 0; i < n; i++) {
        const slot = ids[i] * k + v[i]
        if (stamp[slot] !== epoch) {
          stamp[slot] = epoch
          newId[slot] = groups++
        }
        out[i] = newId[slot]
      }
      counts[child] = groups
      walk(child, out, b + 1, depth + 1)
    }
  }
  counts[0] = n > 0 ? 1 : 0
  walk(0, levels[0], 0, 0)
  const bySize: number[][] = Array.from({ length: m + 1 }, () => [])
  for (let x = 0; x < 1 << m; x++) bySize[popcount(x)].push(x)
  const minimal: number[][] = Array.from({ length: m }, () => [])
  let found = 0
  for (const xs of bySize)
    for (const x of xs)
      for (let a = 0; a < m; a++) {
        if (x & (1 << a) || counts[x] !== counts[x | (1 << a)]) continue
        if (minimal[a].some((f) => (f & x) === f)) continue
        minimal[a].push(x)
        found++
      }
  return found
}

export function popcount(x: number) {
  let c = 0
  for (; x; x &= x - 1) c++
  return c
}
