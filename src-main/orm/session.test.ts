import { afterEach, describe, expect, it } from 'vitest'
import { col } from '../../src-shared/expr'
import { ormFixture, statementsOf, type OrmFixture } from '../test-support/orm-fixture'
import { TEST_ENGINES } from '../test-support/databases'
import { ExpiredAttributeError, InvalidRequestError, NotLoadedError } from './errors'
import { stateOf } from './instance-state'
import { sessionmaker } from './session-factory'
import { select } from './statements'

type Row = Record<string, unknown> & { posts: Row[]; profile: Row | null; user: Row | null }

describe.each(TEST_ENGINES)('session on %s', (engine) => {
  let f: OrmFixture
  afterEach(async () => f?.close())

  it('identity map returns the same object for the same primary key', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const a = await s.get<Row>('users', 1)
    const selects = s.log.statements().length
    const b = await s.get<Row>('users', 1)
    expect(b).toBe(a)
    expect(s.log.statements().length).toBe(selects) // the second get() needed no SQL
    const c = (await s.execute(select(f.registry.get('users')).where(col('login').eq('ivan')))).scalarOne()
    expect(c).toBe(a)
  })

  it('objects move through transient, pending, persistent, deleted and detached', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const u = s.create<Row>('users', { name: 'Nina', login: 'nina' })
    expect(stateOf(u).status).toBe('transient')
    s.add(u)
    expect(stateOf(u).status).toBe('pending')
    await s.flush()
    expect(stateOf(u).status).toBe('persistent')
    s.delete(u)
    expect(s.deleted).toEqual([u])
    await s.flush()
    expect(stateOf(u).status).toBe('deleted')
    await s.commit()
    expect(stateOf(u).status).toBe('detached')
    expect(() => s.delete(s.create('users'))).toThrow(InvalidRequestError)
  })

  it('tracks new, dirty and deleted sets', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const ivan = (await s.get<Row>('users', 1))!
    const olga = (await s.get<Row>('users', 2))!
    ivan.name = 'Иван Иванов'
    s.delete(olga)
    const n = s.create<Row>('users', { name: 'X', login: 'x' })
    s.add(n)
    expect(s.dirty).toEqual([ivan])
    expect(s.deleted).toEqual([olga])
    expect(s.new).toEqual([n])
  })

  it('rollback expunges new objects, restores deleted ones and expires the rest', async () => {
    f = await ormFixture(engine, {
      relationships: { 'users.posts': { cascade: 'all' }, 'users.profile': { cascade: 'all' } },
    })
    const s = f.session()
    const ivan = (await s.get<Row>('users', 1))!
    const petr = (await s.get<Row>('users', 3))!
    ivan.name = 'Changed'
    const n = s.create<Row>('users', { name: 'Temp', login: 'temp' })
    s.add(n)
    s.delete(petr)
    await s.flush()
    await s.rollback()
    expect(stateOf(n).status).toBe('transient')
    // SQLAlchemy keeps the key the rolled-back INSERT generated on the object (issue 26).
    expect(n.id).toEqual(expect.any(Number))
    expect(stateOf(petr).status).toBe('persistent')
    expect(() => ivan.name).toThrow(ExpiredAttributeError)
    await s.refresh(ivan)
    expect(ivan.name).toBe('Иван')
    expect(await f.scalar("SELECT count(*) FROM users WHERE login = 'temp'")).toBe(0)
    expect(await f.scalar('SELECT count(*) FROM users WHERE id = 3')).toBe(1)
  })

  it('expire_on_commit expires attributes after commit; switched off they stay readable', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const u = (await s.get<Row>('users', 1))!
    u.name = 'After'
    await s.commit()
    expect(() => u.name).toThrow(ExpiredAttributeError)
    await s.refresh(u)
    expect(u.name).toBe('After')
    // Let go of the read transaction: on SQLite it would block the next writer.
    await s.commit()
    const keep = await f.ownSession({ expireOnCommit: false })
    const v = (await keep.get<Row>('users', 2))!
    v.name = 'Still readable'
    await keep.commit()
    expect(v.name).toBe('Still readable')
  })

  it('savepoint rollback keeps the outer transaction', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const outer = s.create<Row>('users', { name: 'Outer', login: 'outer' })
    s.add(outer)
    const sp = await s.beginNested()
    const inner = s.create<Row>('users', { name: 'Inner', login: 'inner' })
    s.add(inner)
    const ivan = (await s.get<Row>('users', 1))!
    ivan.name = 'Inside the savepoint'
    await s.flush()
    await sp.rollback()
    expect(stateOf(inner).status).toBe('transient')
    expect(stateOf(outer).status).toBe('persistent')
    await s.refresh(ivan)
    expect(ivan.name).toBe('Иван')
    await s.commit()
    expect(await f.scalar("SELECT count(*) FROM users WHERE login = 'outer'")).toBe(1)
    expect(await f.scalar("SELECT count(*) FROM users WHERE login = 'inner'")).toBe(0)
  })

  it('a rollback after a savepoint rolled back makes every row inserted in the transaction transient', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const before = s.create<Row>('users', { name: 'Before', login: 'before' })
    s.add(before)
    await s.flush()
    const sp = await s.beginNested()
    const inner = s.create<Row>('users', { name: 'Inner', login: 'inner' })
    s.add(inner)
    await s.flush()
    await sp.rollback()
    const after = s.create<Row>('users', { name: 'After', login: 'after' })
    s.add(after)
    await s.flush()
    expect([before, inner, after].map((o) => stateOf(o).status)).toEqual(['persistent', 'transient', 'persistent'])
    await s.rollback()
    expect([before, inner, after].map((o) => stateOf(o).status)).toEqual(['transient', 'transient', 'transient'])
    expect(await f.scalar("SELECT count(*) FROM users WHERE login IN ('before', 'inner', 'after')")).toBe(0)
  })

  it('savepoint commit releases it and the work commits with the transaction', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const sp = await s.beginNested()
    s.add(s.create('users', { name: 'Sp', login: 'sp' }))
    await sp.commit()
    expect(statementsOf(s).some((x) => x.startsWith('RELEASE SAVEPOINT "sa_savepoint_1"'))).toBe(true)
    await s.commit()
    expect(await f.scalar("SELECT count(*) FROM users WHERE login = 'sp'")).toBe(1)
  })

  it("merge copies a detached object onto the session's own, loading it first", async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const detached = s.create<Row>('users', { id: 2, name: 'Olga (merged)', login: 'olga' })
    const merged = await s.merge(detached)
    expect(merged).not.toBe(detached)
    expect(stateOf(merged).status).toBe('persistent')
    expect(merged.name).toBe('Olga (merged)')
    expect(s.dirty).toEqual([merged])
    const fresh = await s.merge(s.create<Row>('users', { id: 99, name: 'Ninety-nine', login: 'n99' }))
    expect(stateOf(fresh).status).toBe('pending')
    await s.commit()
    expect(await f.scalar('SELECT name FROM users WHERE id = 2')).toBe('Olga (merged)')
  })

  it('expunge detaches, cascading along expunge; refresh-expire cascades to loaded children', async () => {
    f = await ormFixture(engine, { relationships: { 'users.posts': { cascade: 'all' } } })
    const s = f.session()
    const u = (await s.get<Row>('users', 1))!
    const posts = await s.load<Row[]>(u, 'posts')
    s.expire(u)
    expect(() => posts[0].title).toThrow(ExpiredAttributeError)
    await s.refresh(u)
    expect(() => u.posts).toThrow(NotLoadedError)
    await s.load(u, 'posts')
    s.expunge(u)
    expect(stateOf(u).status).toBe('detached')
    expect(stateOf(u.posts[0]).status).toBe('detached')
  })

  it('autoflush runs before a query, so the query sees pending objects', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    s.add(s.create('users', { name: 'Auto', login: 'auto' }))
    const found = (await s.execute(select(f.registry.get('users')).filterBy({ login: 'auto' }))).scalarOneOrNone()
    expect(found).not.toBeNull()
    await s.rollback()
    const noAuto = await f.ownSession({ autoflush: false })
    noAuto.add(noAuto.create('users', { name: 'Manual', login: 'manual' }))
    expect(
      (await noAuto.execute(select(f.registry.get('users')).filterBy({ login: 'manual' }))).scalarOneOrNone(),
    ).toBeNull()
    await noAuto.rollback()
  })

  it('one-to-one relationships are scalar on both sides (uselist=False)', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const u = (await s.get<Row>('users', 1))!
    const profile = await s.load<Row>(u, 'profile')
    expect(Array.isArray(profile)).toBe(false)
    expect(profile?.bio).toMatch(/Backend/)
    expect(await s.load(profile!, 'user')).toBe(u)
  })

  it('withSession commits on success, rolls back on error, and commits nothing with commit: false', async () => {
    f = await ormFixture(engine)
    const maker = sessionmaker({ connect: f.connect, registry: f.registry })
    await maker.withSession({}, async (s) => s.add(s.create('users', { name: 'W1', login: 'w1' })))
    await expect(
      maker.withSession({}, async (s) => {
        s.add(s.create('users', { name: 'W2', login: 'w2' }))
        await s.flush()
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    await maker.withSession({ commit: false }, async (s) => {
      s.add(s.create('users', { name: 'W3', login: 'w3' }))
      await s.flush()
    })
    expect(await f.scalar("SELECT count(*) FROM users WHERE login IN ('w1')")).toBe(1)
    expect(await f.scalar("SELECT count(*) FROM users WHERE login IN ('w2', 'w3')")).toBe(0)
    const level = engine === 'sqlite' ? 'IMMEDIATE' : 'SERIALIZABLE'
    const seen = await maker.withSession({ isolationLevel: level, commit: false }, async (s) => {
      await s.get('users', 1)
      return s.log.statements()[0]
    })
    expect(seen).toBe(
      {
        postgres: 'BEGIN ISOLATION LEVEL SERIALIZABLE',
        sqlite: 'BEGIN IMMEDIATE',
        // SET TRANSACTION names the next transaction's level; BEGIN starts it.
        mariadb: 'SET TRANSACTION ISOLATION LEVEL SERIALIZABLE; BEGIN',
      }[engine],
    )
  })
})
