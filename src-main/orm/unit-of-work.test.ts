import { afterEach, describe, expect, it } from 'vitest'
import { col } from '../../src-shared/expr'
import type { Driver } from '../db/driver'
import { col as column, fk, table } from '../sample/sample-schema'
import { ormFixture, statementsOf, type OrmFixture } from '../test-support/orm-fixture'
import { TEST_ENGINES } from '../test-support/databases'
import type { RelatedList } from './entity'
import { FlushError } from './flush'
import { sqlExpression } from './sql-expression'
import { select } from './statements'

type Row = Record<string, unknown> & {
  posts: Row[]
  cities: Row[]
  users: Row[]
  user: Row | null
  profile: Row | null
}

describe.each(TEST_ENGINES)('unit of work on %s', (engine) => {
  let f: OrmFixture
  afterEach(async () => f?.close())
  const stmts = (s: { log: { statements(): string[] } }) =>
    statementsOf(s).filter((x) => !/SAVEPOINT|^BEGIN|^COMMIT/.test(x))

  it('flush inserts parents before children and association rows last', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const u = s.create<Row>('users', { name: 'Мария', login: 'maria' })
    const city = s.create<Row>('cities', { name: 'Тверь', longitude: 35.9, latitude: 56.86 })
    u.posts.push(s.create<Row>('posts', { title: 'Hello' }), s.create<Row>('posts', { title: 'World' }))
    u.cities.push(city)
    s.add(u)
    expect(s.new).toHaveLength(4) // save-update cascade pulled in posts and the city
    await s.flush()
    const order = stmts(s).map((x) => /^(INSERT INTO|UPDATE|DELETE FROM) ("?\w+"?)/.exec(x)?.slice(1).join(' '))
    expect(order.indexOf('INSERT INTO "users"')).toBeLessThan(order.indexOf('INSERT INTO "posts"'))
    expect(order.at(-1)).toBe('INSERT INTO "city_user"')
    expect(u.id).toEqual(expect.any(Number))
    expect(u.posts.every((p) => p.user_id === u.id)).toBe(true)
    expect(u.created_at).toEqual(expect.any(String)) // server default came back with the INSERT
    await s.commit()
    expect(
      await f.scalar(
        'SELECT count(*) FROM city_user WHERE user_id = ' +
          Number(await f.scalar("SELECT id FROM users WHERE login = 'maria'")),
      ),
    ).toBe(1)
  })

  it('flush deletes association rows first and children before parents', async () => {
    f = await ormFixture(engine, {
      relationships: { 'users.posts': { cascade: 'all' }, 'users.profile': { cascade: 'all' } },
    })
    const s = f.session()
    const u = (await s.get<Row>('users', 1))!
    await s.load(u, 'cities')
    s.delete(u)
    await s.flush()
    const order = stmts(s)
      .filter((x) => x.startsWith('DELETE'))
      .map((x) => /DELETE FROM ("?\w+"?)/.exec(x)![1])
    expect(order[0]).toBe('"city_user"')
    expect(order.indexOf('"posts"')).toBeLessThan(order.indexOf('"users"'))
    expect(order.indexOf('"profiles"')).toBeLessThan(order.indexOf('"users"'))
    await s.commit()
    expect(await f.scalar('SELECT count(*) FROM posts WHERE user_id = 1')).toBe(0)
  })

  it('delete-orphan deletes a child removed from its collection', async () => {
    f = await ormFixture(engine, { relationships: { 'users.posts': { cascade: 'all, delete-orphan' } } })
    const s = f.session()
    const u = (await s.get<Row>('users', 1))!
    await s.load(u, 'posts')
    const orphan = u.posts[0]
    ;(u.posts as unknown as RelatedList<Row>).remove(orphan)
    expect(orphan.user).toBeNull() // back_populates mirrored the removal
    await s.commit()
    expect(await f.scalar('SELECT count(*) FROM posts WHERE id = ' + Number(orphan.id ?? 0))).toBe(0)
    expect(await f.scalar('SELECT count(*) FROM posts WHERE user_id = 1')).toBe(1)
  })

  it('passive_deletes leaves unloaded children to ON DELETE CASCADE; without it the ORM loads and deletes them', async () => {
    for (const passive of [true, false]) {
      f = await ormFixture(engine, {
        relationships: {
          'users.posts': { cascade: 'all', passiveDeletes: passive },
          'users.profile': { cascade: 'all', passiveDeletes: passive },
          'users.cities': { passiveDeletes: passive },
        },
      })
      const s = f.session()
      const u = (await s.get<Row>('users', 3))!
      s.log.clear()
      s.delete(u)
      await s.commit()
      const sql = stmts(s)
      if (passive) {
        expect(sql.filter((x) => x.startsWith('SELECT'))).toEqual([])
        expect(sql).toEqual([expect.stringMatching(/^DELETE FROM "users"/)])
      } else {
        expect(sql.some((x) => /^SELECT .* FROM "posts"/.test(x))).toBe(true)
        expect(sql.some((x) => x.startsWith('DELETE FROM "posts"'))).toBe(true)
      }
      expect(await f.scalar('SELECT count(*) FROM posts WHERE user_id = 3')).toBe(0)
      await f.close()
    }
  })

  it('a child moved to another parent gets the new foreign key', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const post = (
      await s.execute(select(f.registry.get('posts')).where(col('title').eq('Isolation levels')))
    ).scalarOne() as Row
    const anna = (await s.get<Row>('users', 4))!
    post.user = anna
    await s.commit()
    expect(await f.scalar("SELECT user_id FROM posts WHERE title = 'Isolation levels'")).toBe(4)
  })

  it('a column assigned a SQL expression is written as SQL (DEFAULT) and expired after the flush', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    await f.driver.query("UPDATE users SET created_at = '2001-02-03 04:05:06' WHERE id = 1")
    const u = (await s.get<Row>('users', 1))!
    const mapper = f.registry.get('users')
    const def = f.driver.dialect.columnDefaultSql(mapper.table.columns[mapper.col('created_at')].serverDefault)
    u.created_at = sqlExpression(def)
    u.name = 'renamed'
    await s.flush()
    const upd = stmts(s).find((x) => x.startsWith('UPDATE'))!
    expect(upd).toContain(`"created_at" = ${def}`)
    expect(() => u.created_at).toThrow(/expired/)
    await s.refresh(u)
    expect(String(u.created_at)).not.toContain('2001')
    expect(u.name).toBe('renamed')
    await s.commit()
    expect(String(await f.scalar('SELECT created_at FROM users WHERE id = 1'))).not.toContain('2001')
  })

  it('a new object given DEFAULT leaves the column out; any other SQL expression on INSERT is refused', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const mapper = f.registry.get('users')
    const def = f.driver.dialect.columnDefaultSql(mapper.table.columns[mapper.col('created_at')].serverDefault)
    const u = s.create<Row>('users', { name: 'n', login: 'sql-default', created_at: sqlExpression(def) })
    s.add(u)
    await s.flush()
    expect(stmts(s).find((x) => x.startsWith('INSERT'))).toMatch(/^INSERT INTO "users" \("name", "login"\)/)
    expect(String(u.created_at)).toMatch(/^\d{4}-/) // the database's default, brought back
    const v = s.create<Row>('users', { name: 'n', login: 'sql-other', created_at: sqlExpression('1 + 1') })
    s.add(v)
    await expect(s.flush()).rejects.toThrow(/SQL expression/)
  })

  it('a failed flush leaves the database unchanged and every pending change in place', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const ok = s.create<Row>('users', { name: 'New', login: 'new_user' })
    const dup = s.create<Row>('users', { name: 'Dup', login: 'ivan' })
    const olga = (await s.get<Row>('users', 2))!
    olga.name = 'Ольга Петровна'
    s.addAll([ok, dup])
    const err = await s.flush().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FlushError)
    expect(err).toMatchObject({ code: 'CONSTRAINT_VIOLATION' })
    expect((err as FlushError).objects).toContain(dup)
    // Nothing reached the database, nothing in the session was lost.
    await s.rollback().catch(() => {})
    expect(await f.scalar("SELECT count(*) FROM users WHERE login = 'new_user'")).toBe(0)
  })

  it("a parent's failed INSERT stops its children's, which were sent behind it; fixed, the flush links them right", async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const ok = s.create<Row>('users', { name: 'New', login: 'new_user' })
    const dup = s.create<Row>('users', { name: 'Dup', login: 'ivan' })
    ok.posts.push(s.create<Row>('posts', { title: 'ok 1' }), s.create<Row>('posts', { title: 'ok 2' }))
    dup.posts.push(s.create<Row>('posts', { title: 'dup 1' }))
    s.addAll([ok, dup])
    const err = await s.flush().catch((e: unknown) => e)
    expect((err as FlushError).objects).toEqual([dup])
    // The posts' INSERT never ran (on SQLite it was sent before the users' answer and skipped).
    expect(stmts(s).some((x) => x.startsWith('INSERT INTO "posts"'))).toBe(false)
    expect([...ok.posts, ...dup.posts].map((p) => p.user_id)).toEqual([null, null, null])
    dup.login = 'dup_fixed'
    await s.flush()
    expect(ok.posts.every((p) => p.user_id === ok.id) && dup.posts[0].user_id === dup.id).toBe(true)
    await s.commit()
    const titles = async (login: string) =>
      (
        await f.driver.query(
          `SELECT p.title FROM posts p JOIN users u ON u.id = p.user_id WHERE u.login = '${login}' ORDER BY p.title`,
        )
      ).rows.flat()
    expect(await titles('new_user')).toEqual(['ok 1', 'ok 2'])
    expect(await titles('dup_fixed')).toEqual(['dup 1'])
  })

  it('a large flush sent in chunks: a failure in a middle chunk undoes every chunk, and fixed, every row links right', async () => {
    // More rows than one batch carries (flush-chain.ts's CHUNK_ROWS): on SQLite the users go in
    // several batches, each post's foreign key a reference to a key of one of them.
    f = await ormFixture(engine)
    const s = f.session()
    const n = 9000
    const users: Row[] = []
    for (let i = 0; i < n; i++) {
      const u = s.create<Row>('users', { name: `bulk ${i}`, login: i === 6000 ? 'ivan' : `bulk_${i}` })
      u.posts.push(s.create<Row>('posts', { title: `post ${i}` }))
      users.push(u)
    }
    s.addAll(users)
    const err = await s.flush().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FlushError)
    expect((err as FlushError).objects).toEqual([users[6000]])
    await s.rollback().catch(() => {})
    expect(await f.scalar("SELECT count(*) FROM users WHERE login LIKE 'bulk%'")).toBe(0)
    expect(await f.scalar("SELECT count(*) FROM posts WHERE title LIKE 'post %'")).toBe(0)
    expect(users.every((u) => u.id === null && u.posts[0].user_id == null)).toBe(true)
    users[6000].login = 'bulk_fixed'
    s.addAll(users)
    await s.flush()
    expect(users.every((u) => typeof u.id === 'number' && u.posts[0].user_id === u.id)).toBe(true)
    await s.commit()
    const wrong = await f.scalar(
      "SELECT count(*) FROM posts p JOIN users u ON u.id = p.user_id WHERE p.title LIKE 'post %' AND substr(p.title, 6) <> substr(u.name, 6)",
    )
    expect(wrong).toBe(0)
    expect(
      await f.scalar("SELECT count(*) FROM posts p JOIN users u ON u.id = p.user_id WHERE u.login LIKE 'bulk%'"),
    ).toBe(n)
  })

  it('a large UPDATE flush sent in chunks: a failure in a middle chunk undoes every chunk, and the retry writes all', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const n = 9000
    const users = Array.from({ length: n }, (_, i) => s.create<Row>('users', { name: `bulk ${i}`, login: `bulk_${i}` }))
    s.addAll(users)
    await s.commit()
    const rename = (i: number) => (i === 6000 ? 'ivan' : `upd_${i}`)
    users.forEach((u, i) => (u.login = rename(i)))
    const err = await s.flush().catch((e: unknown) => e)
    expect(err).toBeInstanceOf(FlushError)
    expect((err as FlushError).objects).toEqual([users[6000]])
    await s.rollback()
    expect(await f.scalar("SELECT count(*) FROM users WHERE login LIKE 'upd%'")).toBe(0)
    users.forEach((u, i) => (u.login = i === 6000 ? 'upd_fixed' : rename(i)))
    await s.commit()
    expect(await f.scalar("SELECT count(*) FROM users WHERE login LIKE 'upd%'")).toBe(n)
    expect(
      await f.scalar("SELECT count(*) FROM users WHERE login LIKE 'upd%' AND substr(login, 5) <> substr(name, 6)"),
    ).toBe(1)
  })

  it('after a failed flush the session can be fixed and flushed again', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    const ok = s.create<Row>('users', { name: 'New', login: 'new_user' })
    const dup = s.create<Row>('users', { name: 'Dup', login: 'ivan' })
    s.addAll([ok, dup])
    await expect(s.flush()).rejects.toMatchObject({ code: 'CONSTRAINT_VIOLATION' })
    expect(s.new).toEqual([ok, dup])
    expect(ok.id).toBeNull()
    dup.login = 'dup_fixed'
    await s.commit()
    expect(await f.scalar("SELECT count(*) FROM users WHERE login IN ('new_user', 'dup_fixed')")).toBe(2)
  })

  it('rows that reference each other are inserted parent first (self-reference) or with post_update (cycle)', async () => {
    f = await ormFixture(engine, {}, async (d: Driver) => {
      const emp = table(
        'staff',
        [
          column('id', 'integer', { primaryKey: 1, autoincrement: true, nullable: false }),
          column('name', 'text'),
          column('manager_id', 'integer'),
        ],
        { foreignKeys: [fk(['manager_id'], 'staff', ['id'])] },
      )
      const a = table(
        'widget',
        [
          column('id', 'integer', { primaryKey: 1, autoincrement: true, nullable: false }),
          column('favorite_entry_id', 'integer'),
        ],
        { foreignKeys: [] },
      )
      const b = table(
        'entry',
        [
          column('id', 'integer', { primaryKey: 1, autoincrement: true, nullable: false }),
          column('widget_id', 'integer', { nullable: false }),
        ],
        { foreignKeys: [fk(['widget_id'], 'widget', ['id'])] },
      )
      for (const t of [emp, a, b]) for (const x of d.dialect.ddl.createTableSql(t)) await d.query(x)
      // The cycle's second edge, added once both tables exist.
      if (d.dialect.capabilities.alterColumn)
        await d.query('ALTER TABLE widget ADD FOREIGN KEY (favorite_entry_id) REFERENCES entry (id)')
    })
    const s = f.session()
    const boss = s.create<Row>('staff', { name: 'Boss' })
    const dev = s.create<Row>('staff', { name: 'Dev' })
    dev.manager = boss
    s.add(dev) // boss comes along by save-update cascade, after dev in add() order
    await s.flush()
    expect(dev.manager_id).toBe(boss.id)
    if (f.registry.get('widget').relationships.has('favorite_entry')) {
      const w = s.create<Row>('widget', {})
      const e = s.create<Row>('entry', {})
      e.widget = w
      w.favorite_entry = e
      s.add(w)
      await s.flush()
      expect(stmts(s).some((x) => /^UPDATE "widget" SET "favorite_entry_id"/.test(x))).toBe(true)
      expect(w.favorite_entry_id).toBe(e.id)
    }
    await s.commit()
  })

  it.skipIf(engine !== 'sqlite')(
    "a child whose foreign key is a parent's server-made value, not its key, waits for the parent's answer (SQLite only: the other engines do not send tables back to back)",
    async () => {
      f = await ormFixture(engine, {}, async (d: Driver) => {
        await d.query(
          'CREATE TABLE codes (id INTEGER PRIMARY KEY, code TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(6)))))',
        )
        await d.query(
          'CREATE TABLE uses (id INTEGER PRIMARY KEY, code TEXT NOT NULL REFERENCES codes (code), note TEXT)',
        )
      })
      const s = f.session()
      const rel = [...f.registry.get('uses').relationships.values()].find((r) => r.target.name === 'codes')!
      const c = s.create<Row>('codes', {})
      const u = s.create<Row>('uses', { note: 'first' })
      u[rel.name] = c
      s.add(u)
      await s.flush()
      expect(c.code).toMatch(/^[0-9a-f]{12}$/)
      expect(u.code).toBe(c.code)
      await s.commit()
      expect(await f.scalar('SELECT count(*) FROM uses JOIN codes USING (code)')).toBe(1)
    },
  )

  it('batches INSERTs: one multi-row statement on PostgreSQL, one executemany on SQLite and MariaDB', async () => {
    f = await ormFixture(engine)
    const s = f.session()
    s.addAll([1, 2, 3].map((i) => s.create('users', { name: `u${i}`, login: `batch${i}` })))
    await s.flush()
    const inserts = s.log.all().filter((e) => e.sql.replaceAll('`', '"').startsWith('INSERT INTO "users"'))
    expect(inserts).toHaveLength(1)
    // Where the driver reports each new key (SQLite's rowid, MariaDB's LAST_INSERT_ID), executemany.
    expect(inserts[0].executions).toBe(engine === 'postgres' ? 1 : 3)
    if (engine === 'postgres') expect(inserts[0].sql).toMatch(/ORDER BY sen_counter RETURNING "id"/)
    const ids = (await s.execute(select(f.registry.get('users')).where(col('login').like('batch%')).orderBy('login')))
      .scalars()
      .all()
      .map((u) => (u as Row).id)
    expect(ids).toEqual([...ids].sort((a, b) => Number(a) - Number(b)))
  })
})
