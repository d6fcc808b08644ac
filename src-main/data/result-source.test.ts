import { afterEach, describe, expect, it } from 'vitest'
import type { TableRef } from '../../src-shared/grid'
import type { Driver } from '../db/driver'
import { ENGINES } from '../test-support/databases'
import { resultSource } from './result-source'
import { columnsOf } from '../../src-shared/cell-columns'

describe.each(ENGINES)('query results that can be edited, on $name', ({ open }) => {
  let d: Driver
  afterEach(async () => d?.close())

  async function sourceOf(sql: string) {
    const schema = await d.dialect.introspect(d)
    const find = async (ref: TableRef) =>
      schema.tables.find((t) => t.name === ref.name && (ref.schema === null || t.schema === ref.schema))!
    return resultSource(d, await d.query(sql), find)
  }

  it('a SELECT of one table with its primary key maps to that table; anything else says why it is read-only', async () => {
    d = await open()
    const items = d.dialect.quoteIdent('my items')
    await d.query(`CREATE TABLE ${items} (id integer PRIMARY KEY, name text, qty integer)`)
    await d.query('CREATE TABLE owners (id integer PRIMARY KEY, item_id integer)')
    await d.query(`INSERT INTO ${items} VALUES (1, 'a', 2)`)
    const ok = await sourceOf(`SELECT name, id FROM ${items} WHERE qty > 0 ORDER BY name`)
    expect(ok.source).toEqual({
      table: { schema: d.dialect.name === 'postgres' ? 'public' : null, name: 'my items' },
      keyColumns: ['id'],
    })
    expect(ok.columns.map((c) => c.origin?.column)).toEqual(['name', 'id'])
    expect((await sourceOf(`SELECT * FROM ${items}`)).source?.keyColumns).toEqual(['id'])
    expect((await sourceOf(`SELECT name FROM ${items}`)).readOnly).toMatch(/primary key \(id\)/)
    expect((await sourceOf(`SELECT id, qty * 2 AS ${d.dialect.quoteIdent('double')} FROM ${items}`)).readOnly).toMatch(
      /double is computed/,
    )
    expect((await sourceOf(`SELECT id, name AS label FROM ${items}`)).readOnly).toMatch(/name is renamed to label/)
    expect(
      (await sourceOf(`SELECT i.id, o.item_id FROM ${items} i JOIN owners o ON o.item_id = i.id`)).readOnly,
    ).toMatch(/2 tables/)
    expect((await sourceOf('SELECT 1 AS one')).readOnly).toMatch(/computed/)
    const twice = await sourceOf(`SELECT id, name FROM ${items} UNION ALL SELECT id, name FROM ${items}`)
    expect(twice.source).toBeNull()
    expect(twice.readOnly).toMatch(d.dialect.name === 'sqlite' ? /appears more than once/ : /computed/)
  })

  it('reads the key cells of many rows (as columns from the SQLite worker) without making the rows', async () => {
    d = await open()
    await d.query('CREATE TABLE many (id integer PRIMARY KEY, name text)')
    await d.query('BEGIN')
    await d.runBatch([
      {
        sql: `INSERT INTO many VALUES (${d.dialect.placeholder(1)}, ${d.dialect.placeholder(2)})`,
        params: Array.from({ length: 40 }, (_, i) => [i + 1, i % 3 ? `n${i}` : null]),
      },
    ])
    await d.query('COMMIT')
    const schema = await d.dialect.introspect(d)
    const find = async (ref: TableRef) => schema.tables.find((t) => t.name === ref.name)!
    const all = await d.query('SELECT id, name FROM many ORDER BY id')
    expect((await resultSource(d, all, find)).source?.keyColumns).toEqual(['id'])
    // SQLite's worker sent the 40 rows as columns: checking the keys left them so.
    if (d.dialect.name === 'sqlite') expect(columnsOf(all, 'rows')?.rows).toBe(40)
    expect(all.rows.slice(38)).toEqual([
      [39, 'n38'],
      [40, null],
    ])
    const twice = await d.query('SELECT id, name FROM many UNION ALL SELECT id, name FROM many')
    if (d.dialect.name === 'sqlite') {
      expect(columnsOf(twice, 'rows')?.rows).toBe(80)
      expect((await resultSource(d, twice, find)).readOnly).toMatch(/appears more than once/)
    }
  })
})
