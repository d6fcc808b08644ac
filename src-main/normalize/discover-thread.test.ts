import { describe, expect, it } from 'vitest'
import type { Cell } from '../../src-shared/values'
import { discover } from './diagnose'
import { CancelToken, discoverOffThread } from './discover-thread'

/** Deterministic rows: column 1 follows column 0, the others are noise. */
function table(rows: number, cols: number): { columns: string[]; rows: Cell[][] } {
  let x = 7
  const rnd = () => (x = (x * 1103515245 + 12345) % 2147483648) % 50
  return {
    columns: Array.from({ length: cols }, (_, i) => `c${i}`),
    rows: Array.from({ length: rows }, () => {
      const a = rnd()
      return [a, a * 2, ...Array.from({ length: cols - 2 }, rnd)]
    }),
  }
}

describe('discovery on a worker thread', () => {
  it('finds what discovery in this thread finds, and reports each lattice level', async () => {
    const t = table(400, 6)
    const levels: number[] = []
    const off = await discoverOffThread(t.columns, t.rows, { nullsEqual: true, maxError: 0 }, (level) =>
      levels.push(level),
    )
    const inline = discover(t.columns, t.rows, { nullsEqual: true, maxError: 0 })
    expect(off).toEqual(inline)
    expect(off.fds.some((f) => f.lhs.join() === 'c0' && f.rhs === 'c1')).toBe(true)
    expect(levels.length).toBeGreaterThan(1)
    expect(levels).toEqual([...levels].sort((a, b) => a - b))
  })

  it('stops when cancelled, and says so', async () => {
    const t = table(20_000, 18)
    const token = new CancelToken()
    const started = Date.now()
    // Cancelled at the first step it reports (a lattice level, or a round of the sampled search).
    const run = discoverOffThread(
      t.columns,
      t.rows,
      { nullsEqual: true, maxError: 0 },
      (level) => level >= 1 && token.cancel(),
      token,
    )
    await expect(run).rejects.toMatchObject({ code: 'CANCELLED' })
    expect(Date.now() - started).toBeLessThan(20_000)
    await expect(
      discoverOffThread(t.columns, t.rows, { nullsEqual: true, maxError: 0 }, undefined, token),
    ).rejects.toMatchObject({ code: 'CANCELLED' })
  })
})
