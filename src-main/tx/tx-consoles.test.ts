import { describe, expect, it } from 'vitest'
import type { ConnectionConfig } from '../../src-shared/connection'
import type { EventPayload } from '../../src-shared/contract'
import { EventBus } from '../bridge/event-bus'
import { openDriver } from '../db/open-driver'
import { freshPgDatabase, sqliteConfig } from '../test-support/databases'
import { TxConsoles } from './tx-consoles'
import { parseSpec } from './isolation-spec'
import { runSpec } from './spec-runner'

describe.each(['postgres', 'sqlite'] as const)('the transaction console on %s', (engine) => {
  it('shows a wait at once, attributed to the pane holding the lock, while the other panes stay usable', async () => {
    const config: ConnectionConfig = engine === 'sqlite' ? sqliteConfig() : await freshPgDatabase()
    const admin = await openDriver(config)
    await admin.query('CREATE TABLE acct (id integer PRIMARY KEY, balance integer)')
    await admin.query('INSERT INTO acct VALUES (1, 100)')
    await admin.close()
    const events = new EventBus()
    const steps: EventPayload<'onTxStep'>[] = []
    events.subscribe((e, p) => e === 'onTxStep' && steps.push(p as EventPayload<'onTxStep'>))
    const consoles = new TxConsoles(events)
    const id = await consoles.open({ ...config, create: false } as ConnectionConfig, 3)
    const done = (entry: number) => expect.poll(() => steps.some((s) => s.entry.id === entry && s.entry.finishedAt !== null), { timeout: 5000 }).toBe(true)
    await done(consoles.run(id, 'A', engine === 'sqlite' ? 'BEGIN IMMEDIATE' : 'BEGIN'))
    await done(consoles.run(id, 'A', 'UPDATE acct SET balance = balance - 10 WHERE id = 1'))
    const started = Date.now()
    const waiting = consoles.run(id, 'B', 'UPDATE acct SET balance = balance + 10 WHERE id = 1')
    await expect.poll(() => steps.find((s) => s.entry.id === waiting && s.entry.waitStartedAt !== null)?.entry.waitedOn, { timeout: 3000 }).toEqual(['A'])
    const reportedAfter = steps.find((s) => s.entry.id === waiting && s.entry.waitStartedAt !== null)!
    expect(Date.now() - started).toBeLessThan(2000)
    expect(reportedAfter.panes.find((p) => p.id === 'B')?.state).toBe('waiting')
    // Pane C still answers while B waits.
    const c = consoles.run(id, 'C', 'SELECT balance FROM acct')
    await done(c)
    expect(steps.find((s) => s.entry.id === c && s.entry.finishedAt)?.entry.outcome?.result?.rows).toEqual([[100]])
    await done(consoles.run(id, 'A', 'COMMIT'))
    await done(waiting)
    const b = steps.find((s) => s.entry.id === waiting && s.entry.finishedAt)!.entry
    expect(b.outcome?.error).toBeNull()
    expect(b.outcome?.waitedMs).toBeGreaterThan(0)
    await consoles.closeAll()
  })

  it('BEGIN READ ONLY (and DEFERRABLE) where the engine has it; SQLite says what to do instead', async () => {
    const config: ConnectionConfig = engine === 'sqlite' ? sqliteConfig() : await freshPgDatabase()
    const admin = await openDriver(config)
    await admin.query('CREATE TABLE acct (id integer PRIMARY KEY, balance integer)')
    await admin.close()
    const events = new EventBus()
    const steps: EventPayload<'onTxStep'>[] = []
    events.subscribe((e, p) => e === 'onTxStep' && steps.push(p as EventPayload<'onTxStep'>))
    const consoles = new TxConsoles(events)
    const id = await consoles.open({ ...config, create: false } as ConnectionConfig, 1)
    const outcome = async (entry: number) => {
      await expect.poll(() => steps.some((s) => s.entry.id === entry && s.entry.finishedAt !== null), { timeout: 5000 }).toBe(true)
      return steps.find((s) => s.entry.id === entry && s.entry.finishedAt !== null)!.entry
    }
    if (engine === 'sqlite') {
      expect(() => consoles.run(id, 'A', 'BEGIN', 'DEFERRED', { readOnly: true })).toThrow(/no READ ONLY/)
    } else {
      const begin = await outcome(consoles.run(id, 'A', 'BEGIN', 'SERIALIZABLE', { readOnly: true, deferrable: true }))
      expect(begin.sql).toBe('BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE')
      const write = await outcome(consoles.run(id, 'A', 'INSERT INTO acct VALUES (1, 1)'))
      expect(write.outcome?.error?.sqlstate).toBe('25006')
    }
    await consoles.closeAll()
  })

  it('a console session saved as a spec runs again with the same interleaving and the same wait', async () => {
    const config: ConnectionConfig = engine === 'sqlite' ? sqliteConfig() : await freshPgDatabase()
    const admin = await openDriver(config)
    await admin.query('CREATE TABLE acct (id integer PRIMARY KEY, balance integer)')
    await admin.query('INSERT INTO acct VALUES (1, 100)')
    await admin.close()
    const events = new EventBus()
    const steps: EventPayload<'onTxStep'>[] = []
    events.subscribe((e, p) => e === 'onTxStep' && steps.push(p as EventPayload<'onTxStep'>))
    const consoles = new TxConsoles(events)
    const cfg = { ...config, create: false } as ConnectionConfig
    const id = await consoles.open(cfg, 2)
    const finished = (entry: number) => expect.poll(() => steps.some((s) => s.entry.id === entry && s.entry.finishedAt !== null), { timeout: 5000 }).toBe(true)
    const waits = (entry: number) => expect.poll(() => steps.some((s) => s.entry.id === entry && s.entry.waitStartedAt !== null), { timeout: 5000 }).toBe(true)
    await finished(consoles.run(id, 'A', engine === 'sqlite' ? 'BEGIN IMMEDIATE' : 'BEGIN'))
    await finished(consoles.run(id, 'A', 'UPDATE acct SET balance = 90 WHERE id = 1'))
    const blocked = consoles.run(id, 'B', 'UPDATE acct SET balance = 80 WHERE id = 1')
    await waits(blocked)
    await finished(consoles.run(id, 'A', 'COMMIT'))
    await finished(blocked)
    const { spec, script } = consoles.exportConsole(id)
    await consoles.closeAll()
    expect(script).toMatch(/-- pane B at \+[\d.]+ s, waited on a lock: ok\nUPDATE acct SET balance = 80 WHERE id = 1;/)
    const parsed = parseSpec(spec)
    expect(parsed.sessions.map((x) => [x.name, x.steps.map((st) => st.name)])).toEqual([['A', ['a1', 'a2', 'a3']], ['B', ['b1']]])
    expect(parsed.permutations).toEqual([['a1', 'a2', 'b1', 'a3']])
    const out: string[] = []
    await runSpec(cfg, parsed, (l) => out.push(l))
    expect(out.join('\n')).toMatch(/step b1: UPDATE acct SET balance = 80 WHERE id = 1; <waiting \.\.\.>[\s\S]*step a3: COMMIT;[\s\S]*step b1: <\.\.\. completed>/)
  })
})
