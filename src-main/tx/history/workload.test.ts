import { describe, expect, it } from 'vitest'
import { freshPgDatabase, tempSqlitePath } from '../../test-support/databases'
import { runWorkload } from './workload'

// Anomalies found by experiment (bounded to seconds): concurrent read-then-write transactions on
// a few rows, their history checked.
describe('the workload generator finds what each level allows', () => {
  it('PostgreSQL READ COMMITTED: a lost update (G-single)', async () => {
    const r = await runWorkload(await freshPgDatabase(), { level: 'READ COMMITTED', clients: 4, txns: 300, keys: 2, timeMs: 8000, seed: 1 })
    expect(r.committed).toBeGreaterThan(100)
    expect(r.check.anomalies.map((a) => a.name)).toContain('G-single')
    const lost = r.check.anomalies.find((a) => a.name === 'G-single')!
    // The smallest witness: two transactions, a write-write and an anti-dependency on one row.
    expect(lost.cycle).toHaveLength(2)
  }, 30_000)

  it('PostgreSQL REPEATABLE READ: no lost update, but write skew (G2-item)', async () => {
    const r = await runWorkload(await freshPgDatabase(), { level: 'REPEATABLE READ', clients: 4, txns: 400, keys: 2, timeMs: 10_000, seed: 2 })
    const names = r.check.anomalies.map((a) => a.name)
    expect(names).not.toContain('G-single')
    expect(names).toContain('G2-item')
  }, 30_000)

  it('PostgreSQL SERIALIZABLE: nothing, at the price of aborts', async () => {
    const r = await runWorkload(await freshPgDatabase(), { level: 'SERIALIZABLE', clients: 4, txns: 300, keys: 2, timeMs: 8000, seed: 3 })
    expect(r.check.anomalies).toEqual([])
    expect(r.check.serializable).toBe(true)
    expect(r.aborted).toBeGreaterThan(0)
  }, 30_000)

  it('SQLite: one writer at a time, nothing', async () => {
    const r = await runWorkload({ engine: 'sqlite', path: tempSqlitePath(), create: true, readOnly: false }, { level: null, clients: 3, txns: 150, keys: 2, timeMs: 8000, seed: 4 })
    expect(r.check.anomalies).toEqual([])
    expect(r.committed).toBeGreaterThan(20)
  }, 30_000)
})
