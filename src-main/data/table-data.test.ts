import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConnectionConfig } from '../../src-shared/connection'
import type { Cursor, RowEdit, SortKey } from '../../src-shared/grid'
import type { Cell } from '../../src-shared/values'
import { columnsOf } from '../../src-shared/cell-columns'
import { EventBus } from '../events/event-bus'
import { ConnectionManager } from '../db/connection-manager'
import { freshConfig, TEST_ENGINES } from '../test-support/databases'
import { TableData } from './table-data'

type Row = { id: number; a: number | null; b: string | null }

function rowsFor(n: number): Row[] {
  return Array.from({ length: n }, (_, k) => {
    const i = k + 1
    return { id: i, a: i % 5 === 0 ? null : i % 4, b: ['x', 'y', null][i % 3] }
  })
}

/** The ordering the grid promises: NULLs last ascending, first descending, ties by id. */
function expected(rows: Row[], sort: SortKey[]): number[] {
  const cmp = (x: Cell, y: Cell, desc: boolean) => {
    if (x === y) return 0
    if (x === null) return desc ? -1 : 1
    if (y === null) return desc ? 1 : -1
    return (x < y ? -1 : 1) * (desc ? -1 : 1)
  }
  return [...rows]
    .sort((r, s) => {
      for (const k of sort) {
        const c = cmp(r[k.column as keyof Row], s[k.column as keyof Row], k.desc)
        if (c) return c
      }
      return r.id - s.id
    })
    .map((r) => r.id)
}

describe.each(TEST_ENGINES)('table data on %s', (engine) => {
  let cm: ConnectionManager
  let data: TableData
  let handle: string
  const table = { schema: null, name: 't' }

  async function setup(n: number) {
    const config: ConnectionConfig = await freshConfig(engine)
    handle = (await cm.openConfig(config, { name: 'test', savedId: null })).handle
    const d = cm.driver(handle)
    await d.query(`CREATE TABLE t (id integer PRIMARY KEY, a integer, b text, ${d.dialect.quoteIdent('we"ird')} text)`)
    const rows = rowsFor(n)
    const ph = engine === 'postgres' ? '$1, $2, $3' : '?, ?, ?'
    await d.query('BEGIN')
    await d.runBatch([{ sql: `INSERT INTO t (id, a, b) VALUES (${ph})`, params: rows.map((r) => [r.id, r.a, r.b]) }])
    await d.query('COMMIT')
    return rows
  }

  beforeEach(() => {
    cm = new ConnectionManager(new EventBus())
    data = new TableData(cm)
  })
  afterEach(() => cm.closeAll())

  const view = (sort: SortKey[]) => ({ handle, table, sort, filter: null, where: '' })

  it.each([
    [[{ column: 'a', desc: false }]],
    [
      [
        { column: 'a', desc: true },
        { column: 'b', desc: false },
      ],
    ],
    [
      [
        { column: 'b', desc: true },
        { column: 'a', desc: false },
      ],
    ],
    [[]],
  ])(
    'keyset pages walk every row once, forwards and backwards, with ties and NULLs (sort %j)',
    async (sort: SortKey[]) => {
      const rows = await setup(61)
      const want = expected(rows, sort)
      const seen: number[] = []
      let after: Cursor | null = null
      for (;;) {
        const p = await data.page({ ...view(sort), after, before: null, fromEnd: false, limit: 7 })
        seen.push(...p.keys.map((k) => Number(k[0])))
        if (p.atEdge) break
        after = p.lastCursor!
        expect(p.sql).not.toMatch(/OFFSET/)
      }
      expect(seen).toEqual(want)
      const back: number[] = []
      let before: Cursor | null = null
      for (let first = true; ; first = false) {
        const p = await data.page({ ...view(sort), after: null, before, fromEnd: first, limit: 7 })
        back.unshift(...p.keys.map((k) => Number(k[0])))
        if (p.atEdge) break
        before = p.firstCursor!
      }
      expect(back).toEqual(want)
    },
  )

  it('builds pages of more rows than the SQLite worker sends as rows from their columns, unread, equal to rows', async () => {
    const rows = await setup(61)
    const sort = [{ column: 'b', desc: false }]
    const byId = new Map(rows.map((r) => [r.id, [r.id, r.a, r.b, null]]))
    const seen: number[] = []
    let after: Cursor | null = null
    for (;;) {
      const p = await data.page({ ...view(sort), after, before: null, fromEnd: false, limit: 20 })
      // On SQLite the rows and keys stay columns until something reads them (the bridge does not).
      const held = [columnsOf(p, 'rows')?.rows, columnsOf(p, 'keys')?.rows]
      const ids = p.keys.map((k) => Number(k[0]))
      // (the last page's 1 row came as rows: the worker sends more than 16 rows as columns)
      if (engine === 'sqlite' && !p.atEdge) expect(held).toEqual([ids.length, ids.length])
      expect(columnsOf(p, 'keys')).toBeUndefined()
      expect(p.rows).toEqual(ids.map((id) => byId.get(id)))
      expect(p.lastCursor).toEqual([byId.get(ids[ids.length - 1])![2], ids[ids.length - 1]])
      expect(p.firstCursor).toEqual([byId.get(ids[0])![2], ids[0]])
      seen.push(...ids)
      if (p.atEdge) break
      after = p.lastCursor!
    }
    expect(seen).toEqual(expected(rows, sort))
    // Backwards: pages read in reverse, made from reversed columns.
    const back: number[] = []
    let before: Cursor | null = null
    for (let first = true; ; first = false) {
      const p = await data.page({ ...view(sort), after: null, before, fromEnd: first, limit: 20 })
      const held = columnsOf(p, 'rows')?.rows
      const ids = p.keys.map((k) => Number(k[0]))
      if (engine === 'sqlite' && !p.atEdge) expect(held).toBe(ids.length)
      expect(p.rows).toEqual(ids.map((id) => byId.get(id)))
      expect(p.firstCursor).toEqual([byId.get(ids[0])![2], ids[0]])
      back.unshift(...ids)
      if (p.atEdge) break
      before = p.firstCursor!
    }
    expect(back).toEqual(expected(rows, sort))
  })

  it('pages through a view, which has no key, forwards and backwards', async () => {
    const rows = await setup(30)
    await cm.driver(handle).query('CREATE VIEW v AS SELECT id, a, b FROM t')
    const v = {
      handle,
      table: { schema: null, name: 'v' },
      sort: [{ column: 'b', desc: false }],
      filter: null,
      where: '',
    }
    const seen: number[] = []
    let after: Cursor | null = null
    for (;;) {
      const p = await data.page({ ...v, after, before: null, fromEnd: false, limit: 7 })
      seen.push(...p.rows.map((r) => Number(r[0])))
      if (p.atEdge) break
      after = p.lastCursor!
    }
    expect(seen).toEqual(expected(rows, v.sort))
    const last = await data.page({ ...v, after: null, before: null, fromEnd: true, limit: 7 })
    expect(last.rows.map((r) => Number(r[0]))).toEqual(expected(rows, v.sort).slice(-7))
  })

  it('jumps to row N through the position index with a small skip', async () => {
    const rows = await setup(2500)
    const sort = [{ column: 'b', desc: false }]
    const want = expected(rows, sort)
    for (const n of [0, 999, 1000, 1001, 2345, 2499]) {
      const at = await data.locate({ ...view(sort), row: n })
      expect(at.skip).toBeLessThan(1000)
      const p = await data.page({
        ...view(sort),
        after: at.after,
        before: null,
        fromEnd: false,
        limit: 3,
        skip: at.skip,
      })
      expect(Number(p.keys[0][0])).toBe(want[n])
    }
  })

  it('counts rows, with the filter and the raw WHERE applied', async () => {
    await setup(61)
    expect(await data.count(view([]))).toEqual({ count: 61, exact: true })
    expect((await data.count({ ...view([]), filter: { op: 'null', column: 'a' } })).count).toBe(12)
    expect((await data.count({ ...view([]), where: 'id <= 10' })).count).toBe(10)
  })

  it('keeps filter values and identifiers as data, never as SQL', async () => {
    await setup(10)
    const evil = `x'); DROP TABLE t; --`
    const p = await data.page({
      ...view([]),
      filter: {
        op: 'or',
        args: [
          { op: 'cmp', column: 'b', cmp: '=', value: evil },
          { op: 'in', column: 'we"ird', values: [evil, null] },
        ],
      },
      after: null,
      before: null,
      fromEnd: false,
      limit: 5,
    })
    expect(p.rows).toEqual([])
    expect(p.sql).not.toContain('DROP')
    await expect(
      data.page({
        ...view([]),
        filter: { op: 'cmp', column: 'no such"col', cmp: '=', value: 1 },
        after: null,
        before: null,
        fromEnd: false,
        limit: 5,
      }),
    ).rejects.toMatchObject({ code: 'SQL_ERROR' })
    expect((await data.count(view([]))).count).toBe(10)
  })

  it('applies edits through a session: preview changes nothing, commit writes, a failure names the edit and writes nothing', async () => {
    await setup(5)
    const edits: RowEdit[] = [
      { kind: 'update', id: 'e1', key: [1], values: { b: 'changed' } },
      { kind: 'insert', id: 'e2', values: { id: 100, a: 7, b: 'new' } },
      { kind: 'delete', id: 'e3', key: [5] },
    ]
    const preview = await data.applyEdits(handle, table, edits, 'preview')
    expect(preview.ok).toBe(true)
    const q = cm.driver(handle).dialect.quoteIdent
    expect(preview.sql.map((s) => s.sql.split(' ').slice(0, 3).join(' '))).toEqual([
      cm.driver(handle).dialect.beginSql(),
      `UPDATE ${q('t')} SET`,
      `INSERT INTO ${q('t')}`,
      `DELETE FROM ${q('t')}`,
      'COMMIT',
    ])
    expect((await data.count(view([]))).count).toBe(5)
    const bad = await data.applyEdits(
      handle,
      table,
      [...edits, { kind: 'insert', id: 'dup', values: { id: 2, a: 1, b: 'dup' } }],
      'commit',
    )
    expect(bad).toMatchObject({ ok: false, error: { code: 'CONSTRAINT_VIOLATION', editId: 'dup' } })
    const after1 = await data.page({ ...view([]), after: null, before: null, fromEnd: false, limit: 10 })
    expect(after1.keys.map((k) => Number(k[0]))).toEqual([1, 2, 3, 4, 5])
    const good = await data.applyEdits(handle, table, edits, 'commit')
    if (engine === 'sqlite') {
      // A table without a primary key is edited by its rowid.
      const d = cm.driver(handle)
      await d.query('CREATE TABLE nokey (a text, b integer)')
      await d.query("INSERT INTO nokey VALUES ('x', 1), ('y', 2)")
      data.invalidate(handle)
      const p = await data.page({
        ...view([]),
        table: { schema: null, name: 'nokey' },
        after: null,
        before: null,
        fromEnd: false,
        limit: 10,
      })
      expect(p.keyColumns).toEqual(['__rowid'])
      const r = await data.applyEdits(
        handle,
        { schema: null, name: 'nokey' },
        [
          { kind: 'update', id: 'u', key: p.keys[1], values: { a: 'Y' } },
          { kind: 'insert', id: 'i', values: { a: 'z', b: 3 } },
          { kind: 'delete', id: 'd', key: p.keys[0] },
        ],
        'commit',
      )
      expect(r.ok).toBe(true)
      expect((await d.query('SELECT a, b FROM nokey ORDER BY b')).rows).toEqual([
        ['Y', 2],
        ['z', 3],
      ])
    }
    expect(good.ok).toBe(true)
    const after2 = await data.page({ ...view([]), after: null, before: null, fromEnd: false, limit: 10 })
    expect(after2.keys.map((k) => Number(k[0]))).toEqual([1, 2, 3, 4, 100])
    expect(after2.rows[0][2]).toBe('changed')
  })
  it('puts an existing cell back to its column default: DEFAULT on PostgreSQL, the default expression on SQLite', async () => {
    await setup(3)
    const d = cm.driver(handle)
    await d.query("CREATE TABLE withdef (id integer PRIMARY KEY, status text DEFAULT 'new', note text)")
    await d.query("INSERT INTO withdef VALUES (1, 'done', 'keep')")
    data.invalidate(handle)
    const ref = { schema: null, name: 'withdef' }
    const edits: RowEdit[] = [{ kind: 'update', id: 'u', key: [1], values: {}, defaults: ['status', 'note'] }]
    const preview = await data.applyEdits(handle, ref, edits, 'preview')
    expect(preview.ok).toBe(true)
    const upd = preview.sql.find((x) => x.sql.startsWith('UPDATE'))!.sql
    const q = d.dialect.quoteIdent
    // DEFAULT where UPDATE takes it (PostgreSQL, MariaDB); SQLite has only the default's expression.
    expect(upd).toContain(engine === 'sqlite' ? `${q('status')} = ('new')` : `${q('status')} = DEFAULT`)
    expect(upd).toContain(engine === 'sqlite' ? `${q('note')} = NULL` : `${q('note')} = DEFAULT`)
    expect((await d.query('SELECT status FROM withdef')).rows).toEqual([['done']])
    expect((await data.applyEdits(handle, ref, edits, 'commit')).ok).toBe(true)
    expect((await d.query('SELECT status, note FROM withdef')).rows).toEqual([['new', null]])
  })
  it('shows the session behind the edits: new, dirty and deleted before the flush, the SQL it sent, empty after commit', async () => {
    await setup(5)
    const edits: RowEdit[] = [
      { kind: 'update', id: 'e1', key: [1], values: { b: 'changed' } },
      { kind: 'insert', id: 'e2', values: { id: 100, a: 7, b: 'new' } },
      { kind: 'delete', id: 'e3', key: [5] },
    ]
    const inspect = await data.applyEdits(handle, table, edits, 'inspect')
    const snap = inspect.session!
    expect([snap.new.length, snap.dirty.length, snap.deleted.length]).toEqual([1, 1, 1])
    const dirty = snap.objects.find((o) => o.ref === snap.dirty[0])!
    expect(dirty).toMatchObject({
      status: 'persistent',
      modified: ['b'],
      values: expect.objectContaining({ b: 'changed' }),
    })
    expect(snap.log.map((e) => e.sql.split(' ')[0])).not.toContain('UPDATE')
    expect((await data.count(view([]))).count).toBe(5)
    const preview = await data.applyEdits(handle, table, edits, 'preview')
    expect(preview.session!.log.map((e) => e.sql.split(' ')[0])).toEqual(
      expect.arrayContaining(['SELECT', 'UPDATE', 'INSERT', 'DELETE', 'ROLLBACK']),
    )
    const commit = await data.applyEdits(handle, table, edits, 'commit')
    expect([commit.session!.new, commit.session!.dirty, commit.session!.deleted]).toEqual([[], [], []])
    expect(commit.session!.log.at(-1)!.sql).toBe('COMMIT')
  })
})
