import { chmodSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { PostgresConfig } from '../../../src-shared/connection'
import { EventBus } from '../../events/event-bus'
import { TableData } from '../../data/table-data'
import { ConnectionManager } from '../connection-manager'
import { freshPgDatabase } from '../../test-support/databases'
import { startCutProxy, type CutProxy } from '../../test-support/pg-cut-proxy'
import { PostgresDriver } from './pg-driver'
import { PgCluster } from './pg-cluster'
import { freePort } from '../free-port'

// Fault injection at COMMIT: a loopback proxy cuts the client's connection at the COMMIT, after
// passing it on (the reply is lost; the server committed) or instead of passing it on (the server
// rolls back). What the user is told must be what happened, and a retry must never duplicate.
describe('a connection that drops during COMMIT (PostgreSQL)', () => {
  const proxies: CutProxy[] = []
  afterEach(async () => {
    await Promise.all(proxies.splice(0).map((p) => p.close()))
  })
  async function setup(mode: 'after-forwarding' | 'before-forwarding') {
    const direct: PostgresConfig = { ...(await freshPgDatabase()), sslMode: 'disable' }
    const d = await PostgresDriver.open(direct)
    await d.query('CREATE TABLE payments (id serial PRIMARY KEY, note text NOT NULL)')
    const proxy = await startCutProxy({ host: direct.host, port: direct.port }, mode)
    proxies.push(proxy)
    const viaProxy: PostgresConfig = { ...direct, host: '127.0.0.1', port: proxy.port }
    const count = async () => Number((await d.query('SELECT count(*) FROM payments')).rows[0][0])
    return { direct: d, viaProxy, proxy, count }
  }

  it('the COMMIT reply lost after the server committed: the driver finds out it committed and says so', async () => {
    const { direct, viaProxy, proxy, count } = await setup('after-forwarding')
    const d = await PostgresDriver.open(viaProxy)
    await d.query('BEGIN')
    await d.query("INSERT INTO payments (note) VALUES ('payment #1')")
    await expect(d.query('COMMIT')).resolves.toMatchObject({ command: 'COMMIT' })
    expect(proxy.cuts).toBe(1)
    expect(await count()).toBe(1)
    await d.close()
    await direct.close()
  })

  it('the COMMIT never reached the server: CONNECTION_LOST, checked as rolled back, nothing written', async () => {
    const { direct, viaProxy, count } = await setup('before-forwarding')
    const d = await PostgresDriver.open(viaProxy)
    await d.query('BEGIN')
    await d.query("INSERT INTO payments (note) VALUES ('payment #1')")
    await expect(d.query('COMMIT')).rejects.toMatchObject({
      code: 'CONNECTION_LOST',
      message: expect.stringMatching(/checked: transaction \d+ aborted/),
    })
    expect(await count()).toBe(0)
    await d.close()
    await direct.close()
  })

  it('a transaction that only read loses nothing when its COMMIT is cut, and says so', async () => {
    const { direct, viaProxy } = await setup('before-forwarding')
    const d = await PostgresDriver.open(viaProxy)
    await d.query('BEGIN')
    await d.query('SELECT count(*) FROM payments')
    await expect(d.query('COMMIT')).rejects.toMatchObject({
      code: 'CONNECTION_LOST',
      message: expect.stringMatching(/written nothing/),
    })
    await d.close()
    await direct.close()
  })

  it.each(['after-forwarding', 'before-forwarding'] as const)(
    'a grid commit whose COMMIT is cut (%s): committing again never duplicates the row',
    async (mode) => {
      const { direct, viaProxy, count } = await setup(mode)
      const events = new EventBus()
      const cm = new ConnectionManager(events)
      const data = new TableData(cm)
      const handle = (await cm.openConfig(viaProxy, { name: 'via proxy', savedId: null })).handle
      const table = { schema: 'public', name: 'payments' }
      const insert = [{ kind: 'insert' as const, id: 'e1', values: { note: 'payment #1' } }]
      const first = await data.applyEdits(handle, table, insert, 'commit')
      if (mode === 'after-forwarding') {
        // It did commit: the grid is told so, its edits are done, and there is nothing to retry.
        expect(first).toMatchObject({ ok: true })
      } else {
        expect(first).toMatchObject({ ok: false, error: { code: 'CONNECTION_LOST' } })
        // Rolled back for certain: committing the kept edits again is right, and writes it once.
        expect(await data.applyEdits(handle, table, insert, 'commit')).toMatchObject({ ok: true })
      }
      expect(await count()).toBe(1)
      await cm.closeAll()
      await direct.close()
    },
  )
})

// PostgreSQL itself killed (SIGKILL to the postmaster and its backends) the moment COMMIT reached
// it: whether the commit record made it to disk is up to the race, and the server is down, so
// nobody can say. The app must say exactly that (never "rolled back"), and once the server is
// back (crash recovery) ask it, so that committing the grid's edits again never duplicates them.
describe('PostgreSQL killed mid-commit', () => {
  const root = mkdtempSync(join(tmpdir(), 'schemist-pg-kill-'))
  chmodSync(root, 0o755)
  const password = 'kill-test'
  let cluster: PgCluster
  let config: PostgresConfig
  beforeAll(async () => {
    const port = await freePort()
    cluster = new PgCluster({ dataDir: join(root, 'cluster'), port, user: 'schemist', password })
    await cluster.init()
    await cluster.start()
    config = {
      engine: 'postgres',
      host: '127.0.0.1',
      port,
      user: 'schemist',
      password,
      database: 'postgres',
      sslMode: 'disable',
    }
    const d = await PostgresDriver.open(config)
    await d.query('CREATE TABLE payments (id serial PRIMARY KEY, note text NOT NULL)')
    await d.close()
  }, 120_000)
  afterAll(async () => {
    await cluster?.stop()
    rmSync(root, { recursive: true, force: true })
  })

  it('a grid commit in flight when the server dies: COMMIT_UNKNOWN, then asked after the restart, and never written twice', async () => {
    const proxy = await startCutProxy({ host: '127.0.0.1', port: config.port }, 'after-forwarding', 1, () => {
      void cluster.kill()
    })
    try {
      const events = new EventBus()
      const cm = new ConnectionManager(events)
      const data = new TableData(cm)
      const handle = (await cm.openConfig({ ...config, port: proxy.port }, { name: 'via proxy', savedId: null })).handle
      const table = { schema: 'public', name: 'payments' }
      const insert = [{ kind: 'insert' as const, id: 'e1', values: { note: 'payment #1' } }]
      const first = await data.applyEdits(handle, table, insert, 'commit')
      // The server is down: the outcome cannot be known, and the app says so instead of guessing.
      expect(first.ok).toBe(false)
      expect(first.error).toMatchObject({
        code: 'COMMIT_UNKNOWN',
        message: expect.stringMatching(/could not be found out/),
      })
      expect(first.error?.xid).toMatch(/^\d+$/)
      expect(cluster.running).toBe(false)

      // Crash recovery replays the log: the commit is there or it is not, and the server now says which.
      await cluster.start()
      const d = await PostgresDriver.open(config)
      const rows = Number((await d.query('SELECT count(*) FROM payments')).rows[0][0])
      const status = await cm.commitStatus(handle, first.error!.xid!)
      expect(status).toBe(rows === 1 ? 'committed' : 'aborted')
      // What the grid does next (grid-commit.ts): committed -> the edits are done; aborted -> commit them now.
      if (status === 'aborted') {
        await cm.reconnect(handle)
        expect((await data.applyEdits(handle, table, insert, 'commit')).ok).toBe(true)
      }
      expect((await d.query('SELECT note FROM payments')).rows).toEqual([['payment #1']])
      await d.close()
      await cm.closeAll()
    } finally {
      await proxy.close()
    }
  }, 120_000)
})
