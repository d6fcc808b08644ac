import { afterEach, describe, expect, it } from 'vitest'
import type { WaitEvent } from '../driver'
import { freePort } from '../free-port'
import { freshPgDatabase, pgConfig } from '../../test-support/databases'
import { PostgresDriver } from './pg-driver'

describe('PostgresDriver', () => {
  const drivers: PostgresDriver[] = []
  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((d) => d.close()))
  })
  const track = async (p: Promise<PostgresDriver>) => {
    const d = await p
    drivers.push(d)
    return d
  }

  it('gives a specific message for a wrong password, a missing database and an unreachable host', async () => {
    const ok = pgConfig()
    await expect(PostgresDriver.open({ ...ok, password: 'wrong' })).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: expect.stringMatching(/password/),
    })
    await expect(PostgresDriver.open({ ...ok, database: 'no_such_db' })).rejects.toMatchObject({
      code: 'DATABASE_NOT_FOUND',
      message: expect.stringMatching(/"no_such_db" does not exist/),
    })
    await expect(PostgresDriver.open({ ...ok, port: await freePort() })).rejects.toMatchObject({
      code: 'HOST_UNREACHABLE',
    })
  })

  it('falls back from sslmode=prefer to plain, and fails clearly on sslmode=require without SSL', async () => {
    const ok = pgConfig()
    const d = await track(PostgresDriver.open({ ...ok, sslMode: 'prefer' }))
    expect(d.serverVersion).toMatch(/^PostgreSQL \d+/)
    await expect(PostgresDriver.open({ ...ok, sslMode: 'require' })).rejects.toMatchObject({ code: 'SSL_ERROR' })
  })

  it('cancels a running statement', async () => {
    const d = await track(PostgresDriver.open(pgConfig()))
    const q = d.query('SELECT pg_sleep(30) AS cancelled_here').then(
      () => null,
      (e: unknown) => e,
    )
    // Cancel once the server runs it (asked from another connection, not guessed with a sleep).
    const watcher = await track(PostgresDriver.open(pgConfig()))
    await expect
      .poll(
        async () =>
          (
            await watcher.query(
              "SELECT count(*)::int FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%AS cancelled_here'",
            )
          ).rows[0][0],
      )
      .toBe(1)
    expect(await d.cancel()).toBe(true)
    expect(await q).toMatchObject({ code: 'CANCELLED' })
    expect((await d.query('SELECT 1 AS one')).rows).toEqual([[1]])
  })

  it('reports a lock wait with the pid of the blocking backend, and its end', async () => {
    const cfg = await freshPgDatabase()
    const a = await track(PostgresDriver.open(cfg))
    const b = await track(PostgresDriver.open(cfg))
    await a.query('CREATE TABLE acct (id int PRIMARY KEY, balance int)')
    await a.query('INSERT INTO acct VALUES (1, 100)')
    const waits: WaitEvent[] = []
    b.onWait((w) => waits.push(w))
    await a.query('BEGIN')
    await a.query('UPDATE acct SET balance = balance + 1 WHERE id = 1')
    const bUpdate = b.query('UPDATE acct SET balance = balance + 10 WHERE id = 1', [], { queryId: 'b1' })
    await expect.poll(() => waits.length, { timeout: 3000 }).toBeGreaterThan(0)
    expect(waits[0]).toMatchObject({ queryId: 'b1', waiting: true, blockedBy: [a.backendPid] })
    await a.query('COMMIT')
    await bUpdate
    expect(waits.at(-1)).toMatchObject({ waiting: false })
    expect((await b.query('SELECT balance FROM acct')).rows).toEqual([[111]])
  })

  it('maps constraint violations with the constraint name, and syntax errors with the position', async () => {
    const d = await track(PostgresDriver.open(pgConfig()))
    await expect(d.query("INSERT INTO users (name, login) VALUES ('x', 'ivan')")).rejects.toMatchObject({
      code: 'CONSTRAINT_VIOLATION',
      details: expect.objectContaining({ sqlstate: '23505', constraint: 'users_login_key' }),
    })
    await expect(d.query('SELEC 1')).rejects.toMatchObject({
      code: 'SQL_ERROR',
      details: expect.objectContaining({ sqlstate: '42601', position: '1' }),
    })
  })
})
