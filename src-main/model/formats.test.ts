import { describe, expect, it } from 'vitest'
import { emptyModel } from '../../src-shared/model/document'
import { addColumn, addTable, connect } from '../../src-shared/model/edit'
import { sqliteDialect } from '../db/sqlite/sqlite-dialect'
import { modelDdl } from './model-ddl'
import { modelStructure } from './compare'
import { importSqlDdl } from './sql-import'
import { exportDbml } from './dbml-export'
import { importDbml } from './dbml-import'

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

describe('DBML import', () => {
  it('reads the DBML the designer writes back into the same model', () => {
    const doc = library()
    const back = importDbml(exportDbml(doc))
    expect(modelStructure(back, { constraintNames: false })).toEqual(modelStructure(doc, { constraintNames: false }))
  })

  it('reads dbdiagram.io-style files: notes, enums, inline refs, Ref blocks, many-to-many', () => {
    const doc = importDbml(`
      Project shop { database_type: 'PostgreSQL' }
      enum status { draft  placed }
      Table users as U {
        id int [pk, increment] // the key
        email varchar(120) [not null, unique, note: 'login']
        Note: 'People'
      }
      Table orders {
        id bigint [pk]
        user_id int [ref: > users.id]
        status status [default: 'draft']
        total "decimal(10,2)"
      }
      Table tags { id int [pk] }
      Ref: orders.id <> tags.id
      Ref named { orders.user_id > users.id [delete: cascade] }
    `)
    expect(doc.tables.map((t) => t.name)).toEqual(['users', 'orders', 'tags', 'orders_tags'])
    const users = doc.tables[0]
    expect(users.comment).toBe('People')
    expect(users.columns[1]).toMatchObject({ name: 'email', type: 'varchar', length: 120, nullable: false, unique: true, comment: 'login' })
    const orders = doc.tables[1]
    expect(orders.columns.find((c) => c.name === 'status')).toMatchObject({ type: 'unknown', nativeType: 'status', serverDefault: "'draft'" })
    expect(orders.columns.find((c) => c.name === 'total')).toMatchObject({ type: 'numeric', length: 10, scale: 2 })
    expect(orders.foreignKeys.map((f) => [f.columns, f.refTable, f.onDelete, f.name])).toEqual([
      [['user_id'], 'users', 'NO ACTION', null],
      [['user_id'], 'users', 'CASCADE', 'named'],
    ])
    expect(doc.tables[3]).toMatchObject({ association: { names: ['tags', 'orders'] } })
    expect(() => importDbml('Table t {\n  id int [pk\n}')).toThrow(/DBML line 3/)
    expect(() => importDbml('Ref: a.id > b.id')).toThrow(/names a, which is not a table/)
  })
})
