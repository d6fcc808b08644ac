import { randomUUID } from 'node:crypto'
import { AppError } from '../../src-shared/errors'
import type { ConnectionConfig } from '../../src-shared/connection'
import type { PaneState, StepOutcome } from '../../src-shared/tx'
import type { EventBus } from '../bridge/event-bus'
import type { BeginOptions } from '../db/dialect'
import type { Driver } from '../db/driver'
import { openDriver } from '../db/open-driver'
import { attribution } from './scenario-runner'
import { TxPane } from './tx-pane'
import { rowVersions } from './mvcc'
import type { MvccView } from '../../src-shared/tx'
import { timelineToScript, timelineToSpec } from './console-spec'
import { formatSpec } from './isolation-spec'
import { splitStatements } from '../../src-shared/sql-split'

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
    const c: Console = { config, journalMode: null, panes: new Map(), timeline: [], next: 1 }
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
    this.events.emit('onTxStep', { consoleId: id, entry: { ...entry, waitedOn: [...entry.waitedOn] }, panes: this.paneStates(c) })
  }

  /** Start a statement on a pane; the answer comes as onTxStep events, waits included. */
  run(id: string, pane: string, text: string, level?: string, options: BeginOptions = {}): number {
    const c = this.get(id)
    const p = c.panes.get(pane)
    if (!p) throw new AppError('NOT_FOUND', `No pane ${pane}`)
    if (p.busy) throw new AppError('BAD_REQUEST', `Pane ${pane} is still running its previous statement`)
    const sql = /^\s*BEGIN\s*;?\s*$/i.test(text) && (level || options.readOnly || options.deferrable) ? p.driver.dialect.beginSql(level, options) : text
    const entry: TimelineEntry = { id: c.next++, pane, sql, startedAt: Date.now(), waitStartedAt: null, waitedOn: [], finishedAt: null, outcome: null }
    c.timeline.push(entry)
    void p.run(sql, () => attribution([...c.panes.values()], p)).then((o) => {
      entry.finishedAt = Date.now()
      entry.outcome = o
      if (o.waitedOn.length) entry.waitedOn = o.waitedOn
      this.emit(id, entry)
    })
    this.emit(id, entry)
    return entry.id
  }

  /** The console's timeline as an isolation tester spec and as a commented SQL script. */
  exportConsole(id: string): { spec: string; script: string } {
    const c = this.get(id)
    const done = c.timeline.filter((e) => e.outcome !== null || e.finishedAt === null)
    return { spec: formatSpec(timelineToSpec(done)), script: timelineToScript(done, `Schemist transaction console, ${new Date().toISOString()}`) }
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
    if (p.busy) throw new AppError('BAD_REQUEST', `Pane ${pane} is running a statement (or waiting on a lock); look again when it is done`)
    if (p.state === 'failed') throw new AppError('BAD_REQUEST', `Pane ${pane}'s transaction failed: nothing can be read in it until ROLLBACK`)
    return rowVersions(p.driver, table)
  }

  snapshot(id: string) {
    const c = this.get(id)
    return { panes: this.paneStates(c), timeline: c.timeline }
  }

  async close(id: string) {
    const c = this.consoles.get(id)
    if (!c) return
    this.consoles.delete(id)
    for (const p of c.panes.values()) {
      await p.driver.query('ROLLBACK').catch(() => {})
      void p.close()
    }
  }

  async closeAll() {
    await Promise.all([...this.consoles.keys()].map((k) => this.close(k)))
  }
}
