import { afterEach, describe, expect, it } from 'vitest'
import { col } from '../../src-shared/expr'
import { ormFixture, statementsOf, type OrmFixture } from '../test-support/orm-fixture'
import { TEST_ENGINES } from '../test-support/databases'
import { MultipleResultsFound, NoResultFound, NotLoadedError } from './errors'
import { joinedload, lazyload, select, selectinload, subqueryload, text } from './statements'

type Row = Record<string, unknown> & { posts: Row[]; cities: Row[]; users: Row[]; user: Row | null }

describe.each(TEST_ENGINES)('loading on %s', (engine) => {
  let f: OrmFixture
  afterEach(async () => f?.close())
  const selects = (s: { log: { statements(): string[] } }) => statementsOf(s).filter((x) => x.startsWith('SELECT'))
  const users = () => f.registry.get('users')

  it('joined loading emits one statement with a LEFT OUTER JOIN', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const all = (await s.execute(select(users()).options(joinedload('posts')).orderBy('id'))).scalars().all() as Row[]
    expect(selects(s)).toHaveLength(1)
    expect(selects(s)[0]).toMatch(/LEFT OUTER JOIN "posts" AS "posts_1" ON "users"\."id" = "posts_1"\."user_id"/)
    expect(all.map((u) => u.posts.length)).toEqual([2, 1, 2, 0])
  })

  it('joined loading with LIMIT wraps the query so LIMIT counts parents', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const two = (await s.execute(select(users()).options(joinedload('posts')).orderBy('id').limit(2)))
      .scalars()
      .all() as Row[]
    expect(two.map((u) => u.login)).toEqual(['ivan', 'olga'])
    expect(two[0].posts).toHaveLength(2)
    expect(selects(s)[0]).toMatch(/FROM \(SELECT .* LIMIT .*\) AS anon_1 LEFT OUTER JOIN/)
  })

  it('selectin loading emits two statements: the parents, then one IN query', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const all = (await s.execute(select(users()).options(selectinload('posts'), selectinload('cities'))))
      .scalars()
      .all() as Row[]
    const sql = selects(s)
    expect(sql).toHaveLength(3)
    expect(sql[1]).toMatch(/FROM "posts" WHERE "posts"\."user_id" IN \(/)
    expect(sql[2]).toMatch(/JOIN "city_user" ON .* WHERE "city_user"\."user_id" IN \(/)
    expect(
      all
        .find((u) => u.login === 'ivan')!
        .cities.map((c) => c.name)
        .sort(),
    ).toEqual(['Москва', 'Санкт-Петербург'])
  })

  it('subquery loading restates the query as a subquery: two statements', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const some = (await s.execute(select(users()).where(col('id').le(3)).options(subqueryload('posts'))))
      .scalars()
      .all() as Row[]
    expect(selects(s)).toHaveLength(2)
    expect(selects(s)[1]).toMatch(
      /FROM \(SELECT DISTINCT "users"\."id" AS "k0" FROM "users" WHERE .*\) AS anon_1 JOIN "posts"/,
    )
    expect(some.map((u) => u.posts.length).sort()).toEqual([1, 2, 2])
  })

  it('lazy loading costs one statement per object: N+1', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const all = (await s.execute(select(users()).options(lazyload('posts')))).scalars().all() as Row[]
    expect(() => all[0].posts).toThrow(NotLoadedError)
    for (const u of all) await s.load(u, 'posts')
    expect(selects(s)).toHaveLength(1 + all.length)
    expect(selects(s)[1]).toMatch(/WHERE .* = "posts"\."user_id"/)
  })

  it('many-to-one lazy loads use the identity map when the parent is already there', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    await s.execute(select(users()))
    const posts = (await s.execute(select(f.registry.get('posts')))).scalars().all() as Row[]
    const before = selects(s).length
    for (const p of posts) await s.load(p, 'user')
    expect(selects(s).length).toBe(before)
    expect(posts[0].user?.login).toBeDefined()
  })

  it('a relationship declared lazy="selectin" loads with its parent', async () => {
    f = await ormFixture(engine, { relationships: { 'cities.users': { lazy: 'selectin' } } })
    const s = f.session()
    const cities = (await s.execute(select(f.registry.get('cities')).orderBy('id'))).scalars().all() as Row[]
    expect(selects(s)).toHaveLength(2)
    expect(cities[0].users.map((u) => u.login).sort()).toEqual(['ivan', 'petr'])
  })

  it("result accessors behave as SQLAlchemy's, with the same errors", async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const q = (login: string) => s.execute(select(users()).filterBy({ login }))
    expect(((await q('olga')).scalarOne() as Row).name).toBe('Ольга')
    await expect((async () => (await q('nobody')).scalarOne())()).rejects.toBeInstanceOf(NoResultFound)
    expect((await q('nobody')).scalarOneOrNone()).toBeNull()
    const many = await s.execute(select(users()).where(col('id').lt(3)))
    expect(() => many.scalarOne()).toThrow(MultipleResultsFound)
    expect(() => many.scalarOneOrNone()).toThrow(MultipleResultsFound)
    expect(many.first()).not.toBeNull()
    expect(many.scalars().all()).toHaveLength(2)
    expect((await s.execute(text('SELECT count(*) FROM users'))).scalar()).toEqual(engine === 'postgres' ? '4' : 4)
  })
})
