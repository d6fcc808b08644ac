import { describe, expect, it } from 'vitest'
import { freshPgDatabase, tempSqlitePath } from '../../test-support/databases'
import { checkHistory, type History } from './checker'
import { runWorkload, versionChains } from './workload'

// Anomalies found by experiment (bounded to seconds): concurrent read-then-write transactions on
// a few rows, their history checked.
describe('the workload generator finds what each level allows', () => {
  it('PostgreSQL READ COMMITTED: a lost update (G-single)', async () => {
    const r = await runWorkload(await freshPgDatabase(), {
      level: 'READ COMMITTED',
      clients: 4,
      txns: 300,
      keys: 2,
      timeMs: 8000,
      seed: 1,
    })
    expect(r.committed).toBeGreaterThan(100)
    expect(r.check.anomalies.map((a) => a.name)).toContain('G-single')
    const lost = r.check.anomalies.find((a) => a.name === 'G-single')!
    // The smallest witness: two transactions, a write-write and an anti-dependency on one row.
    expect(lost.cycle).toHaveLength(2)
  }, 30_000)

  it('PostgreSQL REPEATABLE READ: no lost update, but write skew (G2-item)', async () => {
    const r = await runWorkload(await freshPgDatabase(), {
      level: 'REPEATABLE READ',
      clients: 4,
      txns: 400,
      keys: 2,
      timeMs: 10_000,
      seed: 2,
    })
    const names = r.check.anomalies.map((a) => a.name)
    expect(names).not.toContain('G-single')
    expect(names).not.toContain('G1c')
    expect(names).toContain('G2-item')
    // Every written row's version order came from the server (what each UPDATE overwrote).
    expect(Object.keys(r.history.versionOrder ?? {}).sort()).toEqual(['1', '2'])
  }, 30_000)

  it('PostgreSQL SERIALIZABLE: nothing, at the price of aborts', async () => {
    const r = await runWorkload(await freshPgDatabase(), {
      level: 'SERIALIZABLE',
      clients: 4,
      txns: 300,
      keys: 2,
      timeMs: 8000,
      seed: 3,
    })
    expect(r.check.anomalies).toEqual([])
    expect(r.check.serializable).toBe(true)
    expect(r.aborted).toBeGreaterThan(0)
  }, 30_000)

  it('SQLite: one writer at a time, nothing', async () => {
    const r = await runWorkload(
      { engine: 'sqlite', path: tempSqlitePath(), create: true, readOnly: false },
      { level: null, clients: 3, txns: 150, keys: 2, timeMs: 8000, seed: 4 },
    )
    expect(r.check.anomalies).toEqual([])
    expect(r.committed).toBeGreaterThan(20)
  }, 30_000)
})

describe('version order read from what each write overwrote', () => {
  // Seen on a busy CI machine: T2 read T1's write of row 2 and then wrote row 2 itself, but T1's
  // COMMIT reply arrived after T2's, so in reply order T2 "committed" first. Ordered by replies,
  // the history shows a G1c cycle that never happened; ordered by what each UPDATE overwrote, it
  // is serial.
  const history: History = {
    initial: { '2': 0 },
    txns: [
      {
        id: 'T1',
        status: 'committed',
        commit: 2,
        ops: [
          { kind: 'r', key: '2', value: 0 },
          { kind: 'w', key: '2', value: 1 },
        ],
      },
      {
        id: 'T2',
        status: 'committed',
        commit: 1,
        ops: [
          { kind: 'r', key: '2', value: 1 },
          { kind: 'w', key: '2', value: 2 },
        ],
      },
    ],
  }
  it('reply order alone invents a cycle', () => {
    expect(checkHistory(history).anomalies.map((a) => a.name)).toContain('G1c')
  })
  it('the chain of overwritten values gives the true order, and no anomaly', () => {
    const overwrote = new Map([
      ['T1', { key: '2', prev: 0 }],
      ['T2', { key: '2', prev: 1 }],
    ])
    const order = versionChains(history.txns, history.initial, overwrote)
    expect(order).toEqual({ '2': ['T1', 'T2'] })
    const r = checkHistory({ ...history, versionOrder: order })
    expect(r.anomalies).toEqual([])
    expect(r.serializable).toBe(true)
  })
  it('a broken chain leaves the key to commit order', () => {
    const overwrote = new Map([
      ['T1', { key: '2', prev: 0 }],
      ['T2', { key: '2', prev: 7 }],
    ])
    expect(versionChains(history.txns, history.initial, overwrote)).toEqual({})
  })
})
