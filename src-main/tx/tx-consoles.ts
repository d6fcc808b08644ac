import { randomUUID } from 'node:crypto'
import { AppError } from '../../src-shared/errors'
import type { ConnectionConfig } from '../../src-shared/connection'
import type { PaneState, StepOutcome } from '../../src-shared/tx'
import type { EventBus } from '../events/event-bus'
import type { BeginOptions } from '../db/dialect'
import type { Driver } from '../db/driver'
import { engineRoles, openDriver } from '../db/open-driver'
import { ENGINE_LIST, ENGINES } from '../../src-shared/engines'
import { attribution } from './scenario-runner'
import { TxPane } from './tx-pane'
import type { ConsoleLocks, MvccView } from '../../src-shared/tx'
import { timelineToScript, timelineToSpec } from './console-spec'
import { formatSpec } from './isolation-spec'
import { splitStatements } from '../../src-shared/sql-split'
import type { QueueState } from '../../src-shared/tx'
import type { MethodInput } from '../../src-shared/contract'
import { ConsoleQueue, type QueueHost } from './console-queue'
import { probeFor, StepEngine } from './step-engine'
import { judge, scratchRows } from './scenario-runner'
import { scenario } from './scenarios'
import { captureFor, type CapturedWrite } from './history/console-capture'
import type { TableKeys } from './history/console-history'
import { checkConsole } from './console-check'
import type { ConsoleHistoryCheck } from '../../src-shared/tx'

type QueueCommand = MethodInput<'tx.queue'>

export interface TimelineEntry {
  id: number
  pane: string
  sql: string
  startedAt: number
  /** When it started to wait on a lock, and on which panes. */
  waitStartedAt: number | null
  waitedOn: string[]
  finishedAt: number | null
  outcome: StepOutcome | null
}

interface Console {
  config: ConnectionConfig
  /** The engine's journal mode (SQLite), read when the first pane connects; null where there is none. */
  journalMode: string | null
  panes: Map<string, TxPane>
  timeline: TimelineEntry[]
  next: number
  /** The step engine the queue sends through (its PostgreSQL probe has a connection of its own). */
  engine: Promise<{ engine: StepEngine; close: () => Promise<void> }> | null
  queue: ConsoleQueue | null
  /** What each write step left (its rows), by timeline entry, for the session's history. */
  writes: Map<number, CapturedWrite>
  /** The tables' keys as the last history check read them (a table dropped since keeps its). */
  tables: Map<string, TableKeys>
}

const NAMES = ['A', 'B', 'C', 'D']

/**
 * Interactive transaction consoles: up to four panes, each its own connection, statements run
 * without waiting for each other, and a shared timeline of every step with its waits.
 */
export class TxConsoles {
  private consoles = new Map<string, Console>()

  constructor(private readonly events: EventBus) {}

  async open(config: ConnectionConfig, panes = 2): Promise<string> {
    const id = randomUUID()
    const c: Console = {
      config,
      journalMode: null,
      panes: new Map(),
      timeline: [],
      next: 1,
      engine: null,
      queue: null,
      writes: new Map(),
      tables: new Map(),
    }
    this.consoles.set(id, c)
    for (let i = 0; i < panes; i++) await this.addPane(id)
    return id
  }

  configOf(id: string): ConnectionConfig {
    return this.get(id).config
  }

  private get(id: string): Console {
    const c = this.consoles.get(id)
    if (!c) throw new AppError('NOT_FOUND', 'This console is closed')
    return c
  }

  async addPane(id: string): Promise<string> {
    const c = this.get(id)
    const name = NAMES.find((n) => !c.panes.has(n))
    if (!name) throw new AppError('BAD_REQUEST', 'A console has at most four panes')
    const driver: Driver = await openDriver(c.config, `console pane ${name}`)
    if (c.panes.size === 0) c.journalMode = await driver.dialect.journalMode(driver)
    c.panes.set(name, this.attach(id, c, name, driver))
    this.events.emit('onTxPanes', { consoleId: id, panes: this.paneStates(c) })
    return name
  }

  private attach(id: string, c: Console, name: string, driver: Driver): TxPane {
    const pane = new TxPane(name, driver, (driver as Driver & { backendPid?: number }).backendPid ?? null)
    pane.onWait((p, w) => {
      const entry = [...c.timeline].reverse().find((e) => e.pane === p.id && e.finishedAt === null)
      if (!entry) return
      if (w.waiting) {
        entry.waitStartedAt ??= w.since
        entry.waitedOn = attribution([...c.panes.values()], p)
      }
      this.emit(id, entry)
    })
    return pane
  }

  /**
   * A pane whose connection dropped (or that should start over) gets a fresh connection under
   * the same name; its old transaction, if the server still had it, is rolled back.
   */
  async reconnectPane(id: string, pane: string): Promise<void> {
    const c = this.get(id)
    const old = c.panes.get(pane)
    if (!old) throw new AppError('NOT_FOUND', `No pane ${pane}`)
    if (old.busy) throw new AppError('BAD_REQUEST', `Pane ${pane} is still running a statement: cancel it or wait`)
    const driver: Driver = await openDriver(c.config, `console pane ${pane}`)
    if (c.panes.get(pane) !== old) {
      await driver.close()
      throw new AppError('NOT_FOUND', `Pane ${pane} was removed while reconnecting`)
    }
    c.panes.set(pane, this.attach(id, c, pane, driver))
    await old.driver.query('ROLLBACK').catch(() => {})
    await old.close().catch(() => {})
    this.events.emit('onTxPanes', { consoleId: id, panes: this.paneStates(c) })
  }

  async removePane(id: string, pane: string): Promise<void> {
    const c = this.get(id)
    const p = c.panes.get(pane)
    if (!p) return
    c.panes.delete(pane)
    await p.driver.query('ROLLBACK').catch(() => {})
    await p.close()
    this.events.emit('onTxPanes', { consoleId: id, panes: this.paneStates(c) })
  }

  private paneStates(c: Console) {
    return [...c.panes.values()].map((p) => ({
      id: p.id,
      state: p.state as PaneState,
      busy: p.busy,
      engine: p.driver.dialect.name,
      levels: [...p.driver.dialect.isolationLevels],
      lock: c.journalMode === null ? null : p.sqliteLock(c.journalMode),
      journalMode: c.journalMode,
    }))
  }

  private emit(id: string, entry: TimelineEntry) {
    const c = this.consoles.get(id)
    if (!c) return
    this.events.emit('onTxStep', {
      consoleId: id,
      entry: { ...entry, waitedOn: [...entry.waitedOn] },
      panes: this.paneStates(c),
    })
  }

  /** Start a statement on a pane; the answer comes as onTxStep events, waits included. */
  run(id: string, pane: string, text: string, level?: string, options: BeginOptions = {}): number {
    return this.start(id, this.get(id), pane, text, level, options).entry
  }

  private start(
    id: string,
    c: Console,
    pane: string,
    text: string,
    level?: string,
    options: BeginOptions = {},
  ): { entry: number; done: Promise<StepOutcome> } {
    const p = c.panes.get(pane)
    if (!p) throw new AppError('NOT_FOUND', `No pane ${pane}`)
    if (p.busy) throw new AppError('BAD_REQUEST', `Pane ${pane} is still running its previous statement`)
    const sql =
      /^\s*BEGIN\s*;?\s*$/i.test(text) && (level || options.readOnly || options.deferrable)
        ? p.driver.dialect.beginSql(level, options)
        : text
    const entry: TimelineEntry = {
      id: c.next++,
      pane,
      sql,
      startedAt: Date.now(),
      waitStartedAt: null,
      waitedOn: [],
      finishedAt: null,
      outcome: null,
    }
    c.timeline.push(entry)
    // A write is sent so that its rows come back for the history; the pane shows it as typed.
    const capture = captureFor(sql, p.driver.dialect)
    const done = p
      .run(capture?.sql ?? sql, () => attribution([...c.panes.values()], p))
      .then(async (ran) => {
        let o = ran
        // A statement the engine will not take RETURNING on (SQLite's virtual tables) runs again
        // as typed where a failed statement leaves the transaction usable (SQLite, MariaDB);
        // PostgreSQL takes RETURNING * on every table and updatable view.
        const refused = capture && ran.error && /RETURNING/i.test(ran.error.message)
        if (refused && !p.driver.dialect.capabilities.errorAbortsTransaction)
          o = await p.run(sql, () => attribution([...c.panes.values()], p))
        else if (capture) {
          const { outcome, write } = await capture.finish(ran, p.driver)
          o = outcome
          if (write) c.writes.set(entry.id, write)
        }
        entry.finishedAt = Date.now()
        entry.outcome = o
        if (o.waitedOn.length) entry.waitedOn = o.waitedOn
        this.emit(id, entry)
        return o
      })
    this.emit(id, entry)
    return { entry: entry.id, done }
  }

  private engineOf(c: Console): Promise<StepEngine> {
    c.engine ??= probeFor(c.config, c.journalMode).then(({ probe, close }) => ({
      engine: new StepEngine(() => [...c.panes.values()], probe),
      close,
    }))
    return c.engine.then((e) => e.engine)
  }

  private queueHost(id: string, c: Console): QueueHost {
    return {
      panes: () => c.panes,
      addPane: () => this.addPane(id),
      start: (pane, sql) => this.start(id, c, pane, sql),
      engine: () => this.engineOf(c),
      runAdmin: (statements) => this.runAdmin(id, statements),
      checkHistory: (entries) => this.checkHistory(id, entries),
      judge: async (scenarioId, level, steps) => judge(scenario(scenarioId), level, steps, await scratchRows(c.config)),
      emit: (queue) => c.queue && this.events.emit('onTxQueue', { consoleId: id, queue }),
    }
  }

  /** The console's step queue: see ./console-queue.ts. Long work (run all) answers at once and reports as onTxQueue. */
  async queue(id: string, cmd: QueueCommand): Promise<QueueState | null> {
    const c = this.get(id)
    const q = c.queue
    const busy = () => {
      if (q?.state.busy) throw new AppError('BAD_REQUEST', 'The queue is running: stop it first')
    }
    switch (cmd.action) {
      case 'load':
        busy()
        c.queue = await ConsoleQueue.fromSpec(this.queueHost(id, c), cmd.title, cmd.text, cmd.scenario ?? null)
        break
      case 'replay': {
        busy()
        const steps = c.timeline
          .filter((e) => c.panes.has(e.pane))
          .map((e) => ({ pane: e.pane, sql: e.sql, label: `#${e.id}` }))
        if (!steps.length) throw new AppError('BAD_REQUEST', 'Nothing to replay yet')
        c.queue = ConsoleQueue.replay(this.queueHost(id, c), steps)
        await c.queue.rollbackPanes()
        break
      }
      case 'close':
        busy()
        c.queue = null
        this.events.emit('onTxQueue', { consoleId: id, queue: null })
        return null
      default: {
        if (!q) throw new AppError('BAD_REQUEST', 'No steps are loaded: open a spec or replay the timeline')
        if (cmd.action === 'permutation') q.choosePermutation(cmd.index)
        else if (cmd.action === 'next') {
          busy()
          await q.next()
        } else if (cmd.action === 'all') void q.runAll()
        else if (cmd.action === 'stop') q.stop()
        else await q.finish()
      }
    }
    const state = c.queue?.state ?? null
    this.events.emit('onTxQueue', { consoleId: id, queue: state })
    return state
  }

  /** The console's timeline as an isolation tester spec and as a commented SQL script. */
  exportConsole(id: string): { spec: string; script: string } {
    const c = this.get(id)
    const done = c.timeline.filter((e) => e.outcome !== null || e.finishedAt === null)
    return {
      spec: formatSpec(timelineToSpec(done)),
      script: timelineToScript(done, `Schemist transaction console, ${new Date().toISOString()}`),
    }
  }

  /** The session so far, checked for anomalies (./console-check.ts). */
  async checkHistory(id: string, entries?: number[]): Promise<ConsoleHistoryCheck> {
    const c = this.get(id)
    const only = entries ? new Set(entries) : null
    const steps = c.timeline.flatMap((e) =>
      e.outcome && (!only || only.has(e.id)) ? [{ id: e.id, pane: e.pane, sql: e.sql, outcome: e.outcome }] : [],
    )
    if (!steps.length) throw new AppError('BAD_REQUEST', 'Nothing has run in this console yet')
    return checkConsole(c.config, steps, c.writes, c.tables)
  }

  /** Setup or teardown statements (a spec's), on a connection of their own, outside the panes. */
  async runAdmin(id: string, statements: string[]): Promise<void> {
    const c = this.get(id)
    const d = await openDriver(c.config)
    try {
      for (const block of statements) for (const st of splitStatements(block)) await d.query(st.text)
    } finally {
      await d.close()
    }
  }

  /** What a pane's snapshot sees of a table's row versions (PostgreSQL), read in its own transaction. */
  async rowVersions(id: string, pane: string, table: { schema: string | null; name: string }): Promise<MvccView> {
    const p = this.get(id).panes.get(pane)
    if (!p) throw new AppError('NOT_FOUND', `No pane ${pane}`)
    if (p.busy)
      throw new AppError(
        'BAD_REQUEST',
        `Pane ${pane} is running a statement (or waiting on a lock); look again when it is done`,
      )
    if (p.state === 'failed')
      throw new AppError('BAD_REQUEST', `Pane ${pane}'s transaction failed: nothing can be read in it until ROLLBACK`)
    const read = engineRoles(p.driver.dialect.name).rowVersions
    if (!read) {
      const which = ENGINE_LIST.filter((e) => e.capabilities.rowVersions).map((e) => e.label)
      throw new AppError(
        'UNSUPPORTED',
        `${ENGINES[p.driver.dialect.name].label} keeps one version of each row, guarded by locks; row versions (xmin, xmax, ctid) are ${which.join(' and ')}'s`,
      )
    }
    return read(p.driver, table)
  }

  /** The locks each pane's transaction holds and waits for (engines that can list them: InnoDB). */
  async locks(id: string): Promise<ConsoleLocks> {
    const c = this.get(id)
    const engine = c.config.engine
    const read = engineRoles(engine).heldLocks
    if (!read) {
      const which = ENGINE_LIST.filter((e) => e.capabilities.heldLocks).map((e) => e.label)
      throw new AppError(
        'UNSUPPORTED',
        `${ENGINES[engine].label} does not list the locks each transaction holds; the lock view is ${which.join(' and ')}'s (a wait still names its holder here)`,
      )
    }
    const panes = [...c.panes.values()]
    const { locks, note } = await read(
      c.config,
      panes.map((p) => p.driver),
    )
    return { panes: panes.map((p, i) => ({ pane: p.id, locks: locks[i] })), note }
  }

  snapshot(id: string) {
    const c = this.get(id)
    return { panes: this.paneStates(c), timeline: c.timeline }
  }

  async close(id: string) {
    const c = this.consoles.get(id)
    if (!c) return
    this.consoles.delete(id)
    c.queue?.stop()
    if (c.engine) void c.engine.then((e) => e.close()).catch(() => {})
    for (const p of c.panes.values()) {
      await p.driver.query('ROLLBACK').catch(() => {})
      void p.close()
    }
  }

  async closeAll() {
    await Promise.all([...this.consoles.keys()].map((k) => this.close(k)))
  }
}
