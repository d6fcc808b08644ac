import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Driver } from '../db/driver'
import { loadSample } from '../sample/load-sample'
import { ENGINES } from '../test-support/databases'
import { analyzeTable, applySplit, diagnoseWith, proposeSplit } from './normalize-service'
import { applyFirstNormalForm } from './first-normal-form'
import { fdErrorOnTable, isKeyOnTable, mvdHoldsOnTable } from './verify'

// A table whose name and columns need quoting, with a transitive dependency: dept id -> dept "city".
const NAME = 'staff "list" 2024'

describe.each(ENGINES)('the normalization service on $name', ({ open }) => {
  let d: Driver
  beforeEach(async () => {
    d = await open()
    const q = d.dialect.quoteIdent
    await d.query(
      `CREATE TABLE ${q(NAME)} (${q('emp id')} integer PRIMARY KEY, ${q('full name')} text, ${q('dept id')} integer, ${q("dept's city")} text)`,
    )
    const rows = Array.from(
      { length: 40 },
      (_, i) => `(${i + 1}, 'person ${i + 1}', ${i % 4}, '${['Moscow', 'Kazan', 'Tver', 'Omsk'][i % 4]}')`,
    )
    await d.query(`INSERT INTO ${q(NAME)} VALUES ${rows.join(', ')}`)
  })
  afterEach(() => d.close())

  it('analyzes, proposes and applies a split of a table whose names need quoting', async () => {
    const ref = { schema: null, name: NAME }
    const a = await analyzeTable(d, ref, { nullsEqual: true, maxError: 0 })
    expect(a.diagnosis.normalForm).toBe('2NF')
    const suggested = a.fds.filter((f) => f.suggested).map((f) => `${f.lhs}->${f.rhs}`)
    expect(suggested).toContain("dept id->dept's city")
    const fds = a.fds.filter((f) => f.suggested)
    // Rejecting the dependencies among departments and cities leaves nothing that breaks 3NF.
    const without = fds.filter((f) => f.lhs.join() === 'emp id')
    expect((await diagnoseWith(d, ref, without)).normalForm).not.toBe('2NF')
    expect((await diagnoseWith(d, ref, fds)).normalForm).toBe('2NF')
    const p = await proposeSplit(d, ref, '3nf', fds, true)
    expect(p.tables.map((t) => t.name).sort()).toEqual(['depts', 'emps'])
    expect(p.tables.find((t) => t.name === 'depts')!.rowCount).toBe(4)
    const r = await applySplit(d, ref, '3nf', fds, true)
    expect(r).toMatchObject({ view: NAME, originalRows: 40, joinedRows: 40 })
    const back = await d.query(
      `SELECT count(*) FROM ${d.dialect.quoteIdent(NAME)} WHERE ${d.dialect.quoteIdent("dept's city")} = 'Kazan'`,
    )
    expect(Number(back.rows[0][0])).toBe(10)
  })

  it('a table too big to read whole: discovery on a random sample, every finding checked on all rows by the database', async () => {
    await d.query(`CREATE TABLE big (id integer PRIMARY KEY, code integer, dept integer, city text)`)
    // dept -> city holds on every row; code -> dept holds except for one pair of rows (codes 7).
    const rows = Array.from(
      { length: 2000 },
      (_, i) =>
        [i + 1, i === 1999 ? 7 : Math.floor(i / 2), Math.floor(i / 2) % 10, `city ${Math.floor(i / 2) % 5}`] as const,
    )
    for (let k = 0; k < rows.length; k += 500)
      await d.query(
        `INSERT INTO big VALUES ${rows
          .slice(k, k + 500)
          .map((r) => `(${r[0]}, ${r[1]}, ${r[2]}, '${r[3]}')`)
          .join(', ')}`,
      )
    const a = await analyzeTable(
      d,
      { schema: null, name: 'big' },
      { nullsEqual: true, maxError: 0, sampleAbove: 1000, sampleRows: 600 },
    )
    expect(a.sample).toMatchObject({ rows: 600, of: 2000 })
    expect(a.rowCount).toBe(2000)
    // Everything reported holds on the whole table, checked here independently.
    const holds = (lhs: string[], rhs: string) => {
      const col = (c: string) => ['id', 'code', 'dept', 'city'].indexOf(c)
      const seen = new Map<string, unknown>()
      return rows.every((r) => {
        const k = JSON.stringify(lhs.map((c) => r[col(c)]))
        if (!seen.has(k)) seen.set(k, r[col(rhs)])
        return seen.get(k) === r[col(rhs)]
      })
    }
    for (const f of a.fds) expect(holds(f.lhs, f.rhs), `${f.lhs} -> ${f.rhs}`).toBe(true)
    expect(a.fds.some((f) => f.lhs.join() === 'dept' && f.rhs === 'city')).toBe(true)
    expect(a.fds.some((f) => f.lhs.join() === 'code' && f.rhs === 'dept')).toBe(false)
    for (const f of a.sample!.sampleOnly) expect(f.error).toBeGreaterThan(0)
    expect(a.keys).toContainEqual(['id'])
    // The database's own measure of the planted accident: one row of 2,000 breaks code -> dept.
    expect(await fdErrorOnTable(d, 'big', ['code'], 'dept', 2000)).toBeCloseTo(1 / 2000)
    expect(await isKeyOnTable(d, 'big', ['code'], 2000)).toBe(false)
  })

  it('a multivalued dependency is checked on the whole table by grouping, NULLs grouped together', async () => {
    await d.query(`CREATE TABLE ctr (course text, teacher text, room text)`)
    // Every teacher of a course with every room of it, one course with a NULL room: course ->> teacher | room.
    const product = [
      ['db', 'Ivanov', 'A1'],
      ['db', 'Ivanov', 'B2'],
      ['db', 'Petrov', 'A1'],
      ['db', 'Petrov', 'B2'],
      ['os', 'Sidorov', null],
      ['os', 'Orlov', null],
      [null, 'Kim', 'C3'],
    ]
    await d.query(
      `INSERT INTO ctr VALUES ${product.map((r) => `(${r.map((v) => (v === null ? 'NULL' : `'${v}'`)).join(', ')})`).join(', ')}`,
    )
    expect(await mvdHoldsOnTable(d, 'ctr', ['course'], ['teacher'], ['room'])).toBe(true)
    expect(await mvdHoldsOnTable(d, 'ctr', [], ['course', 'teacher'], ['room'])).toBe(false)
    // One combination missing breaks it.
    await d.query(`DELETE FROM ctr WHERE teacher = 'Petrov' AND room = 'B2'`)
    expect(await mvdHoldsOnTable(d, 'ctr', ['course'], ['teacher'], ['room'])).toBe(false)
  })

  it('on a sampled table the diagnosis says a multivalued dependency was checked on all rows', async () => {
    await d.query(
      `CREATE TABLE lessons (course varchar(40), teacher varchar(40), room varchar(40), PRIMARY KEY (course, teacher, room))`,
    )
    const values: string[] = []
    // Each course has two teachers and two rooms, shared with the next course, so no teacher or room determines the course.
    for (let c = 0; c < 3; c++)
      for (const t of [c, (c + 1) % 3])
        for (const r of [c, (c + 1) % 3]) values.push(`('course ${c}', 'teacher ${t}', 'room ${r}')`)
    await d.query(`INSERT INTO lessons VALUES ${values.join(', ')}`)
    // Sampled (more than 10 rows), with a sample as big as the table, so the sample shows the dependency.
    const a = await analyzeTable(
      d,
      { schema: null, name: 'lessons' },
      { nullsEqual: true, maxError: 0, sampleAbove: 10, sampleRows: 100 },
    )
    expect(a.sample).toMatchObject({ of: 12 })
    expect(a.diagnosis.normalForm).toBe('BCNF')
    expect(a.diagnosis.violations[0].form).toBe('4NF')
    expect(a.diagnosis.notes.join('\n')).toMatch(
      /course ->> (teacher|room) checked on all 12 rows by the database: it holds/,
    )
    expect(a.diagnosis.notes.join('\n')).toMatch(/searched in the sample/)
  })

  it('a CSV file as the source: discovered, diagnosed and split on paper; a ragged line is named', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemist-csv-'))
    const path = join(dir, 'grades.csv')
    writeFileSync(
      path,
      'student,course,course_name,grade\nann,db1,Databases,5\nann,os1,Systems,4\nbob,db1,Databases,3\ncid,os1,Systems,5\ncid,db1,Databases,4\n',
    )
    const ref = { schema: null, name: 'grades' }
    const a = await analyzeTable(d, ref, { nullsEqual: true, maxError: 0, csv: { path } })
    expect(a.rowCount).toBe(5)
    expect(a.csvRead).toEqual({ header: true, separator: ',' })
    expect(a.fds.some((f) => f.lhs.join() === 'course' && f.rhs === 'course_name')).toBe(true)
    const p = await proposeSplit(
      d,
      ref,
      '3nf',
      a.fds.filter((f) => f.suggested),
      false,
      { path },
    )
    expect(p.tables.some((t) => t.columns.join() === 'course,course_name')).toBe(true)
    expect(p.sql.at(-1)).toMatch(/^-- import grades into a table/)
    writeFileSync(join(dir, 'bad.csv'), 'a,b\n1,2\n3\n')
    await expect(
      analyzeTable(d, ref, { nullsEqual: true, maxError: 0, csv: { path: join(dir, 'bad.csv') } }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: expect.stringMatching(/line 3: 1 values for 2 columns/) })
    await expect(
      analyzeTable(d, ref, { nullsEqual: true, maxError: 0, csv: { path: join(dir, 'none.csv') } }),
    ).rejects.toMatchObject({ code: 'FILE_NOT_FOUND' })
  })

  it('a CSV source read as told: the first line as data, a separator other than the guessed one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemist-csv-'))
    const path = join(dir, 'codes.txt')
    // Semicolons inside the values outnumber the bars between them, so the guessed separator is wrong.
    writeFileSync(path, 'a;1|b;1\nx;2|y;2\nx;2|y;3\n')
    const ref = { schema: null, name: 'codes' }
    const guessed = await analyzeTable(d, ref, { nullsEqual: true, maxError: 0, csv: { path } })
    expect(guessed.csvRead).toEqual({ header: false, separator: ';' })
    expect(guessed.columns).toHaveLength(3)
    const told = await analyzeTable(d, ref, {
      nullsEqual: true,
      maxError: 0,
      csv: { path, header: false, separator: '|' },
    })
    expect(told.csvRead).toEqual({ header: false, separator: '|' })
    expect(told.columns).toEqual(['column1', 'column2'])
    expect(told.rowCount).toBe(3)
    // Names made up for a file without a header are not a repeating group.
    expect(told.diagnosis.oneNf.filter((p) => p.kind === 'repeating-group')).toEqual([])
    const diag = await diagnoseWith(
      d,
      ref,
      told.fds.map(({ lhs, rhs, error }) => ({ lhs, rhs, error })),
      { path, header: false, separator: '|' },
    )
    expect(diag.keys).toEqual([['column2']])
  })

  it('proposed tables can be renamed before the split is applied; names are checked', async () => {
    const ref = { schema: null, name: NAME }
    const a = await analyzeTable(d, ref, { nullsEqual: true, maxError: 0 })
    const fds = a.fds.filter((f) => f.suggested)
    const names = { depts: 'department list', emps: 'staff' }
    const p = await proposeSplit(d, ref, '3nf', fds, false, undefined, names)
    expect(p.tables.map((t) => t.name).sort()).toEqual(['department list', 'staff'])
    expect(p.tables.find((t) => t.name === 'staff')!.references.map((r) => r.table)).toEqual(['department list'])
    expect(p.sql.join('\n')).toContain(`CREATE TABLE ${d.dialect.quoteIdent('department list')}`)
    await expect(
      proposeSplit(d, ref, '3nf', fds, false, undefined, { depts: 'same', emps: 'SAME' }),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: 'Two proposed tables are named SAME' })
    const r = await applySplit(d, ref, '3nf', fds, false, names)
    expect(r.tables.map((t) => t.name).sort()).toEqual(['department list', 'staff'])
    expect(Number((await d.query(`SELECT count(*) FROM ${d.dialect.quoteIdent('department list')}`)).rows[0][0])).toBe(
      4,
    )
  })

  it('says why a target has nothing to split, and names an unknown column', async () => {
    const ref = { schema: null, name: NAME }
    await expect(proposeSplit(d, ref, '4nf', [], true)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/No 4NF split applies/),
    })
    await expect(
      proposeSplit(d, ref, '3nf', [{ lhs: ['nope'], rhs: 'full name', error: 0 }], true),
    ).rejects.toMatchObject({ code: 'BAD_REQUEST', message: `No column nope in ${NAME}` })
    await expect(
      analyzeTable(d, { schema: null, name: 'missing' }, { nullsEqual: true, maxError: 0 }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})

describe.each(ENGINES)("1NF on the notes' phone tables on $name", ({ open }) => {
  let d: Driver
  beforeEach(async () => {
    d = await open()
    await loadSample(d)
  })
  afterEach(() => d.close())

  it('a list of phones in one cell becomes rows of a phones table', async () => {
    const ref = { schema: null, name: 'phone_book' }
    expect((await analyzeTable(d, ref, { nullsEqual: true, maxError: 0 })).diagnosis.normalForm).toBe('not 1NF')
    const p = await proposeSplit(d, ref, '1nf', [], false)
    expect(p.tables.map((t) => `${t.name}(${t.columns})`)).toEqual(['phone_book(id,name)', 'phones(id,phone)'])
    expect(p.tables[1].rows.map((r) => r.map(String))).toEqual([
      ['1', '111-222'],
      ['1', '333-444'],
      ['2', '555-666'],
    ])
    const r = await applySplit(d, ref, '1nf', [], false)
    expect(r.tables).toEqual([{ name: 'phones', rows: 3 }])
    const rows = await d.query('SELECT b.name, p.phone FROM phone_book b JOIN phones p ON p.id = b.id ORDER BY p.phone')
    expect(rows.rows).toEqual([
      ['Иван', '111-222'],
      ['Иван', '333-444'],
      ['Ольга', '555-666'],
    ])
    expect(
      (await d.dialect.introspect(d)).tables.find((t) => t.name === 'phone_book')!.columns.map((c) => c.name),
    ).toEqual(['id', 'name'])
  })

  it('phone1, phone2, phone3 become rows, empty ones dropped', async () => {
    const ref = { schema: null, name: 'contacts_wide' }
    const r = await applySplit(d, ref, '1nf', [], false)
    expect(r.tables).toEqual([{ name: 'phones', rows: 3 }])
    expect((await d.query('SELECT id, phone FROM phones ORDER BY phone')).rows.map((x) => x.map(String))).toEqual([
      ['1', '111-222'],
      ['1', '333-444'],
      ['2', '555-666'],
    ])
  })

  it('JSON arrays in a cell (on PostgreSQL a jsonb column) split element by element; JSON objects are named, not split', async () => {
    const pg = d.dialect.name === 'postgres'
    await d.query(
      `CREATE TABLE posts_tagged (id integer PRIMARY KEY, title text, tags ${pg ? 'jsonb' : 'TEXT'}, meta ${pg ? 'jsonb' : 'TEXT'})`,
    )
    await d.query(
      `INSERT INTO posts_tagged VALUES (1, 'a', '["sql", "orm, sessions"]', '{"draft": true}'), (2, 'b', '["sql"]', '{"draft": false}'), (3, 'c', '[]', '{}'), (4, 'd', NULL, NULL)`,
    )
    const ref = { schema: null, name: 'posts_tagged' }
    const a = await analyzeTable(d, ref, { nullsEqual: true, maxError: 0 })
    expect(a.diagnosis.normalForm).toBe('not 1NF')
    expect(a.diagnosis.oneNf.map((x) => [x.kind, x.columns.join()])).toEqual([
      ['json-array', 'tags'],
      ['structured-value', 'meta'],
    ])
    const p = await proposeSplit(d, ref, '1nf', [], false)
    expect(p.tables.map((t) => `${t.name}(${t.columns})`)).toEqual(['posts_tagged(id,title,meta)', 'tags(id,tag)'])
    const r = await applySplit(d, ref, '1nf', [], false)
    expect(r.tables).toEqual([{ name: 'tags', rows: 3 }])
    // A comma inside an element is part of it, not a separator.
    expect((await d.query('SELECT id, tag FROM tags ORDER BY id, tag')).rows.map((x) => x.map(String))).toEqual([
      ['1', 'orm, sessions'],
      ['1', 'sql'],
      ['2', 'sql'],
    ])
  })

  it('a 1NF split that fails part way leaves the table as it was (rolled back, or undone where DDL commits)', async () => {
    // The second child's name is taken: its CREATE fails after the first child was made and filled.
    await d.query('CREATE TABLE taken (id integer PRIMARY KEY)')
    const types = new Map([
      ['id', 'integer'],
      ['name', 'varchar(40)'],
      ['phones', 'varchar(100)'],
    ])
    const err = await applyFirstNormalForm(d, { schema: null, name: 'phone_book', types }, [
      { child: 'phones', value: 'phone', key: ['id'], from: ['phones'], kind: 'list-in-cell' },
      { child: 'taken', value: 'nick', key: ['id'], from: ['name'], kind: 'list-in-cell' },
    ]).catch((e: Error) => e)
    expect(err).toBeInstanceOf(Error)
    const tables = (await d.dialect.introspect(d)).tables
    expect(tables.some((t) => t.name === 'phones')).toBe(false)
    expect(tables.find((t) => t.name === 'phone_book')!.columns.map((c) => c.name)).toEqual(['id', 'name', 'phones'])
    expect((await d.query('SELECT count(*) FROM phone_book')).rows[0].map(Number)).toEqual([2])
  })

  it('a table already in 1NF says so', async () => {
    await expect(proposeSplit(d, { schema: null, name: 'users' }, '1nf', [], false)).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: expect.stringMatching(/is in 1NF/),
    })
  })
})
