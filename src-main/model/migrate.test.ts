import { describe, expect, it } from 'vitest'
import { emptyModel, type ModelDocument } from '../../src-shared/model/document'
import {
  addColumn,
  addTable,
  connect,
  deleteColumn,
  markSynced,
  moveColumn,
  renameTable,
  setTableSchema,
  splitTable,
  tableById,
  updateColumn,
} from '../../src-shared/model/edit'
import type { Driver } from '../db/driver'
import { ENGINES } from '../test-support/databases'
import { ENGINES as ENGINE_INFO } from '../../src-shared/engines'
import { applyModel } from './apply-model'
import { applyMigration, planAgainstDatabase } from './apply-migration'
import { schemaToModel } from './reverse'
import { planMigration } from './migrate'
import { sqliteDialect } from '../db/sqlite/sqlite-dialect'

const col = (doc: ModelDocument, table: string, name: string) => {
  const t = doc.tables.find((x) => x.name === table)!
  return { t: t.id, c: t.columns.find((c) => c.name === name)!.id }
}

async function rows(d: Driver, sql: string): Promise<unknown[][]> {
  return (await d.query(sql)).rows.map((r) =>
    r.map((v) => (typeof v === 'object' && v && '$bigint' in v ? Number(v.$bigint) : v)),
  )
}

/** authors(id, name) and books(id, title, price text, author_id -> authors), with rows. */
async function start(d: Driver): Promise<ModelDocument> {
  let doc = emptyModel('library')
  const a = addTable(doc, { className: 'Author' })
  doc = addColumn(a.doc, a.id, { name: 'name', type: 'text', nullable: false }).doc
  const b = addTable(doc, { className: 'Book' })
  doc = addColumn(b.doc, b.id, { name: 'title', type: 'text', nullable: false }).doc
  doc = addColumn(doc, b.id, { name: 'price', type: 'text' }).doc
  doc = connect(doc, { from: b.id, to: a.id, kind: 'many-to-one' }).doc
  await applyModel(d, doc)
  await d.query(`INSERT INTO authors (name) VALUES ('Tolstoy'), ('Chekhov')`)
  await d.query(
    `INSERT INTO books (title, price, author_id) VALUES ('War and Peace', '12.50', 1), ('Anna Karenina', '9.90', 1), ('The Seagull', '5', 2)`,
  )
  // What the designer works on: the database read back, so it knows each name it had.
  return schemaToModel(await d.dialect.introspect(d), d.dialect)
}

/** Migrate, then check that planning again finds nothing left to do. */
async function migrate(d: Driver, doc: ModelDocument) {
  const r = await applyMigration(d, doc)
  const again = await planAgainstDatabase(d, doc)
  expect(again.summary).toEqual([])
  return r
}

describe.each(ENGINES)('migrations on $name keep the rows', ({ open }) => {
  it('add, drop and rename a column, change a type, rename a table', async () => {
    const d = await open()
    try {
      let doc = await start(d)
      // add
      doc = addColumn(doc, col(doc, 'books', 'title').t, { name: 'isbn', type: 'varchar', length: 13 }).doc
      let r = await migrate(d, doc)
      expect(r.summary).toEqual(['add column books.isbn'])
      expect(await rows(d, 'SELECT title, isbn FROM books ORDER BY id')).toEqual([
        ['War and Peace', null],
        ['Anna Karenina', null],
        ['The Seagull', null],
      ])
      // rename
      const name = col(doc, 'authors', 'name')
      doc = updateColumn(doc, name.t, name.c, { name: 'full name' })
      r = await migrate(d, doc)
      expect(r.summary).toEqual(['rename column authors.name → full name'])
      expect(await rows(d, `SELECT ${d.dialect.quoteIdent('full name')} FROM authors ORDER BY id`)).toEqual([
        ['Tolstoy'],
        ['Chekhov'],
      ])
      // type change: text prices become numbers
      const price = col(doc, 'books', 'price')
      doc = updateColumn(doc, price.t, price.c, { type: 'numeric', length: 8, scale: 2 })
      r = await migrate(d, doc)
      expect(r.summary).toEqual(['change column books.price type text → numeric'])
      expect((await rows(d, 'SELECT price FROM books ORDER BY id')).map((x) => Number(x[0]))).toEqual([12.5, 9.9, 5])
      // drop
      doc = deleteColumn(doc, price.t, price.c)
      r = await migrate(d, doc)
      expect(r.summary).toEqual(['drop column books.price'])
      expect(r.warnings).toContain('Dropping books.price deletes its data.')
      expect(await rows(d, 'SELECT id, title, author_id FROM books ORDER BY id')).toEqual([
        [1, 'War and Peace', 1],
        [2, 'Anna Karenina', 1],
        [3, 'The Seagull', 2],
      ])
      // rename the referenced table: the foreign key follows
      doc = renameTable(doc, col(doc, 'authors', 'id').t, 'writers')
      r = await migrate(d, doc)
      expect(r.summary).toEqual(['rename table authors → writers'])
      expect(
        await rows(
          d,
          `SELECT b.title, w.${d.dialect.quoteIdent('full name')} FROM books b JOIN writers w ON w.id = b.author_id ORDER BY b.id`,
        ),
      ).toEqual([
        ['War and Peace', 'Tolstoy'],
        ['Anna Karenina', 'Tolstoy'],
        ['The Seagull', 'Chekhov'],
      ])
      await expect(d.query("INSERT INTO books (title, author_id) VALUES ('x', 99)")).rejects.toThrow(
        /FOREIGN KEY|foreign key/,
      )
    } finally {
      await d.close()
    }
  })

  it('moves columns where the engine can (rows kept, the new order read back), and says so where it cannot', async () => {
    const d = await open()
    try {
      let doc = await start(d)
      const price = col(doc, 'books', 'price')
      doc = addColumn(doc, price.t, { name: 'isbn', type: 'varchar', length: 13 }).doc
      // price first, the new isbn after title: id, title, isbn, author_id come after.
      doc = moveColumn(doc, price.t, price.c, 0)
      const isbn = col(doc, 'books', 'isbn')
      doc = moveColumn(doc, isbn.t, isbn.c, 3)
      const order = (x: ModelDocument) => tableById(x, price.t)!.columns.map((c) => c.name)
      expect(order(doc)).toEqual(['price', 'id', 'title', 'isbn', 'author_id'])
      const r = await applyMigration(d, doc)
      const read = schemaToModel(await d.dialect.introspect(d), d.dialect)
      const columns = read.tables.find((t) => t.name === 'books')!.columns.map((c) => c.name)
      if (d.dialect.capabilities.reorderColumns) {
        expect(r.summary).toContain('reorder columns of books: price, id, title, isbn, author_id')
        expect(columns).toEqual(['price', 'id', 'title', 'isbn', 'author_id'])
        expect((await planAgainstDatabase(d, doc)).summary).toEqual([])
      } else {
        expect(r.warnings.join('\n')).toMatch(/cannot change the order of books's columns/)
        expect(columns).toEqual(['id', 'title', 'price', 'author_id', 'isbn'])
      }
      expect(await rows(d, 'SELECT id, title, price, author_id FROM books ORDER BY id')).toEqual([
        [1, 'War and Peace', '12.50', 1],
        [2, 'Anna Karenina', '9.90', 1],
        [3, 'The Seagull', '5', 2],
      ])
      // The key still holds after a rebuild or a MODIFY.
      await expect(d.query("INSERT INTO books (title, author_id) VALUES ('x', 99)")).rejects.toThrow(
        /FOREIGN KEY|foreign key/,
      )
    } finally {
      await d.close()
    }
  })

  it('onupdate: the touch trigger is created, read back from the database, and dropped when the option goes', async () => {
    const d = await open()
    try {
      let doc = await start(d)
      const books = col(doc, 'books', 'title').t
      doc = addColumn(doc, books, { name: 'touched', type: 'timestamp' }).doc
      const touched = col(doc, 'books', 'touched').c
      doc = updateColumn(doc, books, touched, { onUpdate: 'CURRENT_TIMESTAMP' })
      const r = await migrate(d, doc)
      expect(r.summary).toEqual(['add column books.touched', 'books.touched set on update to CURRENT_TIMESTAMP'])
      // The database says so itself: reverse engineering finds the option again.
      const back = schemaToModel(await d.dialect.introspect(d), d.dialect)
      expect(back.tables.find((t) => t.name === 'books')!.columns.find((c) => c.name === 'touched')!.onUpdate).toBe(
        'CURRENT_TIMESTAMP',
      )
      await d.query(`UPDATE books SET title = 'War and Peace!' WHERE id = 1`)
      expect(await rows(d, 'SELECT touched IS NOT NULL FROM books ORDER BY id')).toEqual([
        [d.dialect.name === 'postgres' ? true : 1],
        [d.dialect.name === 'postgres' ? false : 0],
        [d.dialect.name === 'postgres' ? false : 0],
      ])
      // Without the option, the trigger goes.
      doc = updateColumn(doc, books, touched, { onUpdate: undefined })
      expect((await migrate(d, doc)).summary).toEqual(['books.touched no longer set on update'])
      await d.query('UPDATE books SET touched = NULL')
      await d.query(`UPDATE books SET title = 'Anna Karenina?' WHERE id = 2`)
      expect(Number((await d.query('SELECT count(*) FROM books WHERE touched IS NOT NULL')).rows[0][0])).toBe(0)
    } finally {
      await d.close()
    }
  })

  it('onupdate on columns whose names look like quoting ($$, quotes, spaces)', async () => {
    const d = await open()
    try {
      let doc = emptyModel('odd')
      const t = addTable(doc, { name: 'odd $$ "t"', className: 'Odd' })
      doc = addColumn(t.doc, t.id, { name: '$$a', type: 'timestamp' }).doc
      doc = updateColumn(doc, t.id, col(doc, 'odd $$ "t"', '$$a').c, { onUpdate: 'CURRENT_TIMESTAMP' })
      doc = addColumn(doc, t.id, { name: 'note', type: 'text' }).doc
      await applyModel(d, doc)
      const q = d.dialect.quoteIdent
      await d.query(`INSERT INTO ${q('odd $$ "t"')} (note) VALUES ('x')`)
      await d.query(`UPDATE ${q('odd $$ "t"')} SET note = 'y'`)
      expect(
        Number((await d.query(`SELECT count(*) FROM ${q('odd $$ "t"')} WHERE ${q('$$a')} IS NOT NULL`)).rows[0][0]),
      ).toBe(1)
      const back = schemaToModel(await d.dialect.introspect(d), d.dialect)
      expect(back.tables[0].columns.find((c) => c.name === '$$a')!.onUpdate).toBe('CURRENT_TIMESTAMP')
    } finally {
      await d.close()
    }
  })

  it('adds a foreign key to existing rows, and refuses (changing nothing) when a row breaks it', async () => {
    const d = await open()
    try {
      let doc = await start(d)
      const books = col(doc, 'books', 'title').t
      doc = addColumn(doc, books, { name: 'translator_id', type: 'integer' }).doc
      await migrate(d, doc)
      await d.query('UPDATE books SET translator_id = 2 WHERE id = 1')
      const withFk = connect(doc, {
        from: books,
        to: col(doc, 'authors', 'id').t,
        kind: 'many-to-one',
        fromColumn: col(doc, 'books', 'translator_id').c,
      }).doc
      // A translator that does not exist: the migration must fail and leave everything as it was.
      await d.query('UPDATE books SET translator_id = 42 WHERE id = 2')
      await expect(applyMigration(d, withFk)).rejects.toThrow(/Nothing was changed/)
      expect(await rows(d, 'SELECT id, translator_id FROM books ORDER BY id')).toEqual([
        [1, 2],
        [2, 42],
        [3, null],
      ])
      expect((await planAgainstDatabase(d, withFk)).summary).toEqual(['add foreign key books(translator_id) → authors'])
      await d.query('UPDATE books SET translator_id = NULL WHERE id = 2')
      const r = await migrate(d, withFk)
      expect(r.summary).toEqual(['add foreign key books(translator_id) → authors'])
      expect(await rows(d, 'SELECT id, translator_id FROM books ORDER BY id')).toEqual([
        [1, 2],
        [2, null],
        [3, null],
      ])
      await expect(d.query('UPDATE books SET translator_id = 7 WHERE id = 3')).rejects.toThrow(
        /FOREIGN KEY|foreign key/,
      )
    } finally {
      await d.close()
    }
  })

  it('splits a table: the new table is filled from the distinct rows, the old one keeps the key', async () => {
    const d = await open()
    try {
      let doc = emptyModel('staff')
      const e = addTable(doc, { name: 'employees', className: 'Employee', columns: [] })
      doc = e.doc
      for (const [n, ty] of [
        ['emp_id', 'integer'],
        ['name', 'text'],
        ['dept_id', 'integer'],
        ['dept_name', 'text'],
      ] as const)
        doc = addColumn(doc, e.id, { name: n, type: ty, nullable: n !== 'emp_id' }).doc
      doc = {
        ...doc,
        tables: doc.tables.map((t) => ({
          ...t,
          columns: t.columns.map((c) => (c.name === 'emp_id' ? { ...c, primaryKey: 1 } : c)),
        })),
      }
      await applyModel(d, doc)
      await d.query(
        `INSERT INTO employees VALUES (1, 'Ann', 10, 'Sales'), (2, 'Bob', 10, 'Sales'), (3, 'Cid', 20, 'R&D'), (4, 'Dee', NULL, NULL)`,
      )
      doc = schemaToModel(await d.dialect.introspect(d), d.dialect)
      const emp = tableById(doc, doc.tables[0].id)
      const byName = (n: string) => emp.columns.find((c) => c.name === n)!.id
      doc = splitTable(doc, emp.id, {
        key: [byName('dept_id')],
        move: [byName('dept_name')],
        className: 'Department',
        name: 'departments',
      }).doc
      const r = await migrate(d, doc)
      expect(r.summary).toEqual([
        'create table departments',
        'copy dept_id, dept_name from employees into departments',
        'drop column employees.dept_name',
        'add foreign key employees(dept_id) → departments',
      ])
      expect(r.warnings).toEqual([])
      expect(await rows(d, 'SELECT dept_id, dept_name FROM departments ORDER BY dept_id')).toEqual([
        [10, 'Sales'],
        [20, 'R&D'],
      ])
      expect(
        await rows(
          d,
          'SELECT e.emp_id, e.name, e.dept_id, dp.dept_name FROM employees e LEFT JOIN departments dp ON dp.dept_id = e.dept_id ORDER BY e.emp_id',
        ),
      ).toEqual([
        [1, 'Ann', 10, 'Sales'],
        [2, 'Bob', 10, 'Sales'],
        [3, 'Cid', 20, 'R&D'],
        [4, 'Dee', null, null],
      ])
    } finally {
      await d.close()
    }
  })
})

describe.each(ENGINES)('moving a table to another schema on $name', ({ name, open }) => {
  it(
    name === 'postgres'
      ? 'moves it with its rows (SET SCHEMA), renamed too, and foreign keys still hold'
      : 'has no schemas to move to, and says so',
    async () => {
      const d = await open()
      try {
        let doc = await start(d)
        const authors = col(doc, 'authors', 'name').t
        doc = setTableSchema(doc, authors, 'archive')
        doc = renameTable(doc, authors, 'writers')
        // Foreign keys that point at the table follow it.
        expect(doc.tables.find((t) => t.name === 'books')!.foreignKeys.map((f) => [f.refSchema, f.refTable])).toEqual([
          ['archive', 'writers'],
        ])
        if (name !== 'postgres') {
          const plan = await planAgainstDatabase(d, doc)
          expect(plan.warnings.join(' ')).toMatch(
            new RegExp(`schema archive, which ${ENGINE_INFO[name].label} does not have`),
          )
          return
        }
        const r = await migrate(d, doc)
        expect(r.summary).toEqual([
          'move table authors from schema public to archive',
          'rename table authors → writers',
        ])
        expect(await rows(d, 'SELECT name FROM archive.writers ORDER BY id')).toEqual([['Tolstoy'], ['Chekhov']])
        expect(
          await rows(
            d,
            'SELECT b.title, w.name FROM books b JOIN archive.writers w ON w.id = b.author_id ORDER BY b.id',
          ),
        ).toEqual([
          ['War and Peace', 'Tolstoy'],
          ['Anna Karenina', 'Tolstoy'],
          ['The Seagull', 'Chekhov'],
        ])
        await expect(
          d.query('INSERT INTO books (title, author_id) VALUES ($1, 99)', ["Nobody's"]),
        ).rejects.toMatchObject({ code: 'CONSTRAINT_VIOLATION' })
        // And back to the default schema.
        // As the designer does after a migration: every table is now where and as the model says.
        doc = setTableSchema(markSynced(doc), authors, null)
        expect((await migrate(d, doc)).summary).toEqual(['move table writers from schema archive to public'])
        expect(await rows(d, 'SELECT name FROM public.writers ORDER BY id')).toEqual([['Tolstoy'], ['Chekhov']])
      } finally {
        await d.close()
      }
    },
  )
})

describe('migration plans', () => {
  it('between two versions of a document, tables and columns are matched by their ids, so renames are renames', () => {
    let v1 = emptyModel()
    const t = addTable(v1, { className: 'Item' })
    v1 = addColumn(t.doc, t.id, { name: 'label', type: 'text' }).doc
    const label = v1.tables[0].columns[1].id
    const v2 = renameTable(updateColumn(v1, t.id, label, { name: 'title' }), t.id, 'products')
    const plan = planMigration(v1, v2, sqliteDialect)
    expect(plan.summary).toEqual(['rename table items → products', 'rename column products.label → title'])
    expect(plan.steps.map((s) => s.sql)).toEqual([
      'ALTER TABLE "items" RENAME TO "products"',
      'ALTER TABLE "products" RENAME COLUMN "label" TO "title"',
    ])
  })

  it('SQLite renames in place and rebuilds what ALTER cannot do, with foreign keys off around it', () => {
    let from = emptyModel()
    const t = addTable(from, { name: 'items', columns: [] })
    from = addColumn(t.doc, t.id, { name: 'a', type: 'integer' }).doc
    from = {
      ...from,
      tables: from.tables.map((x) => ({ ...x, was: x.name, columns: x.columns.map((c) => ({ ...c, was: c.name })) })),
    }
    const a = from.tables[0].columns[0].id
    const renamed = updateColumn(from, t.id, a, { name: 'b' })
    const p1 = planMigration(from, renamed, sqliteDialect)
    expect(p1.steps.map((s) => s.sql)).toEqual(['ALTER TABLE "items" RENAME COLUMN "a" TO "b"'])
    expect(p1.before).toEqual([])
    const retyped = updateColumn(from, t.id, a, { type: 'text', nullable: false })
    const p2 = planMigration(from, retyped, sqliteDialect)
    expect(p2.before).toEqual(['PRAGMA foreign_keys = OFF'])
    expect(p2.steps.map((s) => s.sql)).toEqual([
      'CREATE TABLE "_schemist_new_items" (\n  "a" TEXT NOT NULL\n)',
      'INSERT INTO "_schemist_new_items" ("a") SELECT CAST("a" AS TEXT) FROM "items"',
      'DROP TABLE "items"',
      'ALTER TABLE "_schemist_new_items" RENAME TO "items"',
    ])
    expect(p2.check).toBe('PRAGMA foreign_key_check')
    expect(p2.script).toMatch(
      /^PRAGMA foreign_keys = OFF;\nBEGIN;[\s\S]*PRAGMA foreign_key_check;\nCOMMIT;\nPRAGMA foreign_keys = ON;\n$/,
    )
  })
})
