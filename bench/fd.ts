// npm run bench -- fd [--max-rows=1000000]
// TANE on generated tables of 10-20 columns and 10,000-1,000,000 rows: time and memory as rows
// and columns grow, against a brute-force baseline (distinct counts over every column subset)
// run in this process on the tables it can finish. Then the searches the app picks past TANE's
// reach: sampled agree sets on tall tables of 15+ columns, all agree sets on wide short ones.
// First, a table of the `letter` benchmark's shape: the app's choice against brute force.
import type { Cell } from '../src-shared/values'
import { tane } from '../src-main/normalize/tane'
import { agreeSetDependencies } from '../src-main/normalize/fdep'
import { sampledDependencies } from '../src-main/normalize/hyfd'
import { argValue, report } from './bench-lib'
import { discover } from '../src-main/normalize/diagnose'
import { bruteForceFds, letterShaped, popcount } from './fd-letter'

const MAX_ROWS = argValue('max-rows', 1_000_000)
const BASELINE_BUDGET_MS = argValue('baseline-budget', 60_000)

function rng(seed: number) {
  let s = seed >>> 0
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32
}

/** Columns of varied cardinality, with planted dependencies every few columns. */
function table(m: number, n: number, seed = 7): Cell[][] {
  const r = rng(seed)
  const card = Array.from({ length: m }, (_, i) => [3, 10, 50, 200, 1000, 5000][i % 6])
  const rows: Cell[][] = new Array(n)
  for (let i = 0; i < n; i++) {
    const row: Cell[] = new Array(m)
    for (let c = 0; c < m; c++) {
      if (c % 5 === 4 && c >= 2)
        row[c] = ((row[c - 2] as number) * 31 + (row[c - 3] as number)) % card[c] // planted: (c-3, c-2) -> c
      else if (c % 5 === 2 && c >= 1)
        row[c] = ((row[c - 1] as number) * 7) % card[c] // planted: c-1 -> c
      else row[c] = Math.floor(r() * card[c])
    }
    rows[i] = row
  }
  return rows
}

/** Brute force: distinct counts of every subset; X -> A when |X| = |X ∪ A| and no subset of X does it. */
function baseline(rows: Cell[][], m: number, deadline: number): number | null {
  const counts = new Map<number, number>()
  const count = (x: number) => {
    let c = counts.get(x)
    if (c !== undefined) return c
    const seen = new Set<string>()
    for (const row of rows) {
      let k = ''
      for (let i = 0; i < m; i++) if (x & (1 << i)) k += `${row[i]}\u0001`
      seen.add(k)
    }
    c = seen.size
    counts.set(x, c)
    return c
  }
  let found = 0
  const minimal: number[][] = Array.from({ length: m }, () => [])
  for (let size = 0; size < m; size++) {
    for (let x = 0; x < 1 << m; x++) {
      if (popcount(x) !== size) continue
      if (Date.now() > deadline) return null
      for (let a = 0; a < m; a++) {
        if (x & (1 << a) || minimal[a].some((f) => (f & x) === f)) continue
        if (count(x) === count(x | (1 << a))) {
          minimal[a].push(x)
          found++
        }
      }
    }
  }
  return found
}

/** The JS heap plus typed arrays' buffers (partitions live there), in bytes. */
function memNow(): number {
  const m = process.memoryUsage()
  return m.heapUsed + m.arrayBuffers
}

/**
 * Peak memory above `before`, sampled at each step a search reports (a lattice level, a round).
 * `before` is taken after a collection has settled: a dead typed array's memory is given back by
 * a sweeper after the collection, and counted in `before` it made later figures read 0.
 */
async function peakTracker() {
  global.gc?.()
  await new Promise((r) => setTimeout(r, 100))
  global.gc?.()
  const before = memNow()
  let peak = 0
  return {
    sample: () => void (peak = Math.max(peak, memNow() - before)),
    mb: () => Math.max(peak, memNow() - before) / 1e6,
  }
}

async function measure(m: number, n: number) {
  const rows = table(m, n)
  const mem = await peakTracker()
  const t = performance.now()
  const r = tane(rows, m, { onProgress: mem.sample })
  const ms = performance.now() - t
  return { rows, ms, mem: mem.mb(), fds: r.dependencies.length }
}

async function main() {
  console.log(
    'columns x rows: TANE time, peak memory (heap and typed arrays, per lattice level), minimal FDs; baseline',
  )
  const results: Record<string, number> = {}
  await letter()
  // Warm the code up first, so the smallest table (the base of the growth ratio) is not timed cold.
  for (let i = 0; i < 3; i++) tane(table(10, 5_000, 3), 10)
  for (const [m, n] of [
    [10, 10_000],
    [10, 100_000],
    [10, 1_000_000],
    [15, 10_000],
    [15, 100_000],
    [20, 10_000],
    [20, 100_000],
  ] as const) {
    if (n > MAX_ROWS) continue
    const { rows, ms, mem, fds } = await measure(m, n)
    results[`${m}x${n}`] = ms
    let line = `${m} x ${n.toLocaleString('en-US')}: ${ms.toFixed(0)} ms, ${mem.toFixed(0)} MB, ${fds} FDs`
    report(`fd.tane.${m}cols.${n}rows.ms`, ms, 'ms')
    report(`fd.tane.${m}cols.${n}rows.memory_mb`, mem, 'MB')
    if (n <= 10_000) {
      const t = performance.now()
      const found = baseline(rows, m, Date.now() + BASELINE_BUDGET_MS)
      const bms = performance.now() - t
      if (found === null) line += `; baseline did not finish in ${BASELINE_BUDGET_MS / 1000} s`
      else {
        if (found !== fds) throw new Error(`baseline found ${found} FDs, TANE ${fds}`)
        line += `; baseline ${bms.toFixed(0)} ms (same ${found} FDs)`
        report(`fd.${m}cols.${n}rows.vs_bruteforce`, ms / bms, 'x', m >= 15 ? 0.1 : undefined)
      }
    }
    console.log(line)
  }
  if (results['10x10000'] && results['10x1000000'])
    report('fd.rows_growth.10cols.1m_vs_10k', results['10x1000000'] / results['10x10000'], 'x', 100)

  // The sampled search on the same tall tables: the app's fallback where TANE's partitions would
  // pass their memory budget (and its choice past 30 columns).
  console.log('tall tables: the sampled agree-set search, validated on every row')
  for (const [m, n] of [
    [15, 10_000],
    [20, 10_000],
    [15, 100_000],
    [20, 100_000],
  ] as const) {
    if (n > MAX_ROWS) continue
    const rows = table(m, n)
    const tracker = await peakTracker()
    const t = performance.now()
    const fds = sampledDependencies(rows, m, { onProgress: tracker.sample }).length
    const ms = performance.now() - t
    const mem = tracker.mb()
    report(`fd.sampled.${m}cols.${n}rows.ms`, ms, 'ms')
    report(`fd.sampled.${m}cols.${n}rows.memory_mb`, mem, 'MB')
    const tms = results[`${m}x${n}`]
    if (tms) report(`fd.sampled.${m}cols.${n}rows.vs_tane`, ms / tms, 'x')
    console.log(
      `${m} x ${n.toLocaleString('en-US')}: ${ms.toFixed(0)} ms, ${mem.toFixed(0)} MB, ${fds} FDs${tms ? ` (TANE ${tms.toFixed(0)} ms)` : ''}`,
    )
  }

  // Wide tables with few rows (the shape of the literature's hepatitis, horse, plista, flight):
  // the agree-set search the app picks for them, against TANE where TANE can run at all.
  console.log('wide tables, few rows: agree sets against TANE')
  for (const [m, n] of [
    [20, 300],
    [25, 500],
    [30, 1000],
    [40, 200],
  ] as const) {
    const rows = table(m, n, 11)
    let t = performance.now()
    const fds = agreeSetDependencies(rows, m).length
    const ms = performance.now() - t
    report(`fd.agree_sets.${m}cols.${n}rows.ms`, ms, 'ms')
    if (m > 30) {
      console.log(`${m} x ${n}: agree sets ${ms.toFixed(0)} ms, ${fds} FDs; TANE stops at 30 columns`)
      continue
    }
    t = performance.now()
    const tfds = tane(rows, m).dependencies.length
    const tms = performance.now() - t
    if (tfds !== fds) throw new Error(`agree sets found ${fds} FDs, TANE ${tfds}`)
    console.log(`${m} x ${n}: agree sets ${ms.toFixed(0)} ms, TANE ${tms.toFixed(0)} ms (same ${fds} FDs)`)
    report(`fd.agree_sets.${m}cols.${n}rows.vs_tane`, ms / tms, 'x')
  }
}

/**
 * The `letter` shape (20,000 rows x 17 columns of small integers, dependencies the data makes
 * true; see ./fd-letter.ts): the app's own choice of search, as the Normalize view runs it,
 * against the brute force over every column subset, in this run.
 */
async function letter() {
  const rows = letterShaped()
  const columns = Array.from({ length: 17 }, (_, i) => `c${i}`)
  const mem = await peakTracker()
  let t = performance.now()
  const result = discover(columns, rows, { onProgress: mem.sample })
  const ms = performance.now() - t
  const { algorithm } = result
  const found = result.fds.length
  const mb = mem.mb()
  t = performance.now()
  const brute = bruteForceFds(rows, 17)
  const bms = performance.now() - t
  if (brute !== found) throw new Error(`letter: brute force found ${brute} FDs, the app's search ${found}`)
  console.log(
    `letter-shaped 17 x 20,000: ${algorithm} ${ms.toFixed(0)} ms, peak ${mb.toFixed(0)} MB, ${found} FDs; brute force over all 2^17 subsets ${bms.toFixed(0)} ms (same FDs)`,
  )
  report('fd.letter.ms', ms, 'ms')
  report('fd.letter.bruteforce.ms', bms, 'ms')
  report('fd.letter.vs_bruteforce', ms / bms, 'x', 0.1)
  report('fd.letter.memory_mb', mb, 'MB', 500)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
