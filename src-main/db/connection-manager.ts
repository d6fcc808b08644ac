import { randomUUID } from 'node:crypto'
import { AppError } from '../../src-shared/errors'
import type { ConnectionConfig, OpenConnection } from '../../src-shared/connection'
import { fileOf } from '../../src-shared/engines'
import type { QueryResult } from '../../src-shared/query'
import type { EventBus } from '../events/event-bus'
import type { Driver } from './driver'
import { openDriver } from './open-driver'

interface Entry {
  info: OpenConnection
  driver: Driver
  config: ConnectionConfig
  /** Why the connection dropped, until it is reconnected. The handle, and so the tabs, stay. */
  lost: string | null
}

/** Open connections by handle, and which handle runs which cancellable query. */
export class ConnectionManager {
  private open = new Map<string, Entry>()
  private running = new Map<string, string>()

  constructor(private readonly events: EventBus) {}

  async openConfig(config: ConnectionConfig, meta: { name: string; savedId: string | null }): Promise<OpenConnection> {
    const driver = await openDriver(config, `the query tabs of ${meta.name}`)
    const handle = randomUUID()
    const info: OpenConnection = {
      handle,
      savedId: meta.savedId,
      name: meta.name,
      engine: config.engine,
      database: driver.database,
      serverVersion: driver.serverVersion,
      readOnly: driver.readOnly,
    }
    const entry: Entry = { info, driver, config, lost: null }
    this.watch(handle, entry)
    this.open.set(handle, entry)
    this.events.log('info', 'connection', `Opened ${meta.name} (${driver.serverVersion}) as ${handle}`)
    return info
  }

  private watch(handle: string, entry: Entry) {
    const driver = entry.driver
    driver.onLost((message) => {
      // A driver replaced by reconnect, or a handle closed meanwhile, is no news.
      if (this.open.get(handle) !== entry || entry.driver !== driver) return
      entry.lost = message
      this.events.emit('onConnectionLost', { handle, message })
      this.events.log('warn', 'connection', `${entry.info.name}: ${message}`)
    })
    driver.onWait((w) =>
      this.events.emit('onLockWait', {
        handle,
        queryId: w.queryId,
        waiting: w.waiting,
        since: w.since,
        blockedBy: (w.blockedBy ?? []).map(String),
        holders: w.holders ?? [],
      }),
    )
  }

  /**
   * A fresh connection under the same handle, so open tabs and their pending edits go on where
   * they were. Whatever the old connection had not committed is gone (the server rolled it back).
   */
  async reconnect(handle: string): Promise<OpenConnection> {
    const e = this.open.get(handle)
    if (!e) throw new AppError('NOT_FOUND', 'This connection is closed; open it again')
    // A SQLite file that went away is not quietly made again, empty.
    const driver = await openDriver(this.config(handle), `the query tabs of ${e.info.name}`)
    if (this.open.get(handle) !== e) {
      await driver.close()
      throw new AppError('NOT_FOUND', 'This connection was closed while reconnecting')
    }
    const old = e.driver
    e.driver = driver
    e.lost = null
    e.info = { ...e.info, serverVersion: driver.serverVersion, database: driver.database, readOnly: driver.readOnly }
    this.watch(handle, e)
    // The old driver is closed before this returns (a dropped one fails fast), so nothing of it
    // is still going on when the caller carries on; never waited on for more than a second.
    let timer: NodeJS.Timeout | undefined
    await Promise.race([old.close().catch(() => {}), new Promise<void>((r) => (timer = setTimeout(r, 1000)))])
    clearTimeout(timer)
    this.events.log('info', 'connection', `Reconnected ${e.info.name} (${driver.serverVersion})`)
    return e.info
  }

  /** Connect once to check a config; returns the server version. */
  async test(config: ConnectionConfig): Promise<{ serverVersion: string; database: string }> {
    const driver = await openDriver(config)
    try {
      return { serverVersion: driver.serverVersion, database: driver.database }
    } finally {
      await driver.close()
    }
  }

  driver(handle: string): Driver {
    const e = this.open.get(handle)
    if (!e) throw new AppError('NOT_FOUND', 'This connection is closed; open it again')
    if (e.lost)
      throw new AppError(
        'CONNECTION_LOST',
        `The connection to ${e.info.name} was lost (${e.lost}). Reconnect it to go on: open tabs and pending edits are kept, work not committed before the loss is gone.`,
      )
    return e.driver
  }

  /**
   * Whether a transaction whose COMMIT was cut off took after all (Driver.commitStatus), asked on
   * a fresh connection: it works on a connection marked lost too, which is when it is needed.
   */
  async commitStatus(handle: string, xid: string): Promise<'committed' | 'aborted' | 'in progress' | null> {
    const e = this.open.get(handle)
    if (!e) throw new AppError('NOT_FOUND', 'This connection is closed; open it again')
    return e.driver.commitStatus ? e.driver.commitStatus(xid) : null
  }

  /** The config a handle was opened with, to open more connections to the same database. */
  config(handle: string): ConnectionConfig {
    const e = this.open.get(handle)
    if (!e) throw new AppError('NOT_FOUND', 'This connection is closed; open it again')
    // A file that is open exists: a second connection must never create one.
    return { ...e.config, ...(fileOf(e.config) !== null ? { create: false } : {}) } as ConnectionConfig
  }

  list(): OpenConnection[] {
    return [...this.open.values()].map((e) => (e.lost ? { ...e.info, lost: e.lost } : e.info))
  }

  async query(handle: string, sql: string, params: unknown[] = [], queryId?: string): Promise<QueryResult> {
    const driver = this.driver(handle)
    if (queryId) {
      this.running.set(queryId, handle)
      this.events.emit('onQueryProgress', { queryId, phase: 'started', at: Date.now() })
    }
    try {
      const r = await driver.query(sql, params, { queryId })
      if (queryId) this.events.emit('onQueryProgress', { queryId, phase: 'finished', at: Date.now() })
      return r
    } catch (e) {
      if (queryId) {
        const phase = e instanceof AppError && e.code === 'CANCELLED' ? 'cancelled' : 'failed'
        this.events.emit('onQueryProgress', { queryId, phase, at: Date.now() })
      }
      throw e
    } finally {
      if (queryId) this.running.delete(queryId)
    }
  }

  async cancel(queryId: string): Promise<boolean> {
    const handle = this.running.get(queryId)
    if (!handle) return false
    return this.driver(handle).cancel()
  }

  async close(handle: string): Promise<void> {
    const e = this.open.get(handle)
    if (!e) return
    this.open.delete(handle)
    // A connection that dropped has nothing left to close cleanly.
    if (e.lost) await e.driver.close().catch(() => {})
    else await e.driver.close()
  }

  /**
   * Closes a handle whose owner went away: whatever it runs is cancelled first (a statement
   * waiting on a lock, or a long one), then the connection is closed, which rolls back its
   * transaction and so frees its locks. Never waits longer than `deadlineMs`.
   */
  async release(handle: string, deadlineMs = 5000): Promise<void> {
    const e = this.open.get(handle)
    if (!e) return
    for (const [queryId, h] of this.running) if (h === handle) this.running.delete(queryId)
    const closing = (async () => {
      await e.driver.cancel().catch(() => false)
      await this.close(handle).catch(() => {})
    })()
    let timer: NodeJS.Timeout | undefined
    await Promise.race([closing, new Promise<void>((r) => (timer = setTimeout(r, deadlineMs)))])
    clearTimeout(timer)
    this.open.delete(handle)
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((h) => this.close(h)))
  }
}
