import { writeFileSync } from 'node:fs'
import { spawn } from 'node:child_process'
import { afterEach, describe, expect, it } from 'vitest'
import { AppError } from '../../../src-shared/errors'
import type { WaitEvent } from '../driver'
import { tempSqlitePath } from '../../test-support/databases'
import { SqliteDriver } from './sqlite-driver'

/** Another process (plain better-sqlite3) that takes an exclusive lock, inserts a row, and commits after `ms`. */
function holdExclusive(path: string, ms: number) {
  const child = spawn(
    process.execPath,
    [
      '-e',
      `const D = require('better-sqlite3'); const d = new D(${JSON.stringify(path)}); d.exec('BEGIN EXCLUSIVE'); d.exec('INSERT INTO t VALUES (0)'); console.log('locked'); setTimeout(() => { d.exec('COMMIT'); d.close() }, ${ms})`,
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  )
  const locked = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (b) => String(b).includes('locked') && resolve())
    child.once('exit', (code) => reject(new Error(`the lock holder exited early (${code})`)))
  })
  const done = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return { locked, done }
}

const open = (path: string, busyTimeoutMs = 5000) =>
  SqliteDriver.open({ engine: 'sqlite', path, create: true, readOnly: false }, { busyTimeoutMs })

describe('SqliteDriver', () => {
  const drivers: SqliteDriver[] = []
  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((d) => d.close().catch(() => {})))
  })
  const track = async (p: Promise<SqliteDriver>) => {
    const d = await p
    drivers.push(d)
    return d
  }

  it('a worker that dies mid-statement: the statement and the ones queued behind it fail as a lost connection, and it says so once', async () => {
    const d = await track(open(tempSqlitePath()))
    const lost: string[] = []
    d.onLost((m) => lost.push(m))
    // A statement busy long enough to be in flight when the thread goes.
    const long = d.query(
      'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000000) SELECT count(*) FROM n',
    )
    const queued = d.query('SELECT 1')
    // Both are sent (in flight, queued) as soon as query() returns: no wait is needed to be sure.
    await (d as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate()
    await expect(long).rejects.toMatchObject({ code: 'CONNECTION_LOST' })
    await expect(queued).rejects.toMatchObject({ code: 'CONNECTION_LOST' })
    await expect(d.query('SELECT 1')).rejects.toMatchObject({ code: 'CONNECTION_LOST' })
    expect(lost).toEqual(['SQLite worker exited'])
  })

  it('a lock held by one connection blocks neither another connection nor the main thread', async () => {
    const path = tempSqlitePath()
    const a = await track(open(path))
    await a.query('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)')
    const b = await track(open(path))
    const c = await track(open(path))
    const waits: WaitEvent[] = []
    b.onWait((w) => waits.push(w))

    await a.query('BEGIN IMMEDIATE')
    await a.query("INSERT INTO t (v) VALUES ('from a')")
    // b wants to write too: it must wait for a's lock, on its own thread.
    const bWrite = b.query("INSERT INTO t (v) VALUES ('from b')", [], { queryId: 'q-b' })

    // The main thread keeps ticking while b waits: ten timer ticks happen before b is done.
    let bDone = false
    void bWrite.finally(() => (bDone = true))
    const ticksWhileWaiting = await new Promise<number>((resolve) => {
      let n = 0
      const iv = setInterval(() => {
        if (++n >= 10 || bDone) {
          clearInterval(iv)
          resolve(bDone ? -1 : n)
        }
      }, 10)
    })
    expect(ticksWhileWaiting).toBe(10)
    // Another connection still reads (the committed state, without a's row).
    const read = await c.query('SELECT count(*) AS n FROM t')
    expect(read.rows[0][0]).toBe(0)
    expect(waits).toEqual([expect.objectContaining({ queryId: 'q-b', waiting: true })])

    await a.query('COMMIT')
    const r = await bWrite
    expect(r.rowCount).toBe(1)
    expect(waits.at(-1)).toMatchObject({ waiting: false })
    expect((await c.query('SELECT v FROM t ORDER BY id')).rows).toEqual([['from a'], ['from b']])
  })

  it('a request the thread boundary cannot carry fails alone; the next statement on the connection answers', async () => {
    const d = await track(open(tempSqlitePath()))
    await expect(d.query('SELECT ?', [() => 1])).rejects.toMatchObject({ code: 'BAD_REQUEST' })
    expect((await d.query('SELECT 42 AS x')).rows).toEqual([[42]])
  })

  it('opening a file another process holds an exclusive lock on waits for it within the busy timeout', async () => {
    const path = tempSqlitePath()
    const setup = await open(path)
    await setup.query('CREATE TABLE t (v INTEGER)')
    await setup.close()
    const holder = holdExclusive(path, 1500)
    await holder.locked
    const d = await track(open(path))
    await d.query('INSERT INTO t VALUES (1)')
    expect((await d.query('SELECT count(*) FROM t')).rows).toEqual([[2]])
    await holder.done
  })

  it('reports SQLITE_BUSY after the busy timeout and leaves the transaction open', async () => {
    const path = tempSqlitePath()
    const a = await track(open(path))
    await a.query('CREATE TABLE t (v TEXT)')
    const b = await track(open(path, 200))
    await a.query('BEGIN IMMEDIATE')
    await b.query('BEGIN')
    const err = await b.query("INSERT INTO t VALUES ('x')").catch((e) => e)
    expect(err).toBeInstanceOf(AppError)
    expect(err.code).toBe('BUSY')
    expect(err.message).toMatch(/transaction is still open/)
    // b is still inside its transaction: a second BEGIN fails.
    await expect(b.query('BEGIN')).rejects.toThrow(/within a transaction/)
    await b.query('ROLLBACK')
    await a.query('ROLLBACK')
  })

  it('a read transaction upgrading to write while another connection writes gets SQLITE_BUSY at once, as in SQLite', async () => {
    const path = tempSqlitePath()
    const a = await track(open(path))
    await a.query('CREATE TABLE t (id INTEGER PRIMARY KEY, v INTEGER)')
    await a.query('INSERT INTO t VALUES (1, 10)')
    const b = await track(open(path, 5000))
    const waits: WaitEvent[] = []
    b.onWait((w) => waits.push(w))
    await a.query('BEGIN')
    await a.query('UPDATE t SET v = 11 WHERE id = 1')
    await b.query('BEGIN')
    expect((await b.query('SELECT v FROM t')).rows).toEqual([[10]])
    const started = Date.now()
    const err = await b.query('UPDATE t SET v = 12 WHERE id = 1').catch((e: unknown) => e)
    expect(Date.now() - started).toBeLessThan(1000) // not the 5 s busy timeout
    expect(err).toMatchObject({ code: 'BUSY' })
    expect(waits).toEqual([])
    await b.query('ROLLBACK')
    await a.query('COMMIT')
  })

  it('cancels a statement waiting on a lock at once', async () => {
    const path = tempSqlitePath()
    const a = await track(open(path))
    await a.query('CREATE TABLE t (v TEXT)')
    const b = await track(open(path, 60_000))
    await a.query('BEGIN IMMEDIATE')
    const waits = new Promise<void>((resolve) => b.onWait((w) => w.waiting && resolve()))
    const waiting = b.query("INSERT INTO t VALUES ('x')").then(
      () => null,
      (e: unknown) => e,
    )
    await waits
    const started = Date.now()
    expect(await b.cancel()).toBe(true)
    expect(await waiting).toMatchObject({ code: 'CANCELLED' })
    expect(Date.now() - started).toBeLessThan(1000)
    // The connection still works afterwards.
    expect((await b.query('SELECT 1 AS one')).rows).toEqual([[1]])
    await a.query('ROLLBACK')
  })

  it('cancels a long computation by resetting the worker', async () => {
    const b = await track(
      SqliteDriver.open(
        { engine: 'sqlite', path: tempSqlitePath(), create: true, readOnly: false },
        { cancelGraceMs: 100 },
      ),
    )
    const long = b
      .query(
        'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 200000000) SELECT count(*) FROM c',
      )
      .then(
        () => null,
        (e: unknown) => e,
      )
    // In flight as soon as query() returns.
    expect(await b.cancel()).toBe(true)
    expect(await long).toMatchObject({ code: 'CANCELLED' })
    expect((await b.query('SELECT 2 AS two')).rows).toEqual([[2]])
  })

  describe('batches posted behind a running batch (a flush in chunks)', () => {
    const insert = (d: SqliteDriver, ...vs: string[]) =>
      d.runBatch([{ sql: 'INSERT INTO t (v) VALUES (?)', params: vs.map((v) => [v]) }])
    const setup = async (options: { cancelGraceMs?: number } = {}) => {
      const d = await track(
        SqliteDriver.open({ engine: 'sqlite', path: tempSqlitePath(), create: true, readOnly: false }, options),
      )
      await d.query('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)')
      await d.query('CREATE TABLE slow (n INTEGER)')
      return d
    }
    const behind = (d: SqliteDriver) => (d as unknown as { behind: unknown[] }).behind.length
    /** A batch busy long enough (seconds) that the ones after it are posted while it runs. */
    const slow = (d: SqliteDriver) =>
      d.runBatch([
        {
          sql: 'INSERT INTO slow WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT x FROM c',
          params: [[3_000_000]],
        },
      ])

    it('go to the worker at once, answer in order, fail alone; a query waits for them', async () => {
      const d = await setup()
      const first = slow(d)
      const ok1 = insert(d, 'a', 'b')
      const dup = insert(d, 'a')
      const ok2 = insert(d, 'c')
      const read = d.query('SELECT v FROM t ORDER BY v')
      // The batches went behind the running one; the query (not a batch) waits here.
      expect(behind(d)).toBe(3)
      await first
      expect((await ok1)[0].changes).toEqual([1, 1])
      await expect(dup).rejects.toMatchObject({ code: 'CONSTRAINT_VIOLATION' })
      expect((await ok2)[0].changes).toEqual([1])
      expect((await read).rows).toEqual([['a'], ['b'], ['c']])
    })

    it('a worker that dies fails them all as a lost connection', async () => {
      const d = await setup()
      const all = [slow(d), insert(d, 'a'), insert(d, 'b')]
      expect(behind(d)).toBe(2)
      await (d as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate()
      for (const p of all) await expect(p).rejects.toMatchObject({ code: 'CONNECTION_LOST' })
    })

    it('cancelling the running one by resetting the worker fails those behind it too; the connection goes on', async () => {
      const d = await setup({ cancelGraceMs: 100 })
      const all = [slow(d), insert(d, 'a'), insert(d, 'b')].map((p) =>
        p.then(
          () => null,
          (e: unknown) => e,
        ),
      )
      expect(await d.cancel()).toBe(true)
      for (const p of all) expect(await p).toMatchObject({ code: 'CANCELLED' })
      expect((await d.query('SELECT count(*) FROM t')).rows).toEqual([[0]])
    })
  })

  it('says clearly when a file is not a SQLite database, or does not exist', async () => {
    const path = tempSqlitePath('notes.txt')
    writeFileSync(path, 'These are my notes, not a database. '.repeat(100))
    await expect(SqliteDriver.open({ engine: 'sqlite', path, create: false, readOnly: false })).rejects.toMatchObject({
      code: 'NOT_A_DATABASE',
      message: expect.stringMatching(/not a SQLite database/),
    })
    await expect(
      SqliteDriver.open({ engine: 'sqlite', path: path + '.missing', create: false, readOnly: false }),
    ).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })
  })

  it('maps constraint violations and syntax errors, and round-trips blobs and big integers', async () => {
    const d = await track(open(tempSqlitePath()))
    await d.query('CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB, n INTEGER UNIQUE)')
    await d.query('INSERT INTO t (b, n) VALUES (?, ?)', [{ $blob: '00ff10' }, { $bigint: '9007199254740993' }])
    expect((await d.query('SELECT b, n FROM t')).rows).toEqual([[{ $blob: '00ff10' }, { $bigint: '9007199254740993' }]])
    await expect(d.query('INSERT INTO t (n) VALUES (?)', [{ $bigint: '9007199254740993' }])).rejects.toMatchObject({
      code: 'CONSTRAINT_VIOLATION',
    })
    await expect(d.query('SELEC 1')).rejects.toMatchObject({
      code: 'SQL_ERROR',
      message: expect.stringMatching(/syntax error/),
    })
  })

  it('reads integers exactly past 2^53, in a SELECT, in a row among safe ones and through RETURNING', async () => {
    const d = await track(open(tempSqlitePath()))
    await d.query('CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER, r REAL)')
    await d.query('INSERT INTO t (n, r) VALUES (1, 1e20), (?, 2.5), (?, -1e300)', [
      { $bigint: '-9223372036854775808' },
      { $bigint: '9007199254740993' },
    ])
    // Integers read exactly; reals past 2^53 stay numbers (a double is what SQLite stored).
    expect((await d.query('SELECT n, r FROM t ORDER BY id')).rows).toEqual([
      [1, 1e20],
      [{ $bigint: '-9223372036854775808' }, 2.5],
      [{ $bigint: '9007199254740993' }, -1e300],
    ])
    expect((await d.query('SELECT n FROM t WHERE id = 1')).rows).toEqual([[1]])
    // A statement that writes is read once, exactly: RETURNING does not run twice.
    const back = await d.query('INSERT INTO t (n) VALUES (?) RETURNING n', [{ $bigint: '9223372036854775807' }])
    expect(back.rows).toEqual([[{ $bigint: '9223372036854775807' }]])
    expect((await d.query('SELECT count(*) FROM t')).rows).toEqual([[4]])
  })

  it('large results carry the same cells as small ones (blobs, big integers, infinity, unicode)', async () => {
    const d = await track(open(tempSqlitePath()))
    const sql =
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) SELECT i, x'00ff', 9007199254740993, 1e999, 'Тверь \"q\" ' || i, NULL, 0.5 FROM n"
    const small = (await d.query(sql, [3])).rows
    const large = (await d.query(sql, [40])).rows
    expect(large.slice(0, 3)).toEqual(small)
    expect(large[39]).toEqual([
      40,
      { $blob: '00ff' },
      { $bigint: '9007199254740993' },
      'Infinity',
      'Тверь "q" 40',
      null,
      0.5,
    ])
  })

  it('large results of numbers, strings and NULLs (sent as columns) carry the same cells as small ones', async () => {
    const d = await track(open(tempSqlitePath()))
    const plain =
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ?) SELECT i, i * 0.25, CASE WHEN i % 3 THEN 'Тверь ' || i END, '', NULL, -i FROM n"
    const small = (await d.query(plain, [3])).rows
    const large = (await d.query(plain, [400])).rows
    expect(large.slice(0, 3)).toEqual(small)
    expect(large[398]).toEqual([399, 99.75, null, '', null, -399])
    expect(large[399]).toEqual([400, 100, 'Тверь 400', '', null, -400])
    // A column holding numbers in some rows and text in others (SQLite's loose typing).
    const loose = (
      await d.query(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) SELECT CASE WHEN i % 2 THEN i ELSE 't' || i END FROM n",
      )
    ).rows
    expect(loose.slice(0, 2)).toEqual([[1], ['t2']])
  })

  it("a batch sent before its parent batch answered takes the parent's keys from the worker (BatchStep.refs)", async () => {
    const d = await track(open(tempSqlitePath()))
    await d.query('CREATE TABLE p (id INTEGER PRIMARY KEY, name TEXT UNIQUE)')
    await d.query('CREATE TABLE c (id INTEGER PRIMARY KEY, p_id INTEGER NOT NULL REFERENCES p (id), note TEXT)')
    await d.query('INSERT INTO p (name) VALUES (?)', ['taken'])
    await d.query('BEGIN')
    // Twelve parents (the rows travel as JSON past eight), children pointing at parents 11 and 0, and one at id 7 (p5) as given.
    const parents = Array.from({ length: 12 }, (_, i) => [`p${i}`])
    const children = [
      [null, 'a'],
      [null, 'b'],
      [7, 'c'],
    ]
    const sentP = d.runBatch([
      { sql: 'INSERT INTO p (name) VALUES (?)', params: parents, returning: 'lastInsertId', keys: 'k1' },
    ])
    const sentC = d.runBatch([
      {
        sql: 'INSERT INTO c (p_id, note) VALUES (?, ?)',
        params: children,
        refs: [{ column: 0, from: 'k1', rows: Int32Array.of(11, 0, -1) }],
      },
    ])
    const [[pr], [cr]] = await Promise.all([sentP, sentC])
    expect(pr.ids).toHaveLength(12)
    // The child rows' parameters now say what ran; row 3 kept its own value.
    expect(children).toEqual([
      [pr.ids![11], 'a'],
      [pr.ids![0], 'b'],
      [7, 'c'],
    ])
    expect(cr.changes).toEqual([1, 1, 1])
    const rows = (await d.query('SELECT p.name, c.note FROM c JOIN p ON p.id = c.p_id ORDER BY c.id')).rows
    expect(rows).toEqual([
      ['p11', 'a'],
      ['p0', 'b'],
      ['p5', 'c'],
    ])
    // A failed parent batch: the child batch behind it does not run, and says why.
    const failing = d.runBatch([
      { sql: 'INSERT INTO p (name) VALUES (?)', params: [['x'], ['taken']], returning: 'lastInsertId', keys: 'k2' },
    ])
    const orphan = d.runBatch([
      {
        sql: 'INSERT INTO c (p_id, note) VALUES (?, ?)',
        params: [[null, 'z']],
        refs: [{ column: 0, from: 'k2', rows: Int32Array.of(0) }],
      },
    ])
    await expect(failing).rejects.toMatchObject({ code: 'CONSTRAINT_VIOLATION', details: { step: 0, row: 1 } })
    await expect(orphan).rejects.toMatchObject({
      details: { skipped: true },
      message: expect.stringMatching(/^Not run/),
    })
    expect((await d.query("SELECT count(*) FROM c WHERE note = 'z'")).rows).toEqual([[0]])
    // Kept keys go with the next statement of another kind.
    await expect(
      d.runBatch([
        {
          sql: 'INSERT INTO c (p_id) VALUES (?)',
          params: [[null]],
          refs: [{ column: 0, from: 'k1', rows: Int32Array.of(0) }],
        },
      ]),
    ).rejects.toMatchObject({ details: { skipped: true } })
    await d.query('ROLLBACK')
  })
})
