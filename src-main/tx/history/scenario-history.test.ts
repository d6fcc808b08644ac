import { describe, expect, it } from 'vitest'
import { freshPgDatabase } from '../../test-support/databases'
import { runScenario } from '../scenario-runner'
import { scenario, SCENARIOS } from '../scenarios'

// Each scenario's recorded history, checked by the history checker, level by level on
// PostgreSQL: the names it gives are Hermitage's for PostgreSQL (anomalies at READ COMMITTED
// and REPEATABLE READ, none at SERIALIZABLE).
describe('scenario runs as histories, on PostgreSQL', () => {
  const found = async (id: string, level: string) => {
    const run = await runScenario(await freshPgDatabase(), scenario(id), level)
    return run.history!
  }

  it('READ COMMITTED: lost update, read skew and non-repeatable read are G-single; write skew G2-item; the phantom G2; no dirty read', async () => {
    for (const id of ['lost-update', 'read-skew', 'non-repeatable-read'])
      expect(
        (await found(id, 'READ COMMITTED')).anomalies.map((a) => a.name),
        id,
      ).toContain('G-single')
    const skew = await found('write-skew', 'READ COMMITTED')
    expect(skew.anomalies.map((a) => a.name)).toEqual(['G2-item'])
    expect(skew.anomalies[0].cycle.map((e) => e.kind)).toEqual(['rw', 'rw'])
    expect((await found('phantom', 'READ COMMITTED')).anomalies.map((a) => a.name)).toContain('G2')
    const dirty = await found('dirty-read', 'READ COMMITTED')
    expect(dirty.serializable).toBe(true)
  }, 60_000)

  it('REPEATABLE READ: write skew and the read-only anomaly (three transactions) remain; the lost update is gone', async () => {
    expect((await found('write-skew', 'REPEATABLE READ')).anomalies.map((a) => a.name)).toEqual(['G2-item'])
    const ro = await found('read-only-anomaly', 'REPEATABLE READ')
    expect(ro.anomalies.map((a) => a.name)).toEqual(['G2-item'])
    expect(ro.anomalies[0].txns).toHaveLength(3)
    expect((await found('lost-update', 'REPEATABLE READ')).serializable).toBe(true)
  }, 60_000)

  it('SERIALIZABLE: every scenario leaves a serializable history, with its serial order', async () => {
    for (const s of SCENARIOS) {
      const h = await found(s.id, 'SERIALIZABLE')
      expect(h.anomalies, s.id).toEqual([])
      expect(h.serialOrder!.length, s.id).toBeGreaterThan(0)
    }
  }, 120_000)
})
