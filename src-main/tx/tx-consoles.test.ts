import { describe, expect, it } from 'vitest'
import type { ConnectionConfig } from '../../src-shared/connection'
import { consoleOn } from '../test-support/console-fixture'
import { freshConfig, freshPgDatabase, TEST_ENGINES } from '../test-support/databases'
import { parseSpec } from './isolation-spec'
import { runSpec } from './spec-runner'
import type { EventPayload } from '../../src-shared/contract'
import type { QueueState } from '../../src-shared/tx'
import type { EventBus } from '../events/event-bus'
import { openDriver } from '../db/open-driver'
import { formatSpec } from './isolation-spec'
import { scenarioSpec } from './scenario-runner'
import { scenario } from './scenarios'

const ACCT = ['CREATE TABLE acct (id integer PRIMARY KEY, balance integer)', 'INSERT INTO acct VALUES (1, 100)']

describe.each(TEST_ENGINES)('the transaction console on %s', (engine) => {
  const database = (): Promise<ConnectionConfig> => freshConfig(engine)
  const beginWrite = engine === 'sqlite' ? 'BEGIN IMMEDIATE' : 'BEGIN'

  it('shows a wait at once, attributed to the pane holding the lock, while the other panes stay usable', async () => {
    const { consoles, id, steps, finished, run } = await consoleOn(await database(), ACCT, 3)
    await run('A', beginWrite)
    await run('A', 'UPDATE acct SET balance = balance - 10 WHERE id = 1')
    const started = Date.now()
    const waiting = consoles.run(id, 'B', 'UPDATE acct SET balance = balance + 10 WHERE id = 1')
    await expect
      .poll(() => steps.find((s) => s.entry.id === waiting && s.entry.waitStartedAt !== null)?.entry.waitedOn, {
        timeout: 3000,
      })
      .toEqual(['A'])
    const reportedAfter = steps.find((s) => s.entry.id === waiting && s.entry.waitStartedAt !== null)!
    expect(Date.now() - started).toBeLessThan(2000)
    expect(reportedAfter.panes.find((p) => p.id === 'B')?.state).toBe('waiting')
    // Pane C still answers while B waits.
    expect((await run('C', 'SELECT balance FROM acct')).outcome?.result?.rows).toEqual([[100]])
    await run('A', 'COMMIT')
    await finished(waiting)
    const b = steps.find((s) => s.entry.id === waiting && s.entry.finishedAt)!.entry
    expect(b.outcome?.error).toBeNull()
    expect(b.outcome?.waitedMs).toBeGreaterThan(0)
    await consoles.closeAll()
  })

  it('BEGIN READ ONLY (and DEFERRABLE) where the engine has it; SQLite says what to do instead', async () => {
    const { consoles, id, finished, outcome } = await consoleOn(await database(), ACCT.slice(0, 1), 1)
    if (engine === 'sqlite') {
      expect(() => consoles.run(id, 'A', 'BEGIN', 'DEFERRED', { readOnly: true })).toThrow(/no READ ONLY/)
    } else if (engine === 'mariadb') {
      // READ ONLY, but no DEFERRABLE: InnoDB has no safe snapshots to wait for.
      expect(() => consoles.run(id, 'A', 'BEGIN', 'SERIALIZABLE', { readOnly: true, deferrable: true })).toThrow(
        /no DEFERRABLE/,
      )
      const begin = consoles.run(id, 'A', 'BEGIN', 'SERIALIZABLE', { readOnly: true })
      await finished(begin)
      expect(outcome(begin).sql).toBe('SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; START TRANSACTION READ ONLY')
      const write = consoles.run(id, 'A', 'INSERT INTO acct VALUES (1, 1)')
      await finished(write)
      expect(outcome(write).outcome?.error?.code).toBe('READ_ONLY')
    } else {
      const begin = consoles.run(id, 'A', 'BEGIN', 'SERIALIZABLE', { readOnly: true, deferrable: true })
      await finished(begin)
      expect(outcome(begin).sql).toBe('BEGIN ISOLATION LEVEL SERIALIZABLE READ ONLY DEFERRABLE')
      const write = consoles.run(id, 'A', 'INSERT INTO acct VALUES (1, 1)')
      await finished(write)
      expect(outcome(write).outcome?.error?.sqlstate).toBe('25006')
    }
    await consoles.closeAll()
  })

  it('a console session saved as a spec runs again with the same interleaving and the same wait', async () => {
    const { consoles, id, cfg, finished, waits, run } = await consoleOn(await database(), ACCT)
    await run('A', beginWrite)
    await run('A', 'UPDATE acct SET balance = 90 WHERE id = 1')
    const blocked = consoles.run(id, 'B', 'UPDATE acct SET balance = 80 WHERE id = 1')
    await waits(blocked)
    await run('A', 'COMMIT')
    await finished(blocked)
    const { spec, script } = consoles.exportConsole(id)
    await consoles.closeAll()
    expect(script).toMatch(/-- pane B at \+[\d.]+ s, waited on a lock: ok\nUPDATE acct SET balance = 80 WHERE id = 1;/)
    const parsed = parseSpec(spec)
    expect(parsed.sessions.map((x) => [x.name, x.steps.map((st) => st.name)])).toEqual([
      ['A', ['a1', 'a2', 'a3']],
      ['B', ['b1']],
    ])
    expect(parsed.permutations).toEqual([['a1', 'a2', 'b1', 'a3']])
    const out: string[] = []
    await runSpec(cfg, parsed, (l) => out.push(l))
    expect(out.join('\n')).toMatch(
      /step b1: UPDATE acct SET balance = 80 WHERE id = 1; <waiting \.\.\.>[\s\S]*step a3: COMMIT;[\s\S]*step b1: <\.\.\. completed>/,
    )
  })
})

describe.each(TEST_ENGINES)('the console step queue on %s (one step engine in main)', (engine) => {
  const database = (): Promise<ConnectionConfig> => freshConfig(engine)
  const SPEC = `
setup { CREATE TABLE counter (id integer PRIMARY KEY, v integer); INSERT INTO counter VALUES (1, 0); }
teardown { DROP TABLE counter; }
session s1
step s1b { BEGIN; }
step s1u { UPDATE counter SET v = v + 1 WHERE id = 1; }
step s1c { COMMIT; }
session s2
step s2b { BEGIN; }
step s2u { UPDATE counter SET v = v + 10 WHERE id = 1; }
step s2r { SELECT v FROM counter WHERE id = 1; }
step s2c { COMMIT; }
permutation s1b s2b s1u s2u s1c s2r s2c
`

  it('runs all: a blocked step is left waiting, and the step a commit released completes before the next is sent', async () => {
    const { consoles, id, steps } = await consoleOn(await database(), [], 1)
    const states: (QueueState | null)[] = []
    const events = (consoles as unknown as { events: EventBus }).events
    events.subscribe((e, p) => e === 'onTxQueue' && states.push((p as EventPayload<'onTxQueue'>).queue))
    const loaded = await consoles.queue(id, {
      consoleId: id,
      action: 'load',
      title: 'counter',
      text: SPEC,
      scenario: null,
    })
    // The spec's second session got a pane of its own.
    expect(consoles.snapshot(id).panes.map((p) => p.id)).toEqual(['A', 'B'])
    expect(loaded?.steps.map((x) => `${x.pane}:${x.label}`)).toEqual([
      'A:s1b',
      'B:s2b',
      'A:s1u',
      'B:s2u',
      'A:s1c',
      'B:s2r',
      'B:s2c',
    ])
    expect(await consoles.queue(id, { consoleId: id, action: 'all' })).toMatchObject({ busy: 'all' })
    await expect.poll(() => states.at(-1)?.busy === null && states.at(-1)?.next, { timeout: 20_000 }).toBe(7)
    const entries = states.at(-1)!.entries.map((e) => [...steps].reverse().find((s) => s.entry.id === e)!.entry)
    const [, , , s2u, s1c, s2r] = entries
    expect(s2u.waitStartedAt).not.toBeNull()
    expect(s2u.waitedOn).toEqual(['A'])
    // MariaDB may deliver the released UPDATE's reply a moment before the COMMIT's (they come on
    // two connections): the order is the server's, the stamps are when the replies arrived.
    expect(s2u.finishedAt!).toBeGreaterThanOrEqual(s1c.finishedAt! - (engine === 'mariadb' ? 20 : 0))
    // isolationtester's rule: the released step completed before the next step was sent.
    expect(s2u.finishedAt!).toBeLessThanOrEqual(s2r.startedAt)
    expect(s2r.outcome?.result?.rows).toEqual([[11]])
    const done = await consoles.queue(id, { consoleId: id, action: 'finish' })
    expect(done).toMatchObject({ finished: true, message: 'Teardown done' })
    // Replay runs the timeline again, step by step, after rolling back open panes.
    const replay = await consoles.queue(id, { consoleId: id, action: 'replay' })
    expect(replay?.kind).toBe('replay')
    expect(replay?.steps.length).toBe(7)
    await consoles.queue(id, { consoleId: id, action: 'close' })
    await consoles.closeAll()
  })

  it('a scenario from the library stepped through the queue gets its verdict', async () => {
    const cfg = await database()
    const { consoles, id } = await consoleOn(cfg, [], 2)
    const d = await openDriver(cfg)
    const level = engine === 'sqlite' ? 'DEFERRED' : 'READ COMMITTED'
    const text = formatSpec(scenarioSpec(scenario('lost-update'), d.dialect, level))
    await d.close()
    await consoles.queue(id, {
      consoleId: id,
      action: 'load',
      title: 'Lost update',
      text,
      scenario: { id: 'lost-update', level },
    })
    // Every step (MariaDB's BEGIN steps run as two statements: SET TRANSACTION, then BEGIN).
    for (let i = 0; i < (engine === 'mariadb' ? 12 : 8); i++)
      await consoles.queue(id, { consoleId: id, action: 'next' })
    const judged = await consoles.queue(id, { consoleId: id, action: 'finish' })
    expect(judged?.verdict?.verdict).toBe(engine === 'sqlite' ? 'prevented by aborting' : 'anomaly observed')
    // The run as a history, checked before the teardown dropped the scratch table: the lost update's cycle.
    expect(judged?.history?.anomalies.map((a) => a.name)).toEqual(engine === 'sqlite' ? [] : ['G-single'])
    expect(judged?.history?.transactions.map((t) => t.id)).toEqual(['A', 'B'])
    await consoles.closeAll()
  })
})

describe('a pane whose connection drops (PostgreSQL)', () => {
  it('says the connection is lost, and a reconnected pane goes on under the same name without the lost work', async () => {
    const { consoles, id, cfg, run } = await consoleOn(await freshPgDatabase(), ACCT, 2)
    await run('A', 'BEGIN')
    await run('A', 'UPDATE acct SET balance = 0 WHERE id = 1')
    const killed = await run(
      'B',
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'UPDATE acct%'",
    )
    expect(killed.outcome?.error).toBeNull()
    const after = await run('A', 'SELECT balance FROM acct')
    expect(after.outcome?.error?.code).toBe('CONNECTION_LOST')
    expect(after.outcome?.error?.message).toMatch(/rolled back whatever it had not committed/)
    expect(after.outcome?.state).toBe('disconnected')
    expect(after.outcome?.note).toMatch(/Reconnect the pane/)
    await consoles.reconnectPane(id, 'A')
    expect(consoles.snapshot(id).panes.map((p) => [p.id, p.state])).toEqual([
      ['A', 'idle'],
      ['B', 'idle'],
    ])
    expect((await run('A', 'SELECT balance FROM acct')).outcome?.result?.rows).toEqual([[100]])
    await expect(consoles.reconnectPane(id, 'Z')).rejects.toMatchObject({ code: 'NOT_FOUND' })
    expect(cfg.engine).toBe('postgres')
    await consoles.closeAll()
  })
})
