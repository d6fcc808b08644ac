import { afterEach, describe, expect, it } from 'vitest'
import type { Driver } from './driver'
import { ENGINES } from '../test-support/databases'

describe.each(ENGINES)('runBatch on $name', ({ open }) => {
  let d: Driver
  afterEach(async () => d?.close())

  it('runs each step once per parameter row, returning rows where asked', async () => {
    d = await open()
    const p = d.dialect.placeholder
    await d.query('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)')
    const [ins, upd] = await d.runBatch([
      {
        sql: `INSERT INTO t (id, v) VALUES (${p(1)}, ${p(2)}) RETURNING id`,
        params: [
          [1, 'a'],
          [2, 'b'],
          [3, 'c'],
        ],
        returning: 'rows',
      },
      {
        sql: `UPDATE t SET v = ${p(1)} WHERE id = ${p(2)}`,
        params: [
          ['B', 2],
          ['Z', 99],
        ],
      },
    ])
    expect(ins.rows).toEqual([[[1]], [[2]], [[3]]])
    expect(upd.changes).toEqual([1, 0])
    expect((await d.query('SELECT v FROM t ORDER BY id')).rows).toEqual([['a'], ['B'], ['c']])
  })

  it('names the step and the parameter row that failed', async () => {
    d = await open()
    const p = d.dialect.placeholder
    await d.query('CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT UNIQUE)')
    const err = await d
      .runBatch([
        { sql: `INSERT INTO t (id, v) VALUES (${p(1)}, ${p(2)})`, params: [[1, 'a']] },
        {
          sql: `INSERT INTO t (id, v) VALUES (${p(1)}, ${p(2)})`,
          params: [
            [2, 'b'],
            [3, 'a'],
            [4, 'd'],
          ],
        },
      ])
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'CONSTRAINT_VIOLATION', details: expect.objectContaining({ step: 1, row: 1 }) })
  })

  it('carries every kind of value in large batches unchanged (plain rows, and rows with blobs and big integers)', async () => {
    d = await open()
    const p = d.dialect.placeholder
    const pg = d.dialect.name === 'postgres'
    await d.query(
      `CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT, n ${pg ? 'DOUBLE PRECISION' : 'REAL'}, b BOOLEAN, big BIGINT, raw ${pg ? 'bytea' : 'BLOB'})`,
    )
    const plain = Array.from({ length: 50 }, (_, i) => [
      i + 1,
      i % 7 ? `row ${i} \u00e9\u6f22 "q" \\ ${'x'.repeat(i)}` : null,
      i / 3,
      i % 2 === 0,
      i * 1000,
      null,
    ])
    const mixed = Array.from({ length: 20 }, (_, i) => [
      100 + i,
      'm',
      0.5,
      true,
      { $bigint: '9007199254740993' },
      { $blob: 'deadbeef' },
    ])
    const loose = Array.from({ length: 12 }, (_, i) => [200 + i, i % 2 ? `t${i}` : i])
    await d.runBatch([
      {
        sql: `INSERT INTO t (id, s, n, b, big, raw) VALUES (${[1, 2, 3, 4, 5, 6].map((k) => p(k)).join(', ')})`,
        params: plain,
      },
      {
        sql: `INSERT INTO t (id, s, n, b, big, raw) VALUES (${[1, 2, 3, 4, 5, 6].map((k) => p(k)).join(', ')})`,
        params: mixed,
      },
      {
        // A column holding numbers in some rows and strings in others (SQLite's own kind of loose).
        sql: `INSERT INTO t (id, s) VALUES (${p(1)}, ${p(2)})`,
        params: loose,
      },
    ])
    // PostgreSQL's driver reads bigint as a decimal string, exact at any size.
    const rows = (await d.query('SELECT id, s, n, big, raw FROM t ORDER BY id')).rows
    expect(rows.slice(0, 50)).toEqual(plain.map((r) => [r[0], r[1], r[2], pg ? String(r[4]) : r[4], null]))
    expect(rows[50]).toEqual([
      100,
      'm',
      0.5,
      pg ? '9007199254740993' : { $bigint: '9007199254740993' },
      { $blob: 'deadbeef' },
    ])
    // As the same values sent one statement at a time store them.
    await d.query('CREATE TABLE t2 (id INTEGER PRIMARY KEY, s TEXT)')
    for (const r of loose) await d.query(`INSERT INTO t2 (id, s) VALUES (${p(1)}, ${p(2)})`, r)
    const one = (await d.query('SELECT id, s FROM t2 ORDER BY id')).rows
    expect(rows.slice(70).map((r) => r.slice(0, 2))).toEqual(one)
    expect(one.filter((r) => String(r[1]).startsWith('t'))).toHaveLength(6)
    const bools = (await d.query('SELECT count(*) FROM t WHERE b')).rows[0][0]
    expect(Number(bools)).toBe(25 + 20)
  })
})
