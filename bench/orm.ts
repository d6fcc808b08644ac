// npm run bench -- orm [--runs=7] [--warmup=3] [--warmup-ms=400] [--users=10000]
// The ORM session manager against raw better-sqlite3 (prepared statements in one transaction)
// and MikroORM 6 (a TypeScript ORM with a unit of work), in this process, on the same data.
import Database from 'better-sqlite3'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Collection, EntitySchema, MikroORM } from '@mikro-orm/better-sqlite'
import pg from 'pg'
import { SqliteDriver } from '../src-main/db/sqlite/sqlite-driver'
import { PostgresDriver } from '../src-main/db/postgres/pg-driver'
import { Playground } from '../src-main/db/playground'
import { Registry } from '../src-main/orm/registry'
import { Session } from '../src-main/orm/session'
import { joinedload, select, selectinload } from '../src-main/orm/statements'
import { argValue, median, report, time } from './bench-lib'

const RUNS = argValue('runs', 7)
/**
 * Runs thrown away first, so every lane is measured with its code warmed up by the JIT: at least
 * this many, and for at least WARMUP_MS (a few runs of a 3 ms load leave a lane's once-per-query
 * code still unoptimised; its figure then swung between 1.8x and 4.2x from run to run).
 */
const WARMUP = argValue('warmup', 3)
const WARMUP_MS = argValue('warmup-ms', 400)
const USERS = argValue('users', 10_000)
const LOAD = 1000
const DDL = `
  CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT NOT NULL);
  CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users (id), title TEXT NOT NULL, body TEXT NOT NULL);
  CREATE INDEX posts_user_id ON posts (user_id);`

const dir = mkdtempSync(join(tmpdir(), 'schemist-bench-orm-'))
let n = 0
/** A fresh file in WAL mode with synchronous=NORMAL, empty or seeded. */
function freshDb(seed: boolean): string {
  const path = join(dir, `db${n++}.sqlite`)
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.exec(DDL)
  if (seed) {
    const u = db.prepare('INSERT INTO users (name, email) VALUES (?, ?)')
    const p = db.prepare('INSERT INTO posts (user_id, title, body) VALUES (?, ?, ?)')
    db.transaction(() => {
      for (let i = 0; i < USERS; i++) {
        const id = u.run(`user ${i}`, `user${i}@example.com`).lastInsertRowid
        p.run(id, `post ${i}a`, 'body')
        p.run(id, `post ${i}b`, 'body')
      }
    })()
  }
  db.close()
  return path
}

/**
 * A lane opens one connection and keeps it for all its runs, as the app keeps a tab's
 * connection (for Schemist, its SQLite worker thread), so every lane is measured warmed up.
 */
type Lane<C> = {
  open(path: string): Promise<C>
  close(c: C): Promise<void>
  insert(c: C): Promise<number>
  loadSelectin(c: C): Promise<number>
  loadJoined(c: C): Promise<number>
  flushUpdate(c: C): Promise<number>
}
type Work = Exclude<keyof Lane<unknown>, 'open' | 'close'>

// ---- raw better-sqlite3 --------------------------------------------------------------------
const raw: Lane<Database.Database> = {
  async open(path) {
    const db = new Database(path)
    db.pragma('synchronous = NORMAL')
    return db
  },
  async close(db) {
    db.close()
  },
  async insert(db) {
    const u = db.prepare('INSERT INTO users (name, email) VALUES (?, ?)')
    const p = db.prepare('INSERT INTO posts (user_id, title, body) VALUES (?, ?, ?)')
    return time(() =>
      db.transaction(() => {
        for (let i = 0; i < USERS; i++) {
          const id = u.run(`user ${i}`, `user${i}@example.com`).lastInsertRowid
          p.run(id, `post ${i}a`, 'body')
          p.run(id, `post ${i}b`, 'body')
        }
      })(),
    )
  },
  async loadSelectin(db) {
    return time(() => {
      const users = db.prepare('SELECT id, name, email FROM users ORDER BY id LIMIT ?').all(LOAD) as {
        id: number
        posts?: unknown[]
      }[]
      const byId = new Map(users.map((x) => [x.id, Object.assign(x, { posts: [] as unknown[] })]))
      for (let i = 0; i < users.length; i += 500) {
        const ids = users.slice(i, i + 500).map((x) => x.id)
        const rows = db
          .prepare(`SELECT id, user_id, title, body FROM posts WHERE user_id IN (${ids.map(() => '?').join(',')})`)
          .all(...ids) as { user_id: number }[]
        for (const r of rows) byId.get(r.user_id)!.posts!.push(r)
      }
    })
  },
  async loadJoined(db) {
    return time(() => {
      const rows = db
        .prepare(
          'SELECT u.id, u.name, u.email, p.id AS pid, p.user_id, p.title, p.body FROM (SELECT * FROM users ORDER BY id LIMIT ?) AS u LEFT JOIN posts p ON p.user_id = u.id',
        )
        .all(LOAD) as { id: number; pid: number }[]
      const byId = new Map<number, { posts: unknown[] }>()
      for (const r of rows) {
        let u = byId.get(r.id)
        if (!u) byId.set(r.id, (u = { ...r, posts: [] }))
        if (r.pid) u.posts.push(r)
      }
    })
  },
  async flushUpdate(db) {
    const users = db.prepare('SELECT id, name, email FROM users').all() as { id: number; name: string }[]
    for (const u of users) u.name = `${u.name}!`
    const upd = db.prepare('UPDATE users SET name = ? WHERE id = ?')
    return time(() => db.transaction(() => users.forEach((u) => upd.run(u.name, u.id)))())
  },
}

// ---- Schemist's session manager -------------------------------------------------------------
type U = { name: string; email: string; posts: object[] }
type Ours = { driver: SqliteDriver; registry: Registry }
const ours: Lane<Ours> = {
  async open(path) {
    const driver = await SqliteDriver.open({ engine: 'sqlite', path, create: false, readOnly: false })
    await driver.query('PRAGMA synchronous = NORMAL')
    return { driver, registry: new Registry(await driver.dialect.introspect(driver), driver.dialect) }
  },
  async close({ driver }) {
    await driver.close()
  },
  async insert({ driver, registry }) {
    const s = new Session(driver, registry, { expireOnCommit: false })
    const users = registry.get('users')
    const posts = registry.get('posts')
    // Where the time goes: the batches' time in flight to the SQLite worker (and the database
    // there), from the first sent to the last answered while any is out (the flush sends a
    // table's rows while the one before it still runs, so this overlaps some of the unit of
    // work's JS); the objects made; the rest is the unit of work's own JS, outside those spans.
    const run = driver.runBatch.bind(driver)
    let batch = 0
    let out = 0
    let since = 0
    driver.runBatch = async (steps) => {
      if (out++ === 0) since = performance.now()
      try {
        return await run(steps)
      } finally {
        if (--out === 0) batch += performance.now() - since
      }
    }
    let created = 0
    const total = await time(async () => {
      const t = performance.now()
      const all: object[] = []
      for (let i = 0; i < USERS; i++) {
        const u = s.create<U>(users, { name: `user ${i}`, email: `user${i}@example.com` })
        u.posts.push(
          s.create(posts, { title: `post ${i}a`, body: 'body' }),
          s.create(posts, { title: `post ${i}b`, body: 'body' }),
        )
        all.push(u)
      }
      created = performance.now() - t
      s.addAll(all)
      await s.commit()
    })
    driver.runBatch = run
    insertParts.push({ created, batch, flush: total - created - batch })
    return total
  },
  async loadSelectin({ driver, registry }) {
    const s = new Session(driver, registry, { expireOnCommit: false })
    const t = await time(async () =>
      (await s.execute(select(registry.get('users')).options(selectinload('posts')).orderBy('id').limit(LOAD)))
        .scalars()
        .all(),
    )
    await s.close()
    return t
  },
  async loadJoined({ driver, registry }) {
    const s = new Session(driver, registry, { expireOnCommit: false })
    const t = await time(async () =>
      (await s.execute(select(registry.get('users')).options(joinedload('posts')).orderBy('id').limit(LOAD)))
        .scalars()
        .all(),
    )
    await s.close()
    return t
  },
  async flushUpdate({ driver, registry }) {
    const s = new Session(driver, registry, { expireOnCommit: false })
    const all = (await s.execute(select(registry.get('users')))).scalars().all() as U[]
    await s.commit()
    for (const u of all) u.name = `${u.name}!`
    return time(() => s.commit())
  },
}

/** The insert lane's runs, split (see `ours.insert`). */
const insertParts: { created: number; batch: number; flush: number }[] = []

// ---- MikroORM 6 ----------------------------------------------------------------------------
class MUser {
  id!: number
  name!: string
  email!: string
  posts = new Collection<MPost>(this)
}
class MPost {
  id!: number
  title!: string
  body!: string
  user!: MUser
}
const UserSchema = new EntitySchema<MUser>({
  class: MUser,
  tableName: 'users',
  properties: {
    id: { type: 'number', primary: true },
    name: { type: 'string' },
    email: { type: 'string' },
    posts: { kind: '1:m', entity: () => MPost, mappedBy: 'user' },
  },
})
const PostSchema = new EntitySchema<MPost>({
  class: MPost,
  tableName: 'posts',
  properties: {
    id: { type: 'number', primary: true },
    title: { type: 'string' },
    body: { type: 'string' },
    user: { kind: 'm:1', entity: () => MUser, fieldName: 'user_id' },
  },
})
async function mikro(path: string) {
  const orm = await MikroORM.init({
    dbName: path,
    entities: [UserSchema, PostSchema],
    debug: false,
    allowGlobalContext: true,
    discovery: { disableDynamicFileAccess: true },
  })
  await orm.em.getConnection().execute('PRAGMA synchronous = NORMAL')
  return orm
}
const mikroLane: Lane<MikroORM> = {
  open: mikro,
  async close(orm) {
    await orm.close()
  },
  async insert(orm) {
    const em = orm.em.fork()
    return time(async () => {
      for (let i = 0; i < USERS; i++) {
        const u = em.create(MUser, { name: `user ${i}`, email: `user${i}@example.com` })
        em.create(MPost, { title: `post ${i}a`, body: 'body', user: u })
        em.create(MPost, { title: `post ${i}b`, body: 'body', user: u })
      }
      await em.flush()
    })
  },
  async loadSelectin(orm) {
    const em = orm.em.fork()
    return time(() =>
      em.find(MUser, {}, { populate: ['posts'], orderBy: { id: 'asc' }, limit: LOAD, strategy: 'select-in' }),
    )
  },
  async loadJoined(orm) {
    const em = orm.em.fork()
    return time(() =>
      em.find(MUser, {}, { populate: ['posts'], orderBy: { id: 'asc' }, limit: LOAD, strategy: 'joined' }),
    )
  },
  async flushUpdate(orm) {
    const em = orm.em.fork()
    const all = await em.find(MUser, {})
    for (const u of all) u.name = `${u.name}!`
    return time(() => em.flush())
  },
}

/** Warm-up runs and measured runs on one connection; inserts start from empty tables each time. */
async function measure<C>(lane: Lane<C>, work: Work): Promise<number> {
  const path = freshDb(work !== 'insert')
  const conn = await lane.open(path)
  const samples: number[] = []
  try {
    const warmUntil = performance.now() + WARMUP_MS
    for (let r = 0; r < WARMUP || (performance.now() < warmUntil && r < 500); r++) {
      if (work === 'insert') empty(path)
      await lane[work](conn)
    }
    for (let r = 0; r < RUNS; r++) {
      if (work === 'insert') empty(path)
      samples.push(await lane[work](conn))
    }
  } finally {
    await lane.close(conn)
  }
  return median(samples)
}

function empty(path: string) {
  const db = new Database(path)
  db.exec('DELETE FROM posts; DELETE FROM users')
  db.close()
}

async function verify() {
  // The lanes must do the same work: check our insert lane's result.
  const path = freshDb(false)
  const conn = await ours.open(path)
  await ours.insert(conn)
  await ours.close(conn)
  const db = new Database(path)
  const c = db
    .prepare(
      'SELECT (SELECT count(*) FROM users) AS u, (SELECT count(*) FROM posts) AS p, (SELECT count(*) FROM posts p JOIN users u ON u.id = p.user_id) AS j',
    )
    .get() as { u: number; p: number; j: number }
  db.close()
  if (c.u !== USERS || c.p !== 2 * USERS || c.j !== 2 * USERS) throw new Error(`insert lane wrote ${JSON.stringify(c)}`)
}

async function main() {
  await verify()
  const works: { work: Work; name: string; target: number }[] = [
    { work: 'insert', name: 'insert', target: 2 },
    { work: 'loadSelectin', name: 'load_selectin', target: 3 },
    { work: 'loadJoined', name: 'load_joined', target: 3 },
    { work: 'flushUpdate', name: 'flush_update', target: 2 },
  ]
  for (const { work, name, target } of works) {
    const r = await measure(raw, work)
    const o = await measure(ours, work)
    const m = await measure(mikroLane, work)
    console.log(`${name}: raw ${r.toFixed(1)} ms, schemist ${o.toFixed(1)} ms, mikro-orm ${m.toFixed(1)} ms`)
    report(`orm.${name}.ms`, o, 'ms')
    report(`orm.${name}.vs_raw`, o / r, 'x', target)
    report(`orm.${name}.vs_mikroorm`, o / m, 'x')
    if (work === 'insert') {
      // The measured runs only (the last RUNS of them), each part's median.
      const parts = insertParts.slice(-RUNS)
      const part = (k: 'created' | 'batch' | 'flush') => median(parts.map((x) => x[k]))
      console.log(
        `  where it goes: objects made ${part('created').toFixed(1)} ms, the unit of work's JS (cascade, plan, keys, bookkeeping) ${part('flush').toFixed(1)} ms, ` +
          `the batches in flight to the SQLite worker and the inserts there ${part('batch').toFixed(1)} ms (raw better-sqlite3 does the same inserts in ${r.toFixed(1)} ms in process); ` +
          'from the renderer a flush is one bridge request (an empty round trip is ~0.25 ms, see bench grid)',
      )
      report('orm.insert.parts.objects_ms', part('created'), 'ms')
      report('orm.insert.parts.unit_of_work_js_ms', part('flush'), 'ms')
      report('orm.insert.parts.worker_batch_ms', part('batch'), 'ms')
      report('orm.insert.parts.worker_batch.vs_raw', part('batch') / r, 'x')
    }
  }
  await postgresFlushes()
  rmSync(dir, { recursive: true, force: true })
}

/**
 * Small flushes inside one PostgreSQL transaction (modify one object, flush, 200 times): where a
 * flush's SAVEPOINT/RELEASE costs two round trips each. Against raw pg sending the same UPDATEs,
 * with the flush savepoint on (the default: used once the transaction has written) and off.
 */
async function postgresFlushes() {
  const FLUSHES = argValue('flushes', 200)
  const playground = new Playground(join(dir, 'pgdata'), async () => {})
  await playground.start()
  try {
    const config = await playground.config()
    const pgc = new pg.Client({
      host: config.host,
      port: config.port,
      user: config.user,
      password: config.password,
      database: config.database,
    })
    await pgc.connect()
    await pgc.query(
      'DROP TABLE IF EXISTS bench_users; CREATE TABLE bench_users (id integer PRIMARY KEY, name text NOT NULL)',
    )
    await pgc.query(`INSERT INTO bench_users SELECT i, 'user ' || i FROM generate_series(1, ${FLUSHES}) AS i`)
    const rawRun = async () => {
      const t0 = performance.now()
      await pgc.query('BEGIN')
      for (let i = 1; i <= FLUSHES; i++)
        await pgc.query('UPDATE bench_users SET name = $1 WHERE id = $2', [`user ${i}!`, i])
      await pgc.query('COMMIT')
      return performance.now() - t0
    }
    const driver = await PostgresDriver.open(config)
    const registry = new Registry(await driver.dialect.introspect(driver), driver.dialect)
    let statements = 0
    const oursRun = (flushSavepoint: boolean) => async () => {
      const s = new Session(driver, registry, { expireOnCommit: false, flushSavepoint })
      const all = (await s.execute(select(registry.get('bench_users')).orderBy('id'))).scalars().all() as {
        name: string
      }[]
      const before = s.log.all().length
      const t0 = performance.now()
      for (const u of all) {
        u.name = `${u.name}!`
        await s.flush()
      }
      await s.commit()
      const ms = performance.now() - t0
      statements = s.log.all().length - before
      await s.close()
      return ms
    }
    const med = async (f: () => Promise<number>) => {
      const xs: number[] = []
      for (let i = 0; i < 5; i++) xs.push(await f())
      return median(xs)
    }
    // The everyday pattern: change objects, commit once. The one flush runs in a transaction that
    // has not written yet, so it spends no savepoint (before the change every flush in a transaction did).
    let commitStatements = 0
    const oursCommit = async () => {
      const s = new Session(driver, registry, { expireOnCommit: false })
      const all = (await s.execute(select(registry.get('bench_users')).orderBy('id'))).scalars().all() as {
        name: string
      }[]
      const before = s.log.all().length
      const t0 = performance.now()
      for (const u of all) u.name = `${u.name}?`
      await s.commit()
      const ms = performance.now() - t0
      commitStatements = s.log.all().filter((e, i) => i >= before && /SAVEPOINT/i.test(e.sql)).length
      await s.close()
      return ms
    }
    const rawCommit = async () => {
      const t0 = performance.now()
      await pgc.query('BEGIN')
      for (let i = 1; i <= FLUSHES; i++)
        await pgc.query('UPDATE bench_users SET name = $1 WHERE id = $2', [`user ${i}?`, i])
      await pgc.query('COMMIT')
      return performance.now() - t0
    }
    const rc = await med(rawCommit)
    const oc = await med(oursCommit)
    console.log(
      `postgres: ${FLUSHES} objects changed, one commit: raw (the same UPDATEs) ${rc.toFixed(1)} ms, schemist ${oc.toFixed(1)} ms, ${commitStatements} savepoint statements`,
    )
    report('orm.pg_commit.vs_raw', oc / rc, 'x')
    report('orm.pg_commit.savepoint_statements', commitStatements, 'count', 0)
    const r = await med(rawRun)
    const on = await med(oursRun(true))
    const onStatements = statements
    const off = await med(oursRun(false))
    console.log(
      `postgres ${FLUSHES} flushes in a transaction: raw ${r.toFixed(1)} ms, schemist ${on.toFixed(1)} ms (${onStatements} statements, flush savepoint on), ${off.toFixed(1)} ms (${statements} statements, off)`,
    )
    report('orm.pg_flush.vs_raw', on / r, 'x')
    report('orm.pg_flush_no_savepoint.vs_raw', off / r, 'x')
    report('orm.pg_flush.savepoint_cost', on / off, 'x')
    await driver.close()
    await pgc.end()
  } finally {
    await playground.stop()
  }
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
