import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { emptyModel, type ModelDocument } from '../../src-shared/model/document'
import { addColumn, addTable, connect, renameTable, updateColumn } from '../../src-shared/model/edit'
import { SqliteDriver } from '../db/sqlite/sqlite-driver'
import { alembicAgainstDatabase, exportAlembic } from './alembic-export'
import { applyMigration } from './apply-migration'
import { applyModel } from './apply-model'
import { schemaToModel } from './reverse'

// A revision written by Schemist, run by the real Alembic (../shared/vendor/python): upgrade()
// turns the old database into the new model with its rows, downgrade() turns it back.
const VENDOR = join(__dirname, '../../../shared/vendor/python')
const python = spawnSync('python3', ['--version']).status === 0
const why = !existsSync(VENDOR)
  ? `the vendored Alembic is not at ${VENDOR} (a fresh clone without ../shared)`
  : !python
    ? 'python3 is not on this machine'
    : null

const RUN = `
import sys, types
from sqlalchemy import create_engine
from alembic.migration import MigrationContext
from alembic.operations import Operations
source = open(sys.argv[1]).read()
module = types.ModuleType("revision")
engine = create_engine("sqlite:///" + sys.argv[2])
with engine.begin() as conn:
    ctx = MigrationContext.configure(conn)
    with Operations.context(ctx):
        exec(compile(source, "revision.py", "exec"), module.__dict__)
        getattr(module, sys.argv[3])()
print("ok")
`

const col = (doc: ModelDocument, table: string, name: string) => {
  const t = doc.tables.find((x) => x.name === table)!
  return { t: t.id, c: t.columns.find((c) => c.name === name)!.id }
}

async function withDb<T>(path: string, fn: (d: SqliteDriver) => Promise<T>): Promise<T> {
  const d = await SqliteDriver.open({ engine: 'sqlite', path, create: true, readOnly: false })
  try {
    return await fn(d)
  } finally {
    await d.close()
  }
}

/** Tables, columns (name, nullable, key), foreign keys and indexes: what a migration must get right. */
const structure = (path: string) =>
  withDb(path, async (d) =>
    (await d.dialect.introspect(d)).tables
      .filter((t) => t.kind === 'table' && t.name !== 'alembic_version')
      .map((t) => ({
        name: t.name,
        columns: t.columns
          .map((c) => [c.name, c.nullable, c.primaryKey])
          .sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
        foreignKeys: t.foreignKeys.map((f) => [f.columns, f.refTable, f.refColumns, f.onDelete]).sort(),
        indexes: t.indexes
          .filter((i) => !i.name.startsWith('sqlite_autoindex'))
          .map((i) => [i.name, i.columns, i.unique])
          .sort(),
      }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  )

const rows = (path: string, sql: string) => withDb(path, async (d) => (await d.query(sql)).rows)

function alembic(revision: string, db: string, fn: 'upgrade' | 'downgrade') {
  const dir = mkdtempSync(join(tmpdir(), 'schemist-alembic-run-'))
  writeFileSync(join(dir, 'revision.py'), revision)
  writeFileSync(join(dir, 'run.py'), RUN)
  return spawnSync('python3', [join(dir, 'run.py'), join(dir, 'revision.py'), db, fn], {
    env: { ...process.env, PYTHONPATH: VENDOR, PYTHONDONTWRITEBYTECODE: '1' },
    encoding: 'utf8',
  })
}

describe('Alembic revision text', () => {
  it('names its revision and the one it follows, and is a file name Alembic expects', () => {
    let doc = emptyModel('m')
    doc = addTable(doc, { className: 'Author' }).doc
    const r = exportAlembic(emptyModel('m'), doc, {
      message: 'Add authors',
      revision: 'abc123def456',
      downRevision: '0f0f0f0f0f0f',
      date: new Date('2026-12-06T10:00:00Z'),
    })
    expect(r.filename).toBe('abc123def456_add_authors.py')
    expect(r.code).toContain('revision = "abc123def456"')
    expect(r.code).toContain('down_revision = "0f0f0f0f0f0f"')
    expect(r.code).toContain('Create Date: 2026-12-06 10:00:00')
    expect(r.code).toMatch(/def upgrade\(\) -> None:\n {4}op\.create_table\(\n {8}"authors",/)
    expect(r.code).toMatch(/def downgrade\(\) -> None:\n {4}op\.drop_table\("authors"\)/)
    // Nothing to do is still a valid body.
    expect(exportAlembic(doc, doc, { message: 'nothing', downRevision: null }).code).toMatch(
      /def upgrade\(\) -> None:\n {4}pass/,
    )
  })
})

describe('a revision against a live database', () => {
  it("follows the database's alembic_version and never drops Alembic's own table", async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'schemist-alembic-live-')), 'db.sqlite')
    let doc = emptyModel('m')
    doc = addTable(doc, { className: 'Author' }).doc
    const r = await withDb(path, async (d) => {
      await d.query('CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL PRIMARY KEY)')
      await d.query("INSERT INTO alembic_version VALUES ('1a2b3c4d5e6f')")
      return alembicAgainstDatabase(d, doc, 'authors')
    })
    expect(r.downRevision).toBe('1a2b3c4d5e6f')
    expect(r.code).toContain('down_revision = "1a2b3c4d5e6f"')
    expect(r.code).not.toContain('alembic_version')
    expect(r.warnings).toEqual([])
    // Without the table: the first revision, and the user is told why.
    const path2 = join(mkdtempSync(join(tmpdir(), 'schemist-alembic-live-')), 'db.sqlite')
    const first = await withDb(path2, (d) => alembicAgainstDatabase(d, doc, 'authors'))
    expect(first.downRevision).toBeNull()
    expect(first.warnings[0]).toMatch(/no alembic_version table/)
  })
})

describe.skipIf(why !== null)(`Alembic revisions run by Alembic${why ? ` (skipped: ${why})` : ''}`, () => {
  it('upgrade makes what Schemist would make, rows kept; downgrade brings the old schema and rows back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemist-alembic-'))
    const before = join(dir, 'before.sqlite')
    // authors(id, name) and books(id, title, price text, author_id), with rows.
    let start = emptyModel('library')
    const a = addTable(start, { className: 'Author' })
    start = addColumn(a.doc, a.id, { name: 'name', type: 'text', nullable: false }).doc
    const b = addTable(start, { className: 'Book' })
    start = addColumn(b.doc, b.id, { name: 'title', type: 'text', nullable: false }).doc
    start = addColumn(start, b.id, { name: 'price', type: 'text' }).doc
    start = connect(start, { from: b.id, to: a.id, kind: 'many-to-one' }).doc
    const from = await withDb(before, async (d) => {
      await applyModel(d, start)
      await d.query(`INSERT INTO authors (name) VALUES ('Tolstoy'), ('Chekhov')`)
      await d.query(
        `INSERT INTO books (title, price, author_id) VALUES ('War and Peace', '12.50', 1), ('Anna Karenina', '9.90', 1), ('The Seagull', '5', 2)`,
      )
      return schemaToModel(await d.dialect.introspect(d), d.dialect)
    })

    // The designer's changes: a new column, a renamed one, a type change, a renamed table,
    // a new table that points at an old one, a new index.
    let to = addColumn(from, col(from, 'books', 'title').t, { name: 'isbn', type: 'varchar', length: 13 }).doc
    const name = col(to, 'authors', 'name')
    to = updateColumn(to, name.t, name.c, { name: 'full_name' })
    const price = col(to, 'books', 'price')
    to = updateColumn(to, price.t, price.c, { type: 'numeric', length: 8, scale: 2 })
    to = renameTable(to, name.t, 'writers')
    const r = addTable(to, { className: 'Review' })
    to = addColumn(r.doc, r.id, { name: 'stars', type: 'integer', nullable: false }).doc
    to = connect(to, { from: r.id, to: price.t, kind: 'many-to-one' }).doc
    const books = to.tables.find((t) => t.name === 'books')!
    to = {
      ...to,
      tables: to.tables.map((t) =>
        t.id === books.id
          ? {
              ...t,
              indexes: [...t.indexes, { name: 'ix_books_title', columns: ['title'], unique: false, where: null }],
            }
          : t,
      ),
    }

    const rev = exportAlembic(from, to, { message: 'library v2', downRevision: null })
    expect(rev.code).toContain('op.rename_table("authors", "writers")')
    expect(rev.code).toContain('with op.batch_alter_table("books") as batch_op:')

    // What Schemist's own migration makes, on a copy.
    const ours = join(dir, 'ours.sqlite')
    copyFileSync(before, ours)
    await withDb(ours, (d) => applyMigration(d, to))

    const theirs = join(dir, 'theirs.sqlite')
    copyFileSync(before, theirs)
    const up = alembic(rev.code, theirs, 'upgrade')
    expect(up.stderr).toBe('')
    expect(up.stdout.trim()).toBe('ok')
    expect(await structure(theirs)).toEqual(await structure(ours))
    expect(
      await rows(
        theirs,
        'SELECT b.title, w.full_name, b.price, b.isbn FROM books b JOIN writers w ON w.id = b.author_id ORDER BY b.id',
      ),
    ).toEqual([
      ['War and Peace', 'Tolstoy', 12.5, null],
      ['Anna Karenina', 'Tolstoy', 9.9, null],
      ['The Seagull', 'Chekhov', 5, null],
    ])

    const down = alembic(rev.code, theirs, 'downgrade')
    expect(down.stderr).toBe('')
    expect(await structure(theirs)).toEqual(await structure(before))
    expect(
      await rows(
        theirs,
        'SELECT b.title, a.name, b.author_id FROM books b JOIN authors a ON a.id = b.author_id ORDER BY b.id',
      ),
    ).toEqual([
      ['War and Peace', 'Tolstoy', 1],
      ['Anna Karenina', 'Tolstoy', 1],
      ['The Seagull', 'Chekhov', 2],
    ])
  }, 60_000)
})
