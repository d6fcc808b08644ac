import { join } from 'node:path'
import { primaryKeyColumns } from '../../src-shared/schema'
import type { Cell } from '../../src-shared/values'
import { SqliteDriver } from '../db/sqlite/sqlite-driver'

/** One of the bundled sample's tables, read whole: its columns, rows and declared primary key. */
export async function sampleTable(name: string): Promise<{ columns: string[]; rows: Cell[][]; key: string[] | null }> {
  const d = await SqliteDriver.open({
    engine: 'sqlite',
    path: join(__dirname, '../../resources/sample.sqlite'),
    create: false,
    readOnly: true,
  })
  try {
    const t = (await d.dialect.introspect(d)).tables.find((x) => x.name === name)
    if (!t) throw new Error(`The sample has no table ${name}`)
    const r = await d.query(`SELECT * FROM ${d.dialect.quoteIdent(name)}`)
    const pk = primaryKeyColumns(t)
    return { columns: t.columns.map((c) => c.name), rows: r.rows, key: pk.length ? pk : null }
  } finally {
    await d.close()
  }
}
