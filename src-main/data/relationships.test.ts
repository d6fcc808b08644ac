import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConnectionConfig } from '../../src-shared/connection'
import { EventBus } from '../events/event-bus'
import { ConnectionManager } from '../db/connection-manager'
import { loadSample } from '../sample/load-sample'
import { freshConfig, TEST_ENGINES } from '../test-support/databases'
import { TableData } from './table-data'

describe.each(TEST_ENGINES)('related rows and delete effects on %s', (engine) => {
  let cm: ConnectionManager
  let data: TableData
  let handle: string
  const users = { schema: null, name: 'users' }

  beforeEach(async () => {
    cm = new ConnectionManager(new EventBus())
    data = new TableData(cm)
    const config: ConnectionConfig = await freshConfig(engine)
    handle = (await cm.openConfig(config, { name: 't', savedId: null })).handle
    await loadSample(cm.driver(handle))
  })
  afterEach(() => cm.closeAll())

  it('lists what deleting a parent does before it happens', async () => {
    const effects = await data.deleteEffects(handle, users, [[1]])
    expect(effects).toEqual(
      expect.arrayContaining([
        { table: 'posts', via: 'posts.user_id ON DELETE CASCADE', action: 'deleted', rows: 2 },
        { table: 'profiles', via: 'profiles.user_id ON DELETE CASCADE', action: 'deleted', rows: 1 },
        { table: 'city_user', via: 'city_user.user_id ON DELETE CASCADE', action: 'deleted', rows: 2 },
      ]),
    )
  })

  it('deletes a parent through the session, leaving children to ON DELETE CASCADE', async () => {
    const r = await data.applyEdits(handle, users, [{ kind: 'delete', id: 'd', key: [1] }], 'commit')
    expect(r).toMatchObject({ ok: true })
    expect(r.sql.map((s) => s.sql.replaceAll('`', '"'))).toEqual([
      'BEGIN',
      expect.stringMatching(/^DELETE FROM "users"/),
      'COMMIT',
    ])
    expect((await cm.driver(handle).query('SELECT count(*) FROM posts WHERE user_id = 1')).rows[0][0]).toEqual(
      engine === 'postgres' ? '0' : 0,
    )
  })

  it.each(['select', 'joined', 'selectin', 'subquery'] as const)(
    'loads related rows through each relationship with %s',
    async (strategy) => {
      const rels = await data.related(handle, users, [1], strategy)
      const by = Object.fromEntries(rels.map((r) => [r.name, r]))
      expect(by.posts.rows).toHaveLength(2)
      expect(by.cities.rows.map((r) => r[by.cities.columns.indexOf('name')]).sort()).toEqual([
        'Москва',
        'Санкт-Петербург',
      ])
      expect(by.profile.kind).toBe('one-to-one')
      expect(by.profile.rows).toHaveLength(1)
      const n = { select: 2, joined: 1, selectin: 2, subquery: 2 }[strategy]
      expect(by.posts.sql).toHaveLength(n)
      if (strategy === 'joined') expect(by.posts.sql[0]).toMatch(/LEFT OUTER JOIN/)
    },
  )
})
