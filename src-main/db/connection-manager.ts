import { randomUUID } from 'node:crypto'
import { AppError } from '../../src-shared/errors'
import type { ConnectionConfig, OpenConnection } from '../../src-shared/connection'
import type { QueryResult } from '../../src-shared/query'
import type { EventBus } from '../bridge/event-bus'
import type { Driver } from './driver'
import { openDriver } from './open-driver'

interface Entry {
  info: OpenConnection
  driver: Driver
  config: ConnectionConfig
}

/** Open connections by handle, and which handle runs which cancellable query. */
export class ConnectionManager {
  private open = new Map<string, Entry>()
  private running = new Map<string, string>()

  constructor(private readonly events: EventBus) {}

  async openConfig(config: ConnectionConfig, meta: { name: string; savedId: string | null }): Promise<OpenConnection> {
    const driver = await openDriver(config)
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
    driver.onLost((message) => {
      this.events.emit('onConnectionLost', { handle, message })
      this.events.log('warn', 'connection', `${meta.name}: ${message}`)
    })
    driver.onWait((w) => this.events.emit('onLockWait', { handle, queryId: w.queryId, waiting: w.waiting, since: w.since, blockedBy: (w.blockedBy ?? []).map(String) }))
    this.open.set(handle, { info, driver, config })
    this.events.log('info', 'connection', `Opened ${meta.name} (${driver.serverVersion})`)
    return info
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
    return e.driver
  }

  /** The config a handle was opened with, to open more connections to the same database. */
  config(handle: string): ConnectionConfig {
    const e = this.open.get(handle)
    if (!e) throw new AppError('NOT_FOUND', 'This connection is closed; open it again')
    return { ...e.config, ...(e.config.engine === 'sqlite' ? { create: false } : {}) } as ConnectionConfig
  }

  list(): OpenConnection[] {
    return [...this.open.values()].map((e) => e.info)
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
    await e.driver.close()
  }

  async closeAll(): Promise<void> {
    await Promise.all([...this.open.keys()].map((h) => this.close(h)))
  }
}
