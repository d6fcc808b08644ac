// npm run bench -- fd [--max-rows=1000000]
// TANE on generated tables of 10-20 columns and 10,000-1,000,000 rows: time and memory as rows
// and columns grow, against a brute-force baseline (distinct counts over every column subset)
// run in this process on the tables it can finish.
import type { Cell } from '../src-shared/values'
import { tane } from '../src-main/normalize/tane'
import { argValue, report } from './bench-lib'

const MAX_ROWS = argValue('max-rows', 1_000_000)
const BASELINE_BUDGET_MS = argValue('baseline-budget', 60_000)

function rng(seed: number) {
  let s = seed >>> 0
  return () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32)
}

/** Columns of varied cardinality, with planted dependencies every few columns. */
function table(m: number, n: number, seed = 7): Cell[][] {
  const r = rng(seed)
  const card = Array.from({ length: m }, (_, i) => [3, 10, 50, 200, 1000, 5000][i % 6])
  const rows: Cell[][] = new Array(n)
  for (let i = 0; i < n; i++) {
    const row: Cell[] = new Array(m)
    for (let c = 0; c < m; c++) {
      if (c % 5 === 4 && c >= 2) row[c] = ((row[c - 2] as number) * 31 + (row[c - 3] as number)) % card[c] // planted: (c-3, c-2) -> c
      else if (c % 5 === 2 && c >= 1) row[c] = ((row[c - 1] as number) * 7) % card[c] // planted: c-1 -> c
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

function popcount(x: number) {
  let c = 0
  for (; x; x &= x - 1) c++
  return c
}

function measure(m: number, n: number) {
  const rows = table(m, n)
  global.gc?.()
  const before = process.memoryUsage().heapUsed
  const t = performance.now()
  const r = tane(rows, m)
  const ms = performance.now() - t
  const mem = Math.max(0, process.memoryUsage().heapUsed - before) / 1e6
  return { rows, ms, mem, fds: r.dependencies.length }
}

function main() {
  console.log('columns x rows: TANE time, heap growth, minimal FDs; baseline')
  const results: Record<string, number> = {}
  for (const [m, n] of [[10, 10_000], [10, 100_000], [10, 1_000_000], [15, 10_000], [15, 100_000], [20, 10_000], [20, 100_000]] as const) {
    if (n > MAX_ROWS) continue
    const { rows, ms, mem, fds } = measure(m, n)
    results[`${m}x${n}`] = ms
    let line = `${m} x ${n.toLocaleString('en-US')}: ${ms.toFixed(0)} ms, ${mem.toFixed(0)} MB, ${fds} FDs`
    report(`fd.tane.${m}cols.${n}rows.ms`, ms, 'ms')
    report(`fd.tane.${m}cols.${n}rows.heap_mb`, mem, 'MB')
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
  if (results['10x10000'] && results['10x1000000']) report('fd.rows_growth.10cols.1m_vs_10k', results['10x1000000'] / results['10x10000'], 'x', 100)
}

main()
