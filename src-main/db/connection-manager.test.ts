import { afterEach, describe, expect, it } from 'vitest'
import type { ConnectionConfig } from '../../src-shared/connection'
import { EventBus } from '../events/event-bus'
import { freshPgDatabase, sqliteConfig } from '../test-support/databases'
import { ConnectionManager } from './connection-manager'
import { PostgresDriver } from './postgres/pg-driver'

/** Make the handle's connection drop as it would in the field: the server ends it, or the SQLite thread dies. */
async function dropConnection(cm: ConnectionManager, handle: string, config: ConnectionConfig) {
  const driver = cm.driver(handle)
  if (config.engine === 'postgres') {
    const admin = await PostgresDriver.open(config)
    try {
      await admin.query('SELECT pg_terminate_backend($1)', [(driver as PostgresDriver).backendPid])
    } finally {
      await admin.close()
    }
  } else await (driver as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate()
}

describe.each(['postgres', 'sqlite'] as const)('a connection that drops mid-transaction on %s', (engine) => {
  let cm: ConnectionManager | null = null
  afterEach(async () => {
    await cm?.closeAll()
    cm = null
  })

  it('says so once, refuses calls with a way out, and reconnects under the same handle without the uncommitted work', async () => {
    const config = engine === 'postgres' ? await freshPgDatabase() : sqliteConfig()
    const events = new EventBus()
    const lost: { handle: string; message: string }[] = []
    events.subscribe((name, p) => {
      if (name === 'onConnectionLost') lost.push(p as { handle: string; message: string })
    })
    cm = new ConnectionManager(events)
    const { handle } = await cm.openConfig(config, { name: 'Lab "db"', savedId: null })
    await cm.query(handle, 'CREATE TABLE t (id integer PRIMARY KEY, v text)')
    await cm.query(handle, "INSERT INTO t VALUES (1, 'committed')")
    await cm.query(handle, 'BEGIN')
    await cm.query(handle, "INSERT INTO t VALUES (2, 'in flight')")

    await dropConnection(cm, handle, config)
    // The next statement (or the event itself, whichever comes first) tells of the loss.
    await expect
      .poll(
        async () =>
          cm!.query(handle, 'SELECT 1').then(
            () => 'answered',
            (e) => e.code,
          ),
        { timeout: 5000 },
      )
      .toBe('CONNECTION_LOST')
    await expect.poll(() => lost.length, { timeout: 5000 }).toBe(1)
    expect(lost[0].handle).toBe(handle)
    expect(cm.list()).toEqual([expect.objectContaining({ handle, lost: lost[0].message })])
    expect(() => cm!.driver(handle)).toThrow(/connection to Lab "db" was lost .*Reconnect it/)

    const info = await cm.reconnect(handle)
    expect(info.handle).toBe(handle)
    expect(info.lost).toBeUndefined()
    expect(cm.list()[0].lost).toBeUndefined()
    // The server rolled the open transaction back; what was committed is there.
    expect((await cm.query(handle, 'SELECT id, v FROM t ORDER BY id')).rows).toEqual([[1, 'committed']])
    await cm.query(handle, "INSERT INTO t VALUES (3, 'after')")
    expect(Number((await cm.query(handle, 'SELECT count(*) FROM t')).rows[0][0])).toBe(2)
    // The old driver's end (closed before reconnect returned) is not news: no second event.
    expect(lost).toHaveLength(1)
  })

  it('a reconnect that cannot reach the database fails with the reason and leaves the handle as it was', async () => {
    if (engine === 'sqlite') {
      const path = sqliteConfig().path
      cm = new ConnectionManager(new EventBus())
      const { handle } = await cm.openConfig(
        { engine: 'sqlite', path, create: true, readOnly: false },
        { name: 'file', savedId: null },
      )
      await dropConnection(cm, handle, { engine: 'sqlite', path, create: true, readOnly: false })
      await expect.poll(() => cm!.list()[0].lost ?? null, { timeout: 5000 }).not.toBeNull()
      const { rmSync } = await import('node:fs')
      rmSync(path)
      // The saved config asks for an existing file now (create: false after the first open).
      await expect(cm.reconnect(handle)).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })
      expect(cm.list()[0].lost).toBeTruthy()
      return
    }
    const config = await freshPgDatabase()
    cm = new ConnectionManager(new EventBus())
    const { handle } = await cm.openConfig(config, { name: 'pg', savedId: null })
    await dropConnection(cm, handle, config)
    await expect.poll(() => cm!.list()[0].lost ?? null, { timeout: 5000 }).not.toBeNull()
    const admin = await PostgresDriver.open({ ...config, database: 'postgres' })
    try {
      await admin.query(`DROP DATABASE ${config.database}`)
    } finally {
      await admin.close()
    }
    await expect(cm.reconnect(handle)).rejects.toMatchObject({ code: 'DATABASE_NOT_FOUND' })
    expect(cm.list()[0].lost).toBeTruthy()
    expect(() => cm!.driver(handle)).toThrow(/Reconnect/)
  })
})
