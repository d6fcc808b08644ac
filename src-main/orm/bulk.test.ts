import { afterEach, describe, expect, it } from 'vitest'
import { col, rawWhere } from '../../src-shared/expr'
import { ormFixture, statementsOf, type OrmFixture } from '../test-support/orm-fixture'
import { TEST_ENGINES } from '../test-support/databases'
import { BaseService } from './base-service'
import { InvalidRequestError } from './errors'
import { stateOf } from './instance-state'
import { sessionmaker } from './session-factory'
import { delete_, select, update } from './statements'

type Row = Record<string, unknown>

describe.each(TEST_ENGINES)('bulk statements and the CRUD service on %s', (engine) => {
  let f: OrmFixture
  afterEach(async () => f?.close())

  it('update with synchronize_session="evaluate" updates matching objects in memory', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const all = (await s.execute(select(f.registry.get('users')))).scalars().all() as Row[]
    const r = await s.execute(update(f.registry.get('users')).where(col('id').le(2)).values({ name: 'Bulk' }), {
      synchronizeSession: 'evaluate',
    })
    expect(r.rowcount).toBe(2)
    expect(all.map((u) => u.name)).toEqual(['Bulk', 'Bulk', 'Пётр', 'Анна'])
    expect(s.dirty).toEqual([])
    await expect(
      s.execute(update(f.registry.get('users')).where(rawWhere('length(name) > 3')).values({ name: 'x' }), {
        synchronizeSession: 'evaluate',
      }),
    ).rejects.toBeInstanceOf(InvalidRequestError)
  })

  it('update with synchronize_session="fetch" uses RETURNING to find the objects', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const all = (await s.execute(select(f.registry.get('users')))).scalars().all() as Row[]
    await s.execute(
      update(f.registry.get('users'))
        .where(rawWhere(`length(${f.driver.dialect.quoteIdent('login')}) = 4`))
        .values({ name: 'Fetched' }),
      { synchronizeSession: 'fetch' },
    )
    expect(
      all
        .filter((u) => u.name === 'Fetched')
        .map((u) => u.login)
        .sort(),
    ).toEqual(['anna', 'ivan', 'olga', 'petr'])
    // RETURNING where the engine has it on UPDATE; MariaDB selects the keys first, as SQLAlchemy does there.
    expect(
      statementsOf(s).some((x) =>
        f.driver.dialect.capabilities.returning ? /RETURNING "id"$/.test(x) : /^SELECT "id" FROM "users" WHERE/.test(x),
      ),
    ).toBe(true)
  })

  it('synchronize_session=false leaves stale objects until they are refreshed', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const ivan = (await s.get<Row>('users', 1))!
    await s.execute(update(f.registry.get('users')).filterBy({ id: 1 }).values({ name: 'Silent' }), {
      synchronizeSession: false,
    })
    expect(ivan.name).toBe('Иван')
    await s.refresh(ivan)
    expect(ivan.name).toBe('Silent')
  })

  it('bulk delete removes matched objects from the identity map', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const post = (await s.execute(select(f.registry.get('posts')).filterBy({ title: 'Cascades' }))).scalarOne() as Row
    const r = await s.execute(delete_(f.registry.get('posts')).where(col('title').eq('Cascades')))
    expect(r.rowcount).toBe(1)
    expect(stateOf(post).status).toBe('deleted')
    expect(await s.get('posts', post.id)).toBeNull()
  })

  it('BaseService: findAll, findOneOrNone, add, update and toDict, each in its own committed session', async () => {
    f = await ormFixture(engine)
    const svc = new BaseService<Row>(
      f.registry.get('users'),
      sessionmaker({ connect: f.connect, registry: f.registry }),
    )
    expect((await svc.findAll()).length).toBe(4)
    expect((await svc.findOneOrNone({ login: 'olga' }))?.name).toBe('Ольга')
    expect(await svc.findOneOrNone({ login: 'zzz' })).toBeNull()
    const added = await svc.add({ name: 'Service', login: 'svc' })
    expect(added.id).toEqual(expect.any(Number))
    expect(svc.toDict(added)).toMatchObject({ name: 'Service', login: 'svc', id: added.id })
    expect(await svc.update({ login: 'svc' }, { name: 'Renamed' })).toBe(1)
    expect(await f.scalar("SELECT name FROM users WHERE login = 'svc'")).toBe('Renamed')
  })
})
