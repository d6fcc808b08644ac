import { mkdtempSync, readFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConnectionConfig } from '../../src-shared/connection'
import { parseCsv } from '../../src-shared/csv'
import { EventBus } from '../events/event-bus'
import { ConnectionManager } from '../db/connection-manager'
import { freshConfig, TEST_ENGINES } from '../test-support/databases'
import { Exporter } from './exporter'
import { Importer } from './importer'
import { TableData } from './table-data'

describe.each(TEST_ENGINES)('export and import on %s', (engine) => {
  let cm: ConnectionManager
  let events: EventBus
  let data: TableData
  let handle: string
  const dir = mkdtempSync(join(tmpdir(), 'schemist-move-'))
  const table = { schema: null, name: 't' }

  beforeEach(async () => {
    events = new EventBus()
    cm = new ConnectionManager(events)
    data = new TableData(cm)
    const config: ConnectionConfig = await freshConfig(engine)
    handle = (await cm.openConfig(config, { name: 't', savedId: null })).handle
    const d = cm.driver(handle)
    await d.query('CREATE TABLE t (id integer PRIMARY KEY, name text NOT NULL, score real, note text)')
    const p = engine === 'postgres' ? '$1, $2, $3, $4' : '?, ?, ?, ?'
    await d.runBatch([
      {
        sql: `INSERT INTO t VALUES (${p})`,
        params: [
          [1, 'Иван', 4.5, null],
          [2, 'Ольга, "Оля"', 3, ''],
          [3, 'Пётр', null, 'multi\nline'],
          [4, 'Анна', 5, 'x'],
        ],
      },
    ])
  })
  afterEach(() => cm.closeAll())

  const view = (extra = {}) => ({
    handle,
    table,
    sort: [{ column: 'score', desc: true }],
    filter: { op: 'cmp' as const, column: 'id', cmp: '<=' as const, value: 3 },
    where: '',
    ...extra,
  })

  it('exports the filtered, sorted view to CSV, JSON and SQL', async () => {
    const ex = new Exporter(data, cm, events)
    const progress: number[] = []
    events.subscribe((e, p) => e === 'onExportProgress' && progress.push((p as { rows: number }).rows))
    const csv = join(dir, `${engine}.csv`)
    expect(await ex.run('x', { cancelled: false }, { ...view(), format: 'csv', path: csv })).toBe(3)
    expect(parseCsv(readFileSync(csv, 'utf8'))).toEqual(
      [
        ['id', 'name', 'score', 'note'],
        ['3', 'Пётр', '', 'multi\nline'],
        ['1', 'Иван', '4.5', ''],
        ['2', 'Ольга, "Оля"', '3', ''],
        [''],
      ].slice(0, 4),
    )
    expect(readFileSync(csv, 'utf8')).toContain('2,"Ольга, ""Оля""",3,""')
    const json = join(dir, `${engine}.json`)
    await ex.run('y', { cancelled: false }, { ...view(), format: 'json', path: json })
    expect(JSON.parse(readFileSync(json, 'utf8'))).toEqual([
      { id: 3, name: 'Пётр', score: null, note: 'multi\nline' },
      { id: 1, name: 'Иван', score: 4.5, note: null },
      { id: 2, name: 'Ольга, "Оля"', score: 3, note: '' },
    ])
    const sql = join(dir, `${engine}.sql`)
    await ex.run('z', { cancelled: false }, { ...view(), format: 'sql', path: sql })
    const d = cm.driver(handle)
    await d.query('DELETE FROM t')
    await d.execScript(readFileSync(sql, 'utf8'))
    expect((await d.query('SELECT id, name, score, note FROM t ORDER BY id')).rows).toEqual([
      [1, 'Иван', 4.5, null],
      [2, 'Ольга, "Оля"', 3, ''],
      [3, 'Пётр', null, 'multi\nline'],
    ])
    expect(progress.length).toBeGreaterThan(0)
  })

  it('a cancelled export removes its partial file', async () => {
    const ex = new Exporter(data, cm, events)
    const path = join(dir, `${engine}-cancel.csv`)
    const job = { cancelled: true }
    await ex.run('c', job, { ...view(), format: 'csv', path })
    expect(existsSync(path)).toBe(false)
  })

  it('import lists bad rows with reasons and writes nothing; a good file goes in whole', async () => {
    const im = new Importer(data, cm, events)
    const bad = 'id,name,score\n10,Новый,1.5\n11,,2\nx12,Третий,3\n13,Четвёртый,много\n'
    const r = await im.run({
      handle,
      table,
      text: bad,
      delimiter: ',',
      hasHeader: true,
      mapping: { id: 0, name: 1, score: 2 },
    })
    expect(r.ok).toBe(false)
    expect(r.failures).toEqual([
      { row: 2, column: 'name', value: '', reason: expect.stringMatching(/NOT NULL/) },
      { row: 3, column: 'id', value: 'x12', reason: expect.stringMatching(/whole number/) },
      { row: 4, column: 'score', value: 'много', reason: expect.stringMatching(/not a number/) },
    ])
    expect((await data.count({ handle, table, sort: [], filter: null, where: '' })).count).toBe(4)
    const preview = await im.preview({ text: 'id;name\n20;A\n21;B', delimiter: ';', hasHeader: true })
    expect(preview).toEqual({
      header: ['id', 'name'],
      rows: [
        ['20', 'A'],
        ['21', 'B'],
      ],
      total: 2,
    })
    const good = await im.run({
      handle,
      table,
      text: 'id;name\n20;A\n21;B',
      delimiter: ';',
      hasHeader: true,
      mapping: { id: 0, name: 1 },
    })
    expect(good).toMatchObject({ ok: true, inserted: 2 })
    const dup = await im.run({
      handle,
      table,
      text: 'id,name\n30,C\n1,Dup\n',
      delimiter: ',',
      hasHeader: true,
      mapping: { id: 0, name: 1 },
    })
    expect(dup).toMatchObject({
      ok: false,
      failures: [{ row: 2, reason: expect.stringMatching(/CONSTRAINT_VIOLATION/) }],
    })
    expect((await data.count({ handle, table, sort: [], filter: null, where: '' })).count).toBe(6)
  })
})
