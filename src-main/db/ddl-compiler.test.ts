import { describe, expect, it } from 'vitest'
import { emptyModel, type ModelDocument } from '../../src-shared/model/document'
import { addColumn, addTable, tableById, updateColumn } from '../../src-shared/model/edit'
import { diffModels } from '../../src-shared/model/schema-diff'
import { DdlCompiler, schemaTarget } from './ddl-compiler'
import { postgresDialect } from './postgres/pg-dialect'
import { sqliteDialect } from './sqlite/sqlite-dialect'

/** books(id, title text, price text), as if read from a database (every name is what it was). */
function books(): { doc: ModelDocument; id: string } {
  const b = addTable(emptyModel('shop'), { className: 'Book' })
  let doc = addColumn(b.doc, b.id, { name: 'title', type: 'text', nullable: false }).doc
  doc = addColumn(doc, b.id, { name: 'price', type: 'text' }).doc
  return { doc, id: b.id }
}

/** The same change: price becomes numeric and title is renamed. */
function changed(doc: ModelDocument, id: string): ModelDocument {
  const t = tableById(doc, id)!
  const price = t.columns.find((c) => c.name === 'price')!
  const title = t.columns.find((c) => c.name === 'title')!
  doc = updateColumn(doc, id, price.id, { type: 'numeric', length: 10, scale: 2 })
  return updateColumn(doc, id, title.id, { name: 'heading' })
}

describe('schema changes as operations, one compiler with engine overrides', () => {
  it('the diff says what changes without SQL, the same for every engine', () => {
    const { doc, id } = books()
    const to = changed(doc, id)
    const pg = diffModels(doc, to, schemaTarget(postgresDialect))
    const lite = diffModels(doc, to, schemaTarget(sqliteDialect))
    expect(pg.ops).toEqual(lite.ops)
    expect(pg.ops).toHaveLength(1)
    const [op] = pg.ops
    expect(op.op).toBe('alterTable')
    if (op.op !== 'alterTable') return
    expect(op.changes.map((c) => c.op)).toEqual(['renameColumn', 'alterColumn'])
    expect(op.sources.heading.name).toBe('title')
    expect(JSON.stringify(pg.ops)).not.toMatch(/ALTER|CREATE|INSERT/)
  })

  it('PostgreSQL alters in place and converts the values; SQLite rebuilds the table from the same operations', () => {
    const { doc, id } = books()
    const { ops } = diffModels(doc, changed(doc, id), schemaTarget(postgresDialect))
    const pg = postgresDialect.ddl.compile(ops)
    expect(pg.steps.map((s) => s.sql)).toEqual([
      'ALTER TABLE "books" RENAME COLUMN "title" TO "heading"',
      'ALTER TABLE "books" ALTER COLUMN "price" TYPE numeric(10,2) USING "price"::numeric(10,2)',
    ])
    expect(pg.before).toEqual([])

    const lite = sqliteDialect.ddl.compile(ops)
    const sql = lite.steps.map((s) => s.sql)
    expect(sql[0]).toMatch(/^CREATE TABLE "_schemist_new_books" \(/)
    expect(sql[1]).toBe(
      'INSERT INTO "_schemist_new_books" ("id", "heading", "price") SELECT "id", "title", CAST("price" AS NUMERIC(10, 2)) FROM "books"',
    )
    expect(sql.slice(2)).toEqual(['DROP TABLE "books"', 'ALTER TABLE "_schemist_new_books" RENAME TO "books"'])
    expect(lite.before).toEqual(['PRAGMA foreign_keys = OFF'])
    expect(lite.check).toBe('PRAGMA foreign_key_check')
  })

  it('the default compiler writes standard SQL where no engine overrides it', () => {
    const { doc, id } = books()
    const { ops } = diffModels(doc, changed(doc, id), schemaTarget(postgresDialect))
    const standard = new DdlCompiler(postgresDialect).compile(ops)
    expect(standard.steps[1].sql).toBe('ALTER TABLE "books" ALTER COLUMN "price" SET DATA TYPE numeric(10,2)')
    // A constraint the engine named cannot be found by its columns without the engine's catalog.
    expect(() =>
      new DdlCompiler(postgresDialect).statements([
        {
          op: 'alterTable',
          table: { ...tableById(doc, id)!, kind: 'table', definition: null, hasRowid: true, foreignKeys: [] },
          sources: {},
          changes: [{ op: 'dropUnique', unique: { name: null, columns: ['title'] } }],
        },
      ]),
    ).toThrow(/has no name/)
  })

  it('a renamed column SQLite can rename in place is not rebuilt', () => {
    const { doc, id } = books()
    const t = tableById(doc, id)!
    const to = updateColumn(doc, id, t.columns.find((c) => c.name === 'title')!.id, { name: 'heading' })
    const lite = sqliteDialect.ddl.compile(diffModels(doc, to, schemaTarget(sqliteDialect)).ops)
    expect(lite.steps.map((s) => s.sql)).toEqual(['ALTER TABLE "books" RENAME COLUMN "title" TO "heading"'])
    expect(lite.before).toEqual([])
  })
})
