import { beforeAll, describe, expect, it } from 'vitest'
import type { ConnectionConfig } from '../../src-shared/connection'
import { freshPgDatabase, sqliteConfig } from '../test-support/databases'
import type { EventPayload } from '../../src-shared/contract'
import type { StepOutcome } from '../../src-shared/tx'
import { EventBus } from '../events/event-bus'
import { openDriver } from '../db/open-driver'
import { formatSpec, parseSpec } from './isolation-spec'
import { judge, runScenario, scenarioSpec, scratchRows } from './scenario-runner'
import { TxConsoles } from './tx-consoles'
import { scenario } from './scenarios'

describe('isolation scenarios on PostgreSQL', () => {
  let pg: ConnectionConfig
  beforeAll(async () => {
    pg = await freshPgDatabase()
  })
  const run = (id: string, level: string) => runScenario(pg, scenario(id), level)

  it('READ COMMITTED shows non-repeatable read and lost update', async () => {
    expect((await run('non-repeatable-read', 'READ COMMITTED')).verdict).toBe('anomaly observed')
    const lost = await run('lost-update', 'READ COMMITTED')
    expect(lost.verdict).toBe('anomaly observed')
    expect(lost.steps[5].waitedMs).toBeGreaterThan(0) // T2's UPDATE waited for T1
    expect(lost.steps[5].waitedOn).toEqual(['T1'])
  })

  it('REPEATABLE READ prevents them; the lost update becomes a serialization failure', async () => {
    expect((await run('non-repeatable-read', 'REPEATABLE READ')).verdict).toBe('prevented')
    const lost = await run('lost-update', 'REPEATABLE READ')
    expect(lost.verdict).toBe('prevented by aborting')
    expect(lost.steps[5].error).toMatchObject({ code: 'SERIALIZATION_FAILURE', sqlstate: '40001' })
    expect(lost.steps[7].note).toMatch(/answered COMMIT with ROLLBACK/)
    expect(lost.steps[5].state).toBe('failed')
  })

  it('REPEATABLE READ allows write skew; SERIALIZABLE aborts it', async () => {
    expect((await run('write-skew', 'REPEATABLE READ')).verdict).toBe('anomaly observed')
    const ser = await run('write-skew', 'SERIALIZABLE')
    expect(ser.verdict).toBe('prevented by aborting')
    expect(ser.steps.find((s) => s.error)?.error?.sqlstate).toBe('40001')
  })

  it('a scenario stepped through a console as a spec reaches the same verdict as the runner', async () => {
    const events = new EventBus()
    const done = new Map<number, StepOutcome>()
    const waiting = new Set<number>()
    events.subscribe((e, p) => {
      if (e !== 'onTxStep') return
      const { entry } = p as EventPayload<'onTxStep'>
      if (entry.outcome) done.set(entry.id, entry.outcome)
      if (entry.waitStartedAt) waiting.add(entry.id)
    })
    const consoles = new TxConsoles(events)
    const id = await consoles.open(pg, 2)
    const driver = await openDriver(pg)
    const spec = parseSpec(formatSpec(scenarioSpec(scenario('lost-update'), driver.dialect, 'READ COMMITTED')))
    await driver.close()
    expect(spec.sessions.map((x) => x.name)).toEqual(['T1', 'T2'])
    await consoles.runAdmin(id, spec.setup)
    const paneOf = new Map(
      spec.sessions.flatMap((x, i) => x.steps.map((st) => [st.name, { pane: 'AB'[i], sql: st.sql }] as const)),
    )
    const entries: number[] = []
    for (const name of spec.permutations[0]) {
      const { pane, sql } = paneOf.get(name)!
      await expect
        .poll(() => consoles.snapshot(id).panes.find((p) => p.id === pane)?.busy, { timeout: 5000 })
        .toBe(false)
      const e = consoles.run(id, pane, sql)
      entries.push(e)
      await expect.poll(() => done.has(e) || waiting.has(e), { timeout: 5000 }).toBe(true)
    }
    await expect.poll(() => entries.every((e) => done.has(e)), { timeout: 5000 }).toBe(true)
    const steps = entries.map((e) => ({ ...done.get(e)!, pane: done.get(e)!.pane === 'A' ? 'T1' : 'T2' }))
    const verdict = judge(scenario('lost-update'), 'READ COMMITTED', steps, await scratchRows(pg))
    await consoles.runAdmin(id, spec.teardown)
    await consoles.closeAll()
    expect(verdict.verdict).toBe('anomaly observed')
    expect(steps[5].waitedMs).toBeGreaterThan(0)
  })

  it('never shows a dirty read, even at READ UNCOMMITTED', async () => {
    expect((await run('dirty-read', 'READ UNCOMMITTED')).verdict).toBe('prevented')
  })

  it('reports a deadlock on the victim', async () => {
    const r = await run('deadlock', 'READ COMMITTED')
    expect(r.verdict).toBe('prevented by aborting')
    const victims = r.steps.filter((s) => s.error?.code === 'DEADLOCK')
    expect(victims).toHaveLength(1)
    expect(victims[0].error?.sqlstate).toBe('40P01')
  })
})

describe('isolation scenarios on SQLite', () => {
  let lite: ConnectionConfig
  beforeAll(() => {
    lite = sqliteConfig()
  })

  it('serializes writers: lost update and write skew end in SQLITE_BUSY', async () => {
    for (const id of ['lost-update', 'write-skew']) {
      const r = await runScenario(lite, scenario(id), 'DEFERRED')
      expect(r.verdict).toBe('prevented by aborting')
      const busy = r.steps.find((s) => s.error)
      expect(busy?.error?.code).toBe('BUSY')
      expect(busy?.note).toMatch(/keeps the transaction open/)
    }
  })

  it('prevents a non-repeatable read by making the writer wait', async () => {
    const r = await runScenario(lite, scenario('non-repeatable-read'), 'DEFERRED')
    expect(r.verdict).toBe('prevented by blocking')
    // T2's COMMIT waited while T1 held its read lock (rollback-journal mode).
    expect(r.steps[4].waitedMs).toBeGreaterThan(0)
  })

  it('BEGIN IMMEDIATE serializes at BEGIN', async () => {
    const r = await runScenario(lite, scenario('lost-update'), 'IMMEDIATE')
    expect(r.steps[1].waitedMs).toBeGreaterThan(0)
    expect(r.verdict).toBe('prevented by blocking')
  })
})

describe('the isolation matrix', () => {
  it('runs every scenario at every level on SQLite and draws the table', async () => {
    const { runMatrix, formatMatrix } = await import('./matrix')
    const m = await runMatrix(sqliteConfig())
    expect(m.levels).toEqual(['DEFERRED', 'IMMEDIATE', 'EXCLUSIVE'])
    // SQLite between connections is serializable: no anomaly anywhere.
    for (const l of m.levels) for (const s of m.scenarios) expect(m.runs[l][s.id].verdict).not.toBe('anomaly observed')
    expect(formatMatrix(m)).toMatch(/DEFERRED .*\| (aborted|blocked|ok)/)
  }, 120_000)
})
