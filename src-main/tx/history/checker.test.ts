import { describe, expect, it } from 'vitest'
import { checkHistory, type History, type Op, type Txn } from './checker'

const r = (key: string, value: number | null): Op => ({ kind: 'r', key, value })
const w = (key: string, value: number | null): Op => ({ kind: 'w', key, value })
let commits = 0
const T = (id: string, ops: Op[], status: Txn['status'] = 'committed'): Txn => ({
  id,
  ops,
  status,
  commit: status === 'committed' ? ++commits : undefined,
})
const names = (h: History) => checkHistory(h).anomalies.map((a) => a.name)

describe('the history checker names each anomaly class by its smallest witness', () => {
  it('a serial history is serializable, with its order', () => {
    const h: History = {
      initial: { x: 0, y: 0 },
      txns: [T('T1', [r('x', 0), w('x', 1)]), T('T2', [r('x', 1), w('y', 2)]), T('T3', [r('y', 2), r('x', 1)])],
    }
    const c = checkHistory(h)
    expect(c.anomalies).toEqual([])
    expect(c.serializable).toBe(true)
    expect(c.serialOrder).toEqual(['T1', 'T2', 'T3'])
  })

  it('equivalent to a serial order other than the commit order: T2 -> T1', () => {
    // T1 reads x before T2 writes it, but commits later: T1 must come first... unless T1 read T2's value.
    const h: History = { initial: { x: 0 }, txns: [T('T2', [w('x', 5)]), T('T1', [r('x', 0)])] }
    expect(checkHistory(h).serialOrder).toEqual(['T1', 'T2'])
  })

  it('G0: a write cycle (x installed T1 then T2, y T2 then T1: dirty writes)', () => {
    const h: History = {
      initial: { x: 0, y: 0 },
      txns: [T('T1', [w('x', 1), w('y', 1)]), T('T2', [w('x', 2), w('y', 2)])],
      versionOrder: { x: ['T1', 'T2'], y: ['T2', 'T1'] },
    }
    const c = checkHistory(h)
    expect(c.anomalies.map((a) => a.name)).toEqual(['G0'])
    expect(c.anomalies[0].cycle.every((e) => e.kind === 'ww')).toBe(true)
    // By commit order alone the same writes are serializable.
    expect(checkHistory({ ...h, versionOrder: undefined }).serializable).toBe(true)
  })

  it('G1a: a read of an aborted write', () => {
    const h: History = { initial: { x: 0 }, txns: [T('T1', [w('x', 1)], 'aborted'), T('T2', [r('x', 1)])] }
    const c = checkHistory(h)
    expect(c.anomalies.map((a) => a.name)).toEqual(['G1a'])
    expect(c.anomalies[0].explanation).toMatch(/T2 read x = 1, written by T1, which aborted/)
  })

  it('G1b: a read of an intermediate write', () => {
    const h: History = { initial: { x: 0 }, txns: [T('T1', [w('x', 1), w('x', 2)]), T('T2', [r('x', 1)])] }
    expect(names(h)).toEqual(['G1b'])
  })

  it("G1c: circular information flow (each read the other's write)", () => {
    const h: History = {
      initial: { x: 0, y: 0 },
      txns: [T('T1', [w('x', 1), r('y', 2)]), T('T2', [w('y', 2), r('x', 1)])],
    }
    const c = checkHistory(h)
    expect(c.anomalies.map((a) => a.name)).toEqual(['G1c'])
    expect(c.anomalies[0].cycle.map((e) => e.kind).sort()).toEqual(['wr', 'wr'])
  })

  it('G-single: a lost update (both read x = 10, both write 11)', () => {
    const h: History = {
      initial: { x: 10 },
      txns: [T('T1', [r('x', 10), w('x', 11)]), T('T2', [r('x', 10), w('x', 11)])],
    }
    const c = checkHistory(h)
    expect(c.anomalies.map((a) => a.name)).toEqual(['G-single'])
    expect(c.anomalies[0].cycle.map((e) => `${e.from}-${e.kind}->${e.to}`).sort()).toEqual(['T1-ww->T2', 'T2-rw->T1'])
    expect(c.serializable).toBe(false)
  })

  it('G-single: read skew (T2 sees x before T1 and y after)', () => {
    const h: History = {
      initial: { x: 10, y: 20 },
      txns: [T('T1', [w('x', 11), w('y', 19)]), T('T2', [r('x', 10), r('y', 19)])],
    }
    expect(names(h)).toEqual(['G-single'])
  })

  it('G2-item: write skew (each read both, each wrote one)', () => {
    const h: History = {
      initial: { x: 10, y: 20 },
      txns: [T('T1', [r('x', 10), r('y', 20), w('x', 0)]), T('T2', [r('x', 10), r('y', 20), w('y', 0)])],
    }
    const c = checkHistory(h)
    expect(c.anomalies.map((a) => a.name)).toEqual(['G2-item'])
    expect(c.anomalies[0].cycle.every((e) => e.kind === 'rw')).toBe(true)
  })

  it('G2: an anti-dependency cycle over a predicate (each counted rows the other then inserted)', () => {
    const h: History = {
      initial: { a: 10, b: null, c: null },
      txns: [
        T('T1', [{ kind: 'pr', predicate: { op: '>', n: 5 }, seen: [['a', 10]] }, w('b', 30)]),
        T('T2', [{ kind: 'pr', predicate: { op: '>', n: 5 }, seen: [['a', 10]] }, w('c', 40)]),
      ],
    }
    const c = checkHistory(h)
    expect(c.anomalies.map((a) => a.name)).toEqual(['G2'])
    expect(c.anomalies[0].cycle.every((e) => e.kind === 'rw' && e.predicate)).toBe(true)
  })

  it('the read-only anomaly: two anti-dependencies and a dependency (Fekete et al.)', () => {
    const h: History = {
      initial: { x: 0, y: 0 },
      txns: [T('T2', [r('x', 0), r('y', 0), w('y', 20)]), T('T1', [w('x', 10)]), T('T3', [r('x', 10), r('y', 0)])],
    }
    const c = checkHistory(h)
    // T3 -rw-> T2 (y), T2 -rw-> T1 (x), T1 -wr-> T3 (x)
    expect(c.serializable).toBe(false)
    expect(c.anomalies.map((a) => a.name)).toEqual(['G2-item'])
    expect(c.anomalies[0].cycle).toHaveLength(3)
  })

  it('a read no one wrote is said, not explained away', () => {
    const c = checkHistory({ initial: { x: 0 }, txns: [T('T1', [r('x', 99)])] })
    expect(c.unexplained).toEqual([{ txn: 'T1', key: 'x', value: 99 }])
  })
})

describe('generated histories', () => {
  it('serial execution is serializable; snapshot isolation lets write skew through; read committed loses updates', async () => {
    const { simulatedHistory } = await import('./simulate')
    expect(checkHistory(simulatedHistory(2000, { mode: 'serial' })).serializable).toBe(true)
    const si = checkHistory(simulatedHistory(2000, { mode: 'snapshot', keys: 20, concurrency: 4 }))
    expect(si.serializable).toBe(false)
    // Snapshot isolation never shows G0, G1 or a lost update; its cycles have two anti-dependencies.
    expect(si.anomalies.map((a) => a.name)).toEqual(['G2-item'])
    const rc = checkHistory(simulatedHistory(2000, { mode: 'read-committed', keys: 20, concurrency: 4 }))
    expect(rc.anomalies.map((a) => a.name)).toContain('G-single')
  })
})
