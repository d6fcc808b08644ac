import { describe, expect, it } from 'vitest'
import { emptyModel } from '../../src-shared/model/document'
import { addColumn, addTable, connect } from '../../src-shared/model/edit'
import { sqliteDialect } from '../db/sqlite/sqlite-dialect'
import { modelDdl } from './model-ddl'
import { modelStructure } from './compare'
import { importSqlDdl } from './sql-import'
import { exportDbml } from './dbml-export'

function library() {
  let doc = emptyModel('library')
  const a = addTable(doc, { className: 'Author' })
  doc = addColumn(a.doc, a.id, { name: 'full name', type: 'varchar', length: 80, nullable: false, unique: true }).doc
  const b = addTable(doc, { className: 'Book' })
  doc = addColumn(b.doc, b.id, { name: 'price', type: 'numeric', length: 8, scale: 2, serverDefault: '0' }).doc
  doc = connect(doc, { from: b.id, to: a.id, kind: 'many-to-one', onDelete: 'CASCADE' }).doc
  return connect(doc, { from: a.id, to: b.id, kind: 'many-to-many' }).doc
}

describe('SQL DDL import', () => {
  it('reads the DDL the designer writes back into the same model', async () => {
    const doc = library()
    const back = await importSqlDdl(modelDdl(doc, sqliteDialect).script)
    expect(modelStructure(back, { constraintNames: false })).toEqual(modelStructure(doc, { constraintNames: false }))
    expect(back.tables.find((t) => t.name === 'author_book')?.association?.names).toEqual(['books', 'authors'])
  })

  it('takes PostgreSQL type spellings, and says what it could not read', async () => {
    const doc = await importSqlDdl(`CREATE TABLE "Order Lines" (id serial PRIMARY KEY, sku character varying(40) NOT NULL, at timestamptz DEFAULT CURRENT_TIMESTAMP, data jsonb);`)
    expect(doc.tables[0].columns.map((c) => [c.name, c.type, c.length ?? null, c.autoincrement])).toEqual([
      ['id', 'integer', null, true],
      ['sku', 'varchar', 40, false],
      ['at', 'timestamptz', null, false],
      ['data', 'json', null, false],
    ])
    await expect(importSqlDdl('CREATE TABLE t (id integer PRIMARY KEY,, x text)')).rejects.toThrow(/could not be read: .*syntax error/)
    await expect(importSqlDdl('SELECT 1')).rejects.toThrow(/creates no tables/)
  })
})

describe('DBML export', () => {
  it('writes tables with their settings, composite keys as indexes, and refs with actions', () => {
    const dbml = exportDbml(library())
    expect(dbml).toContain('Table authors {\n  id integer [pk, increment]\n  "full name" varchar(80) [not null, unique]\n}')
    expect(dbml).toContain('  price numeric(8,2) [default: 0]')
    expect(dbml).toContain('  indexes {\n    (author_id, book_id) [pk]\n  }')
    expect(dbml).toContain('Ref: books.author_id > authors.id [delete: cascade]')
    expect(dbml).toContain('Ref: author_book.book_id > books.id [delete: cascade]')
  })
})
