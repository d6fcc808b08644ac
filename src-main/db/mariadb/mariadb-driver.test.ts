import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { MariadbConfig } from '../../../src-shared/connection'
import type { WaitEvent } from '../driver'
import { freePort } from '../free-port'
import { freshMariadbDatabase, mariadbMissing, sqliteConfig } from '../../test-support/databases'
import { loadSample } from '../../sample/load-sample'
import { openDriver } from '../open-driver'
import { MariadbDriver } from './mariadb-driver'
import type { DatabaseSchema } from '../../../src-shared/schema'

const missing = mariadbMissing()

describe.skipIf(missing)(`MariadbDriver${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let cfg: MariadbConfig
  const drivers: MariadbDriver[] = []
  beforeAll(async () => {
    cfg = await freshMariadbDatabase()
  })
  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((d) => d.close()))
  })
  const open = async (c: MariadbConfig = cfg) => {
    const d = await MariadbDriver.open(c)
    drivers.push(d)
    return d
  }

  it('gives a specific message for a wrong password, a missing database and an unreachable host', async () => {
    const admin = await open()
    await admin.query("CREATE USER IF NOT EXISTS 'schemist_pw'@'127.0.0.1' IDENTIFIED BY 'right'")
    await expect(MariadbDriver.open({ ...cfg, user: 'schemist_pw', password: 'wrong' })).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: expect.stringMatching(/schemist_pw/),
    })
    await expect(MariadbDriver.open({ ...cfg, database: 'no_such_db' })).rejects.toMatchObject({
      code: 'DATABASE_NOT_FOUND',
      message: expect.stringMatching(/"no_such_db" does not exist/),
    })
    await expect(MariadbDriver.open({ ...cfg, port: await freePort() })).rejects.toMatchObject({
      code: 'HOST_UNREACHABLE',
    })
  })

  it('brings values back as the other engines do: exact integers, big ones as $bigint, booleans, bytes, text for decimals and dates', async () => {
    const d = await open()
    await d.query(
      'CREATE TABLE vals (id int PRIMARY KEY, big bigint, price decimal(10,2), ok tinyint(1), b longblob, at datetime, j json)',
    )
    await d.query('INSERT INTO vals VALUES (?, ?, ?, ?, ?, ?, ?)', [
      1,
      { $bigint: '9007199254740993' },
      '12.50',
      true,
      { $blob: '00ff10' },
      '2026-12-07 10:00:00',
      '{"a": 1}',
    ])
    const r = await d.query('SELECT id, big, price, ok, b, at, j FROM vals')
    expect(r.rows).toEqual([
      [1, { $bigint: '9007199254740993' }, '12.50', true, { $blob: '00ff10' }, '2026-12-07 10:00:00', '{"a": 1}'],
    ])
    expect(r.columns.map((c) => c.origin?.table)).toEqual(Array(7).fill('vals'))
    const ins = await d.query('INSERT INTO vals (id) VALUES (2), (3)')
    expect(ins).toMatchObject({ rowCount: 2, command: 'INSERT' })
  })

  it('cancels a running statement, and the connection goes on', async () => {
    const d = await open()
    const q = d.query('SELECT SLEEP(30) AS cancelled_here').then(
      () => null,
      (e: unknown) => e,
    )
    const watcher = await open()
    await expect
      .poll(
        async () =>
          (
            await watcher.query(
              "SELECT count(*) FROM information_schema.PROCESSLIST WHERE info LIKE '%AS cancelled_here'",
            )
          ).rows[0][0],
      )
      .toBe(1)
    expect(await d.cancel()).toBe(true)
    const r = await q
    // KILL QUERY ends SLEEP() early with the value 1 (MariaDB), or with an interrupted error (MySQL).
    expect(r === null || (r as { code: string }).code === 'CANCELLED').toBe(true)
    expect((await d.query('SELECT 1')).rows).toEqual([[1]])
  })

  it('reports a lock wait with the id of the blocking connection, and its end', async () => {
    const a = await open()
    const b = await open()
    await a.query('CREATE TABLE acct (id int PRIMARY KEY, balance int)')
    await a.query('INSERT INTO acct VALUES (1, 100)')
    const waits: WaitEvent[] = []
    b.onWait((w) => waits.push(w))
    await a.query('START TRANSACTION')
    await a.query('UPDATE acct SET balance = balance + 1 WHERE id = 1')
    const bUpdate = b.query('UPDATE acct SET balance = balance + 10 WHERE id = 1', [], { queryId: 'b1' })
    await expect.poll(() => waits.length, { timeout: 5000 }).toBeGreaterThan(0)
    expect(waits[0]).toMatchObject({ queryId: 'b1', waiting: true, blockedBy: [a.backendPid] })
    await a.query('COMMIT')
    await bUpdate
    expect(waits.at(-1)).toMatchObject({ waiting: false })
    expect((await b.query('SELECT balance FROM acct')).rows).toEqual([[111]])
  })

  it('names a deadlock, its victim rolled back', async () => {
    const a = await open()
    const b = await open()
    await a.query('CREATE TABLE dl (id int PRIMARY KEY, v int)')
    await a.query('INSERT INTO dl VALUES (1, 0), (2, 0)')
    await a.query('START TRANSACTION')
    await b.query('START TRANSACTION')
    await a.query('UPDATE dl SET v = 1 WHERE id = 1')
    await b.query('UPDATE dl SET v = 2 WHERE id = 2')
    const first = a.query('UPDATE dl SET v = 1 WHERE id = 2').then(
      () => null,
      (e: unknown) => e,
    )
    await expect
      .poll(async () =>
        (await open()).query('SELECT count(*) FROM information_schema.INNODB_LOCK_WAITS').then((r) => r.rows[0][0]),
      )
      .toBe(1)
    const second = await b.query('UPDATE dl SET v = 2 WHERE id = 1').then(
      () => null,
      (e: unknown) => e,
    )
    const errors = [await first, second].filter(Boolean)
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'DEADLOCK', message: expect.stringMatching(/victim/) })
    await a.query('ROLLBACK')
    await b.query('ROLLBACK')
  })

  it("reads the sample's schema the way SQLite and PostgreSQL do: same tables, columns, keys and references", async () => {
    const maria = await openDriver(await freshMariadbDatabase())
    const lite = await openDriver(sqliteConfig())
    try {
      await loadSample(maria)
      await loadSample(lite)
      const shape = (s: DatabaseSchema) =>
        s.tables
          .filter((t) => t.kind === 'table')
          .map((t) => ({
            name: t.name,
            columns: t.columns.map((c) => [c.name, c.type, c.nullable, c.primaryKey, c.unique]),
            fks: t.foreignKeys.map((f) => [f.columns, f.refTable, f.refColumns, f.onDelete]),
          }))
          .sort((x, y) => x.name.localeCompare(y.name))
      const m = await maria.dialect.introspect(maria)
      expect(shape(m)).toEqual(shape(await lite.dialect.introspect(lite)))
      expect(m.tables.filter((t) => t.kind === 'view').map((t) => t.name)).toEqual(
        (await lite.dialect.introspect(lite)).tables.filter((t) => t.kind === 'view').map((t) => t.name),
      )
    } finally {
      await maria.close()
      await lite.close()
    }
  })
})
