import { afterEach, describe, expect, it } from 'vitest'
import type { Driver } from '../db/driver'
import { ormFixture, type OrmFixture } from '../test-support/orm-fixture'
import { stateOf } from './instance-state'
import { select, selectinload } from './statements'

type Row = Record<string, unknown>

// Three places where the session manager differed from SQLAlchemy 2.1, each a bug a user meets
// quickly, on both engines.
describe.each(['sqlite', 'postgres'] as const)('behaving as SQLAlchemy does, on %s', (engine) => {
  let f: OrmFixture
  afterEach(async () => f?.close())
  const dml = (s: { log: { statements(): string[] } }) =>
    s.log.statements().filter((x) => /^(INSERT|UPDATE|DELETE|SELECT)/.test(x))

  async function tree() {
    f = await ormFixture(
      engine,
      { relationships: { 'nodes.node_children': { cascade: 'all, delete-orphan' } } },
      async (d: Driver) => {
        await d.query(
          'CREATE TABLE nodes (id integer PRIMARY KEY, name text NOT NULL, parent_id integer REFERENCES nodes (id))',
        )
        await d.query(
          "INSERT INTO nodes VALUES (1, 'root', NULL), (2, 'a', 1), (3, 'b', 1), (4, 'a1', 2), (5, 'a1x', 4), (6, 'b1', 3)",
        )
      },
    )
  }

  it('deleting a self-referential tree with cascade deletes the leaves first (children loaded through the collection)', async () => {
    await tree()
    expect([...f.registry.get('nodes').relationships.keys()].sort()).toEqual(['node_children', 'parent'])
    const s = f.session()
    const root = (await s.get<Row>('nodes', 1))!
    // Loading down the tree through the one-to-many side only, as an adjacency-list UI does.
    const walk = async (n: Row) => {
      for (const c of await s.load<Row[]>(n, 'node_children')) await walk(c)
    }
    await walk(root)
    await s.delete(root)
    await s.flush()
    await s.commit()
    expect(await f.scalar('SELECT count(*) FROM nodes')).toBe(0)
    const deletes = s.log.statements().filter((x) => x.startsWith('DELETE'))
    expect(deletes.length).toBeGreaterThan(0)
  })

  it("loading a one-to-many collection sets each child's many-to-one side (back_populates)", async () => {
    await tree()
    const s = f.session()
    const root = (await s.get<Row>('nodes', 1))!
    const children = await s.load<Row[]>(root, 'node_children')
    const before = dml(s).length
    expect(children.map((c) => c.parent)).toEqual([root, root])
    expect(dml(s).length).toBe(before)
  })

  it('a changed primary key re-keys the identity map and carries to loaded children', async () => {
    f = await ormFixture(engine, {}, async (d: Driver) => {
      await d.query('CREATE TABLE owners (id integer PRIMARY KEY, name text)')
      await d.query(
        'CREATE TABLE pets (id integer PRIMARY KEY, owner_id integer REFERENCES owners (id) ON UPDATE CASCADE, name text)',
      )
      await d.query(
        "INSERT INTO owners VALUES (1, 'Ann'); INSERT INTO pets VALUES (10, 1, 'Rex'), (11, 1, 'Tom')".split('; ')[0],
      )
      await d.query("INSERT INTO pets VALUES (10, 1, 'Rex'), (11, 1, 'Tom')")
    })
    const s = f.session()
    const ann = (await s.get<Row>('owners', 1))!
    const pets = await s.load<Row[]>(ann, 'pets')
    ann.id = 100
    await s.flush()
    const before = dml(s).length
    // The identity map knows the object by its new key, and no longer by the old one.
    expect(await s.get('owners', 100)).toBe(ann)
    expect(dml(s).length).toBe(before)
    expect(await s.get('owners', 1)).toBeNull()
    // The children the session holds follow, as the database's ON UPDATE CASCADE did.
    expect(pets.map((p) => p.owner_id)).toEqual([100, 100])
    expect(stateOf(pets[0]).hasChanges()).toBe(false)
    await s.commit()
    expect(await f.scalar('SELECT count(*) FROM pets WHERE owner_id = 100')).toBe(2)
  })

  it('merge() of a detached object with a loaded collection: the target collection is loaded once, and nothing is flushed until asked', async () => {
    f = await ormFixture(engine)
    const a = await f.ownSession()
    const user = (
      await a.execute(
        select(f.registry.get('users'))
          .where({ op: 'cmp', column: 'id', cmp: '=', value: 1 })
          .options(selectinload('posts')),
      )
    )
      .scalars()
      .first() as Row
    const posts = user.posts as Row[]
    expect(posts.length).toBeGreaterThan(1)
    // Closing the session detaches everything it held (SQLAlchemy's close()), as they were.
    await a.close()
    user.name = 'Ivan (merged)'
    posts[0].title = 'Edited while detached'

    const b = await f.ownSession({ autoflush: true })
    const merged = await b.merge(user)
    expect(merged).not.toBe(user)
    expect(merged.name).toBe('Ivan (merged)')
    expect((merged.posts as Row[]).map((p) => p.title)).toContain('Edited while detached')
    const selects = b.log.statements().filter((x) => x.startsWith('SELECT'))
    // The user, then its posts in one statement: not one SELECT per post.
    expect(selects).toHaveLength(2)
    expect(b.log.statements().filter((x) => /^(UPDATE|INSERT|DELETE)/.test(x))).toEqual([])
    await b.commit()
    expect(await f.scalar('SELECT name FROM users WHERE id = 1')).toBe('Ivan (merged)')
    expect(await f.scalar(`SELECT count(*) FROM posts WHERE title = 'Edited while detached'`)).toBe(1)
  })

  it('merge(load=False) attaches a clean detached object without any SQL', async () => {
    f = await ormFixture(engine)
    const a = await f.ownSession()
    const user = (await a.get<Row>('users', 2))!
    await a.close()
    const b = await f.ownSession()
    const merged = await b.merge(user, { load: false })
    expect(merged.name).toBe(user.name)
    expect(b.log.statements()).toEqual([])
    expect(stateOf(merged).status).toBe('persistent')
    expect(await b.get('users', 2)).toBe(merged)
    expect(b.log.statements()).toEqual([])
  })
})

describe.each(['sqlite', 'postgres'] as const)("the session's statements as SQLAlchemy sends them, on %s", (engine) => {
  let f: OrmFixture
  afterEach(async () => f?.close())

  it('delete() cascades at once over what is loaded: session.deleted lists every object before the flush', async () => {
    f = await ormFixture(engine, { relationships: { 'users.posts': { cascade: 'all, delete-orphan' } } })
    const s = f.session()
    const user = (await s.get<Row>('users', 1))!
    const posts = await s.load<Row[]>(user, 'posts')
    s.delete(user)
    expect(s.deleted).toHaveLength(1 + posts.length)
    expect(s.deleted).toEqual(expect.arrayContaining([user, ...posts]))
  })

  it('beginNested() sends SAVEPOINT with the next statement, and nothing if none follows', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    await s.get('users', 1)
    const quiet = await s.beginNested()
    await quiet.commit()
    expect(s.log.statements().filter((x) => /SAVEPOINT/.test(x))).toEqual([])
    const sp = await s.beginNested()
    const at = s.log.statements().length
    await s.get('users', 2)
    expect(s.log.statements().slice(at)[0]).toMatch(/^SAVEPOINT "sa_savepoint_1"/)
    await sp.rollback()
    expect(s.log.statements().at(-1)).toMatch(/^ROLLBACK TO SAVEPOINT "sa_savepoint_1"/)
    await s.rollback()
  })

  it('a flush spends a savepoint only when the transaction has already written, and not at all when told not to', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const u = (await s.get<Row>('users', 1))!
    u.name = 'first write'
    await s.flush()
    expect(s.log.statements().some((x) => /schemist_flush/.test(x))).toBe(false)
    u.name = 'second write'
    await s.flush()
    expect(s.log.statements().filter((x) => /schemist_flush/.test(x))).toHaveLength(2)
    await s.rollback()
    const plain = f.session({ flushSavepoint: false })
    const v = (await plain.get<Row>('users', 2))!
    v.name = 'a'
    await plain.flush()
    v.name = 'b'
    await plain.flush()
    expect(plain.log.statements().some((x) => /schemist_flush/.test(x))).toBe(false)
    await plain.rollback()
  })
})

describe.each(['sqlite', 'postgres'] as const)('reading what a commit expired, as the notes do, on %s', (engine) => {
  let f: OrmFixture
  afterEach(async () => f?.close())

  it('refreshAll() reads every expired object and the relationships it had loaded, one SELECT per table and relationship', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const users = (await s.execute(select(f.registry.get('users')).options(selectinload('posts'))))
      .scalars()
      .all() as Row[]
    const posts = users.flatMap((u) => u.posts as Row[])
    users[0].name = 'Renamed'
    await s.commit()
    expect(() => users[0].name).toThrow()
    const at = s.log.statements().length
    expect(await s.refreshAll()).toBe(users.length + posts.length)
    const sent = s.log
      .statements()
      .slice(at)
      .filter((x) => x.startsWith('SELECT'))
    // The posts come back with the relationship's SELECT; then the users' columns.
    expect(sent).toHaveLength(2)
    expect(users[0].name).toBe('Renamed')
    // The notes' `user.posts` after commit, readable again.
    expect((users[0].posts as Row[]).length).toBeGreaterThan(0)
    await s.rollback()
  })
})

describe.each(['sqlite', 'postgres'] as const)('moving a child between loaded parents, on %s', (engine) => {
  let f: OrmFixture
  afterEach(async () => f?.close())

  it("a post given another user leaves the first user's loaded posts at once (it showed under both until a reload)", async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const users = (await s.execute(select(f.registry.get('users')).options(selectinload('posts')).orderBy('id')))
      .scalars()
      .all() as Row[]
    const [first, second] = users
    const post = (first.posts as Row[])[0]
    post.user = second
    expect(first.posts as Row[]).not.toContain(post)
    expect(second.posts as Row[]).toContain(post)
    await s.flush()
    expect(post.user_id).toBe(second.id)
    await s.rollback()
  })
})
