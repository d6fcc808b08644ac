import { afterEach, describe, expect, it } from 'vitest'
import pg from 'pg'
import { EventBus } from '../events/event-bus'
import { ConnectionManager } from './connection-manager'
import { SqliteDriver } from './sqlite/sqlite-driver'
import { lockBook, type HolderInfo } from './lock-book'
import { freshConfig, freshPgDatabase, tempSqlitePath, TEST_ENGINES } from '../test-support/databases'
import type { ConnectionConfig } from '../../src-shared/connection'

// A lock wait or a "database is locked" names who holds the lock: the app's own connections by
// the names the user knows them by, other programs by what the server says of them; and the
// app's own holder can be rolled back from where the wait is shown.
describe.each(TEST_ENGINES)('lock holders named (%s)', (engine) => {
  const managers: ConnectionManager[] = []
  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.closeAll()))
  })

  it('a statement waiting on a lock is told the holder by name, and rolling the holder back lets it through', async () => {
    const events = new EventBus()
    const cm = new ConnectionManager(events)
    managers.push(cm)
    const config: ConnectionConfig = await freshConfig(engine)
    const a = (await cm.openConfig(config, { name: 'Shop', savedId: null })).handle
    const b = (await cm.openConfig(config, { name: 'Shop (second window)', savedId: null })).handle
    await cm.query(a, 'CREATE TABLE items (id integer PRIMARY KEY, qty integer)')
    await cm.query(a, 'INSERT INTO items VALUES (1, 5)')
    await cm.query(a, engine === 'sqlite' ? 'BEGIN IMMEDIATE' : 'BEGIN')
    await cm.query(a, 'UPDATE items SET qty = 4 WHERE id = 1')
    const waits: { holders: HolderInfo[] }[] = []
    events.subscribe((e, p) => {
      const w = p as { waiting: boolean; holders: HolderInfo[] }
      if (e === 'onLockWait' && w.waiting) waits.push(w)
    })
    const blocked = cm.query(b, 'UPDATE items SET qty = 3 WHERE id = 1', [], 'blocked-update')
    await expect.poll(() => waits.length, { timeout: 10_000 }).toBeGreaterThan(0)
    const holder = waits[0].holders[0]
    expect(holder).toMatchObject({
      label: 'the query tabs of Shop',
      lastStatement: 'UPDATE items SET qty = 4 WHERE id = 1',
    })
    expect(holder.since).toEqual(expect.any(Number))
    // Roll back the holder (what the "Roll back" button does), and the waiting update goes through.
    await lockBook.get(holder.id!)!.rollback()
    await expect(blocked).resolves.toMatchObject({ rowCount: 1 })
    expect((await cm.query(b, 'SELECT qty FROM items')).rows).toEqual([[3]])
  })
})

describe('lock holders named, outside the app', () => {
  const managers: ConnectionManager[] = []
  afterEach(async () => {
    await Promise.all(managers.splice(0).map((m) => m.closeAll()))
  })

  it('a PostgreSQL holder outside the app is named by what the server says of it', async () => {
    const events = new EventBus()
    const cm = new ConnectionManager(events)
    managers.push(cm)
    const config = await freshPgDatabase()
    const h = (await cm.openConfig(config, { name: 'Shop', savedId: null })).handle
    await cm.query(h, 'CREATE TABLE items (id integer PRIMARY KEY, qty integer)')
    await cm.query(h, 'INSERT INTO items VALUES (1, 5)')
    const other = new pg.Client({
      host: config.host,
      port: config.port,
      user: config.user,
      password: config.password,
      database: config.database,
      application_name: 'nightly-report',
    })
    await other.connect()
    try {
      await other.query('BEGIN')
      await other.query('UPDATE items SET qty = 0 WHERE id = 1')
      const waits: HolderInfo[][] = []
      events.subscribe(
        (e, p) =>
          e === 'onLockWait' &&
          (p as { waiting: boolean }).waiting &&
          waits.push((p as { holders: HolderInfo[] }).holders),
      )
      const blocked = cm.query(h, 'UPDATE items SET qty = 1 WHERE id = 1', [], 'q')
      await expect.poll(() => waits.length, { timeout: 10_000 }).toBeGreaterThan(0)
      expect(waits[0][0]).toMatchObject({
        id: null,
        label: expect.stringMatching(/^another program \(nightly-report\), server process \d+$/),
        lastStatement: 'UPDATE items SET qty = 0 WHERE id = 1',
      })
      await other.query('ROLLBACK')
      await blocked
    } finally {
      await other.end()
    }
  })

  it('SQLite\'s "database is locked" names the app\'s connection that holds the file', async () => {
    const path = tempSqlitePath()
    const a = await SqliteDriver.open({ engine: 'sqlite', path, create: true, readOnly: false })
    a.label = 'console pane A'
    const b = await SqliteDriver.open(
      { engine: 'sqlite', path, create: false, readOnly: false },
      { busyTimeoutMs: 150 },
    )
    try {
      await a.query('CREATE TABLE t (v text)')
      await a.query('BEGIN IMMEDIATE')
      await a.query("INSERT INTO t VALUES ('a')")
      const err = await b.query("INSERT INTO t VALUES ('b')").catch((e) => e)
      expect(err).toMatchObject({
        code: 'BUSY',
        message: expect.stringMatching(
          /Held by console pane A \(in a transaction for \d+ s; last: INSERT INTO t VALUES \('a'\)\)/,
        ),
      })
      expect(err.details.holders).toEqual([expect.objectContaining({ id: a.partyId, label: 'console pane A' })])
    } finally {
      await a.close()
      await b.close()
    }
  })
})
