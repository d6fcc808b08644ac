import { afterEach, describe, expect, it } from 'vitest'
import type { Driver } from './driver'
import { col, fk, table } from '../sample/sample-schema'
import { ENGINES } from '../test-support/databases'

// Names a careless client gets wrong: quotes, spaces, reserved words, unicode, dots, and case.
const AWKWARD_TABLES = ['order', 'weird "quoted" name', 'Ünïcødé таблица', 'dots.in.name', 'MixedCase', "it's"]
const AWKWARD_COLUMNS = ['select', 'col with space', '"', 'Время', 'a;b--c', 'UPPER']

describe.each(ENGINES)('identifier quoting on $name', ({ open }) => {
  let d: Driver
  afterEach(async () => d?.close())

  it('round-trips awkward table and column names through DDL, DML and introspection', async () => {
    d = await open()
    const q = (n: string) => d.dialect.quoteIdent(n)
    const parent = table(AWKWARD_TABLES[0], [
      col('id', 'integer', { primaryKey: 1, nullable: false, autoincrement: true }),
      ...AWKWARD_COLUMNS.map((c) => col(c, 'text')),
    ])
    for (const stmt of d.dialect.ddl.createTableSql(parent)) await d.query(stmt)
    for (const name of AWKWARD_TABLES.slice(1)) {
      const t = table(
        name,
        [
          col('id', 'integer', { primaryKey: 1, nullable: false, autoincrement: true }),
          col(AWKWARD_COLUMNS[0], 'integer'),
        ],
        {
          foreignKeys: [fk([AWKWARD_COLUMNS[0]], AWKWARD_TABLES[0], ['id'])],
        },
      )
      for (const stmt of d.dialect.ddl.createTableSql(t)) await d.query(stmt)
    }
    const cols = AWKWARD_COLUMNS.map(q).join(', ')
    const ph = AWKWARD_COLUMNS.map((_, i) => d.dialect.placeholder(i + 1)).join(', ')
    await d.query(
      `INSERT INTO ${q(AWKWARD_TABLES[0])} (${cols}) VALUES (${ph})`,
      AWKWARD_COLUMNS.map((c) => `value of ${c}`),
    )
    const r = await d.query(`SELECT ${cols} FROM ${q(AWKWARD_TABLES[0])}`)
    expect(r.columns.map((c) => c.name)).toEqual(AWKWARD_COLUMNS)
    expect(r.rows[0]).toEqual(AWKWARD_COLUMNS.map((c) => `value of ${c}`))

    const schema = await d.dialect.introspect(d)
    expect(schema.tables.map((t) => t.name).sort()).toEqual([...AWKWARD_TABLES].sort())
    const p = schema.tables.find((t) => t.name === AWKWARD_TABLES[0])!
    expect(p.columns.map((c) => c.name)).toEqual(['id', ...AWKWARD_COLUMNS])
    for (const name of AWKWARD_TABLES.slice(1)) {
      const t = schema.tables.find((x) => x.name === name)!
      expect(t.foreignKeys[0]).toMatchObject({
        columns: [AWKWARD_COLUMNS[0]],
        refTable: AWKWARD_TABLES[0],
        refColumns: ['id'],
      })
    }
  })

  it('keeps injection attempts in values as data', async () => {
    d = await open()
    const q = d.dialect.quoteIdent
    await d.query(`CREATE TABLE ${q('t')} (${q('v')} TEXT)`)
    const evil = `x'); DROP TABLE t; --`
    await d.query(`INSERT INTO ${q('t')} (${q('v')}) VALUES (${d.dialect.placeholder(1)})`, [evil])
    const r = await d.query(`SELECT ${q('v')} FROM ${q('t')}`)
    expect(r.rows).toEqual([[evil]])
    expect(d.dialect.quoteLiteral(evil)).toBe(`'x''); DROP TABLE t; --'`)
  })
})
