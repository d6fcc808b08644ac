import { describe, expect, it } from 'vitest'
import { emptyModel } from '../../src-shared/model/document'
import { addColumn, addTable, updateColumn } from '../../src-shared/model/edit'
import { PostgresDriver } from '../db/postgres/pg-driver'
import { touchName } from '../db/postgres/pg-names'
import { freshPgDatabase } from '../test-support/databases'
import { applyModel } from './apply-model'
import { planAgainstDatabase } from './apply-migration'

// PostgreSQL keeps 63 bytes of a name. Names the app makes up must stay apart after that cut,
// and names the user gives that would be cut are refused before anything is applied.
describe('PostgreSQL names over 63 bytes', () => {
  it('two on-update columns of a long table keep a trigger each, both stamp, and the diff settles', async () => {
    const table = 'a_table_with_a_rather_long_descriptive_name_for_orders' // 55 bytes
    expect(touchName(table, 'updated_at_alpha')).not.toBe(touchName(table, 'updated_at_omega'))
    expect(Buffer.byteLength(touchName(table, 'updated_at_alpha'))).toBeLessThanOrEqual(63)
    let doc = emptyModel('long')
    const t = addTable(doc, { name: table, className: 'Order' })
    doc = t.doc
    for (const name of ['updated_at_alpha', 'updated_at_omega']) {
      const c = addColumn(doc, t.id, { name, type: 'timestamp' })
      doc = updateColumn(c.doc, t.id, c.id, { onUpdate: 'CURRENT_TIMESTAMP' })
    }
    doc = addColumn(doc, t.id, { name: 'note', type: 'text' }).doc
    const d = await PostgresDriver.open(await freshPgDatabase())
    try {
      await applyModel(d, doc)
      await d.query(`INSERT INTO ${table} (note) VALUES ('x')`)
      await d.query(`UPDATE ${table} SET note = 'y'`)
      expect(
        (await d.query(`SELECT updated_at_alpha IS NOT NULL, updated_at_omega IS NOT NULL FROM ${table}`)).rows,
      ).toEqual([[true, true]])
      expect(Number((await d.query(`SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal`)).rows[0][0])).toBe(2)
      expect((await planAgainstDatabase(d, doc)).steps).toEqual([])
    } finally {
      await d.close()
    }
  })

  it('a table name PostgreSQL would cut is refused with the reason, and the preview says so', async () => {
    const name = 'x'.repeat(68)
    let doc = emptyModel('long')
    const t = addTable(doc, { name, className: 'Long' })
    doc = addColumn(t.doc, t.id, { name: 'v', type: 'text' }).doc
    const d = await PostgresDriver.open(await freshPgDatabase())
    try {
      expect((await planAgainstDatabase(d, doc)).warnings[0]).toMatch(
        /is 68 bytes long; PostgreSQL keeps only the first 63/,
      )
      await expect(applyModel(d, doc)).rejects.toMatchObject({
        code: 'BAD_REQUEST',
        message: expect.stringMatching(/68 bytes long/),
      })
      expect(Number((await d.query(`SELECT count(*) FROM pg_tables WHERE schemaname = 'public'`)).rows[0][0])).toBe(0)
    } finally {
      await d.close()
    }
  })
})
