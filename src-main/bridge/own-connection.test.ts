import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PostgresDriver } from '../db/postgres/pg-driver'
import { loadSample } from '../sample/load-sample'
import type { Services } from '../services'
import { freshPgDatabase } from '../test-support/databases'
import { testServices } from '../test-support/services'
import { createHandlers } from './handlers'
import { createRouter, type Router } from './router'

// On PostgreSQL a BEGIN inside an open transaction is only a warning: a schema change run on the
// query tabs' connection used to end the user's own transaction (ROLLBACK on failure, COMMIT on
// success). Applies, migrations and normalization now have a connection of their own.
describe("schema changes leave the query tabs' transaction alone (PostgreSQL)", () => {
  let services: Services
  let call: Router
  let handle: string
  const ok = async <T>(p: Promise<{ ok: boolean; value?: unknown; error?: unknown }>) => {
    const r = await p
    if (!r.ok) throw new Error(JSON.stringify(r.error))
    return r.value as T
  }
  beforeAll(async () => {
    services = await testServices()
    call = createRouter(createHandlers(services))
    const config = await freshPgDatabase()
    const d = await PostgresDriver.open(config)
    await loadSample(d)
    await d.close()
    handle = (await ok<{ handle: string }>(call('connections.open', { config, name: 'pg' }))).handle
  })
  afterAll(() => services.dispose())

  it('a failed normalization apply keeps the uncommitted insert of a query tab', async () => {
    await ok(call('query.run', { handle, sql: 'CREATE TABLE mine (v text)' }))
    await ok(call('query.run', { handle, sql: 'BEGIN' }))
    await ok(call('query.run', { handle, sql: "INSERT INTO mine VALUES ('uncommitted work')" }))
    // city -> department does not hold (Moscow has two departments): the apply fails.
    const r = await call('normalize.apply', {
      handle,
      table: { schema: 'public', name: 'employee_departments' },
      target: '3nf',
      fds: [{ lhs: ['city'], rhs: 'department', error: 0 }],
      keepView: false,
      names: { cities: 'employee_cities' },
    })
    expect(r.ok).toBe(false)
    expect((await ok<{ rows: unknown[][] }>(call('query.run', { handle, sql: 'SELECT v FROM mine' }))).rows).toEqual([
      ['uncommitted work'],
    ])
    await ok(call('query.run', { handle, sql: 'ROLLBACK' }))
  })

  it("a successful model apply does not commit the query tab's open transaction", async () => {
    await ok(call('query.run', { handle, sql: 'BEGIN' }))
    await ok(call('query.run', { handle, sql: "INSERT INTO mine VALUES ('to be rolled back')" }))
    const doc = await ok<{
      tables: {
        id: string
        name: string
        className: string
        foreignKeys: unknown[]
        indexes: unknown[]
        uniques: unknown[]
      }[]
    }>(call('model.reverse', { handle }))
    // A table the database lacks, so the apply really runs its BEGIN ... COMMIT.
    const cities = doc.tables.find((t) => t.name === 'cities')!
    doc.tables.push({
      ...cities,
      id: 'new-table',
      name: 'towns',
      className: 'Town',
      foreignKeys: [],
      indexes: [],
      uniques: [],
    })
    await ok(call('model.apply', { handle, doc }))
    expect(
      (
        await ok<{ rows: unknown[][] }>(
          call('query.run', {
            handle,
            sql: "SELECT count(*)::int FROM information_schema.tables WHERE table_name = 'towns'",
          }),
        )
      ).rows,
    ).toEqual([[1]])
    await ok(call('query.run', { handle, sql: 'ROLLBACK' }))
    expect(
      (await ok<{ rows: unknown[][] }>(call('query.run', { handle, sql: 'SELECT count(*)::int FROM mine' }))).rows,
    ).toEqual([[0]])
  })
})
