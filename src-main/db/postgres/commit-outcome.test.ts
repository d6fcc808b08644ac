import { afterEach, describe, expect, it } from 'vitest'
import type { PostgresConfig } from '../../../src-shared/connection'
import { EventBus } from '../../events/event-bus'
import { TableData } from '../../data/table-data'
import { ConnectionManager } from '../connection-manager'
import { freshPgDatabase } from '../../test-support/databases'
import { startCutProxy, type CutProxy } from '../../test-support/pg-cut-proxy'
import { PostgresDriver } from './pg-driver'

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
