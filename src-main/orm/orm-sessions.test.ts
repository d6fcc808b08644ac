import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createHandlers } from '../bridge/handlers'
import { createRouter, type Router } from '../bridge/router'
import type { Services } from '../services'
import { testServices } from '../test-support/services'
import type { SessionSnapshot } from '../../src-shared/orm'

describe('ORM sessions over the bridge', () => {
  let services: Services
  let call: Router
  let sessionId: string
  const ok = async <T>(method: string, input: unknown): Promise<T> => {
    const r = await call(method, input)
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`)
    return r.value as T
  }
  beforeAll(async () => {
    services = await testServices()
    call = createRouter(createHandlers(services))
    const { handle } = await ok<{ handle: string }>('connections.open', { id: 'sample' })
    sessionId = (await ok<{ sessionId: string }>('orm.open', { handle })).sessionId
  })
  afterAll(() => services.dispose())

  it('loads objects with a strategy and shows the SQL it emitted', async () => {
    const r = await ok<{ refs: number[]; snapshot: SessionSnapshot }>('orm.query', {
      sessionId,
      table: 'users',
      loaders: [{ relationship: 'posts', strategy: 'selectin' }],
      orderBy: [{ column: 'id' }],
    })
    expect(r.refs).toHaveLength(4)
    const ivan = r.snapshot.objects.find((o) => o.ref === r.refs[0])!
    expect(ivan).toMatchObject({ table: 'users', status: 'persistent', values: { login: 'ivan' } })
    expect((ivan.related.posts as number[]).length).toBe(2)
    expect(r.snapshot.log.map((l) => l.sql)).toEqual([
      'BEGIN',
      expect.stringMatching(/^SELECT .* FROM "users"/),
      expect.stringMatching(/IN \(/),
    ])
  })

  it('an edit shows as dirty with its pending change, and the sets are empty after commit', async () => {
    const q = await ok<{ refs: number[] }>('orm.query', {
      sessionId,
      table: 'users',
      where: { op: 'cmp', column: 'login', cmp: '=', value: 'olga' },
    })
    const edited = await ok<{ snapshot: SessionSnapshot }>('orm.act', {
      sessionId,
      action: { op: 'set', ref: q.refs[0], column: 'name', value: 'Ольга С.' },
    })
    expect(edited.snapshot.dirty).toEqual([q.refs[0]])
    expect(edited.snapshot.objects.find((o) => o.ref === q.refs[0])!.modified).toEqual(['name'])
    const created = await ok<{ ref: number; snapshot: SessionSnapshot }>('orm.act', {
      sessionId,
      action: { op: 'create', table: 'cities', values: { name: 'Сочи', longitude: 39.7, latitude: 43.6 } },
    })
    expect(created.snapshot.new).toEqual([created.ref])
    const committed = await ok<{ snapshot: SessionSnapshot; error: unknown }>('orm.act', {
      sessionId,
      action: { op: 'commit' },
    })
    expect(committed.error).toBeNull()
    expect(committed.snapshot).toMatchObject({ new: [], dirty: [], deleted: [], transaction: 'idle' })
    expect(committed.snapshot.log.map((l) => l.sql)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^UPDATE "users" SET "name"/),
        expect.stringMatching(/^INSERT INTO "cities"/),
        'COMMIT',
      ]),
    )
  })

  it('a failing commit comes back as data naming the object, with the change still pending', async () => {
    const created = await ok<{ ref: number }>('orm.act', {
      sessionId,
      action: { op: 'create', table: 'users', values: { name: 'Twin', login: 'ivan' } },
    })
    const r = await ok<{ snapshot: SessionSnapshot; error: { code: string; refs: number[] } | null }>('orm.act', {
      sessionId,
      action: { op: 'commit' },
    })
    expect(r.error).toMatchObject({ code: 'CONSTRAINT_VIOLATION', refs: [created.ref] })
    expect(r.snapshot.new).toEqual([created.ref])
    const fixed = await ok<{ error: unknown }>('orm.act', {
      sessionId,
      action: { op: 'set', ref: created.ref, column: 'login', value: 'twin' },
    })
    expect(fixed.error).toBeNull()
    expect((await ok<{ error: unknown }>('orm.act', { sessionId, action: { op: 'commit' } })).error).toBeNull()
  })

  it('a dropped connection: a commit fails naming it, Reconnect keeps every pending change, and work flushed before the loss is rolled back', async () => {
    const { handle } = await ok<{ handle: string }>('connections.open', { id: 'sample' })
    const id = (await ok<{ sessionId: string }>('orm.open', { handle })).sessionId
    const kill = () =>
      (services.orm as unknown as { open: Map<string, { driver: { worker: { terminate(): Promise<number> } } }> }).open
        .get(id)!
        .driver.worker.terminate()
    const q = await ok<{ refs: number[] }>('orm.query', {
      sessionId: id,
      table: 'users',
      where: { op: 'cmp', column: 'login', cmp: '=', value: 'petr' },
    })
    await ok('orm.act', { sessionId: id, action: { op: 'commit' } })
    await ok('orm.act', { sessionId: id, action: { op: 'set', ref: q.refs[0], column: 'name', value: 'Пётр (kept)' } })
    const city = await ok<{ ref: number }>('orm.act', {
      sessionId: id,
      action: { op: 'create', table: 'cities', values: { name: 'Тверь', longitude: 35.9, latitude: 56.9 } },
    })
    await kill()
    const failed = await ok<{ snapshot: SessionSnapshot; error: { code: string } | null }>('orm.act', {
      sessionId: id,
      action: { op: 'commit' },
    })
    expect(failed.error?.code).toBe('CONNECTION_LOST')
    expect(failed.snapshot).toMatchObject({ new: [city.ref], dirty: [q.refs[0]] })
    const back = await ok<{ rolledBack: boolean; snapshot: SessionSnapshot }>('orm.reconnect', { sessionId: id })
    expect(back.rolledBack).toBe(false)
    expect(back.snapshot).toMatchObject({ new: [city.ref], dirty: [q.refs[0]], transaction: 'idle' })
    expect((await ok<{ error: unknown }>('orm.act', { sessionId: id, action: { op: 'commit' } })).error).toBeNull()
    const saved = await ok<{ rows: unknown[][] }>('query.run', {
      handle,
      sql: "SELECT (SELECT name FROM users WHERE login = 'petr'), (SELECT count(*) FROM cities WHERE name = 'Тверь')",
    })
    expect(saved.rows).toEqual([['Пётр (kept)', 1]])

    // Flushed, not committed, then lost: the database threw the INSERT away, and so does the session.
    const flushed = await ok<{ ref: number }>('orm.act', {
      sessionId: id,
      action: { op: 'create', table: 'cities', values: { name: 'Псков', longitude: 28.3, latitude: 57.8 } },
    })
    expect(
      (await ok<{ snapshot: SessionSnapshot }>('orm.act', { sessionId: id, action: { op: 'flush' } })).snapshot
        .transaction,
    ).toBe('active')
    await kill()
    const again = await ok<{ rolledBack: boolean; snapshot: SessionSnapshot }>('orm.reconnect', { sessionId: id })
    expect(again.rolledBack).toBe(true)
    expect(again.snapshot.new).toEqual([])
    expect(again.snapshot.objects.find((o) => o.ref === flushed.ref)?.status ?? 'transient').toBe('transient')
    expect(
      (
        await ok<{ rows: unknown[][] }>('query.run', {
          handle,
          sql: "SELECT count(*) FROM cities WHERE name = 'Псков'",
        })
      ).rows,
    ).toEqual([[0]])

    // A transaction that had only read when it was lost: the edit made since is kept.
    const read = await ok<{ refs: number[]; snapshot: SessionSnapshot }>('orm.query', {
      sessionId: id,
      table: 'users',
      where: { op: 'cmp', column: 'login', cmp: '=', value: 'petr' },
    })
    expect(read.snapshot.transaction).toBe('active')
    await ok('orm.act', {
      sessionId: id,
      action: { op: 'set', ref: read.refs[0], column: 'name', value: 'Пётр (read, then lost)' },
    })
    await kill()
    const third = await ok<{ rolledBack: boolean; snapshot: SessionSnapshot }>('orm.reconnect', { sessionId: id })
    expect(third.rolledBack).toBe(false)
    expect(third.snapshot.dirty).toEqual([read.refs[0]])
    expect((await ok<{ error: unknown }>('orm.act', { sessionId: id, action: { op: 'commit' } })).error).toBeNull()
    expect(
      (await ok<{ rows: unknown[][] }>('query.run', { handle, sql: "SELECT name FROM users WHERE login = 'petr'" }))
        .rows,
    ).toEqual([['Пётр (read, then lost)']])
    await ok('orm.close', { sessionId: id })
  })

  it('relationship settings can be changed per session', async () => {
    const r = await ok<{ error: unknown }>('orm.act', {
      sessionId,
      action: { op: 'configure', relationship: 'users.posts', cascade: 'all, delete-orphan', lazy: 'joined' },
    })
    expect(r.error).toBeNull()
    const q = await ok<{ snapshot: SessionSnapshot }>('orm.query', { sessionId, table: 'users', limit: 1 })
    expect(q.snapshot.log.at(-1)!.sql).toMatch(/LEFT OUTER JOIN "posts"/)
  })
})
