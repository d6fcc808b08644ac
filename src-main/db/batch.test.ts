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
      { sql: `INSERT INTO t (id, v) VALUES (${p(1)}, ${p(2)}) RETURNING id`, params: [[1, 'a'], [2, 'b'], [3, 'c']], returning: 'rows' },
      { sql: `UPDATE t SET v = ${p(1)} WHERE id = ${p(2)}`, params: [['B', 2], ['Z', 99]], },
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
        { sql: `INSERT INTO t (id, v) VALUES (${p(1)}, ${p(2)})`, params: [[1, 'a']], },
        { sql: `INSERT INTO t (id, v) VALUES (${p(1)}, ${p(2)})`, params: [[2, 'b'], [3, 'a'], [4, 'd']], },
      ])
      .catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'CONSTRAINT_VIOLATION', details: expect.objectContaining({ step: 1, row: 1 }) })
  })
})
