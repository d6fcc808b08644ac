import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  closeSync,
  existsSync,
  openSync,
  writeSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { ConnectionConfig } from '../../src-shared/connection'
import { EventBus } from '../events/event-bus'
import { ConnectionManager } from '../db/connection-manager'
import { writeFileAtomic } from '../db/atomic-write'
import { QueryHistory } from '../db/query-history'
import { SavedConnections } from '../db/saved-connections'
import { SecretStore } from '../db/secret-store'
import { freshConfig, sqliteConfig, TEST_ENGINES } from '../test-support/databases'
import { testServices } from '../test-support/services'
import { Exporter } from './exporter'
import { Importer } from './importer'
import { TableData } from './table-data'

// Fault injection on files: every path that cannot be written, read or parsed ends as an error the
// user can read, and whatever was there before is still there.

const dir = () => mkdtempSync(join(tmpdir(), 'schemist-faults-'))

describe.each(TEST_ENGINES)('fault injection on exports and imports (%s)', (engine) => {
  let cm: ConnectionManager
  let events: EventBus
  let data: TableData
  let handle: string
  const table = { schema: null, name: 't' }
  beforeEach(async () => {
    events = new EventBus()
    cm = new ConnectionManager(events)
    data = new TableData(cm)
    const config: ConnectionConfig = await freshConfig(engine)
    handle = (await cm.openConfig(config, { name: 't', savedId: null })).handle
    await cm.driver(handle).query('CREATE TABLE t (id integer PRIMARY KEY, name text NOT NULL)')
    await cm.driver(handle).query("INSERT INTO t VALUES (1, 'a'), (2, 'b')")
  })
  afterEach(() => cm.closeAll())

  const view = (extra = {}) => ({ handle, table, sort: [], filter: null, where: '', ...extra })
  const outcome = (exportId: string) =>
    new Promise<{ error: string | null; done: boolean }>((resolve) => {
      events.subscribe((e, p) => {
        const q = p as { exportId: string; done: boolean; error: string | null }
        if (e === 'onExportProgress' && q.exportId === exportId && q.done) resolve(q)
      })
    })

  it('export with a broken WHERE: the error is reported and the file already at the target is kept', async () => {
    const d = dir()
    const path = join(d, 'existing.csv')
    writeFileSync(path, 'IMPORTANT EXISTING DATA')
    const ex = new Exporter(data, cm, events)
    const { exportId } = ex.start({ ...view({ where: 'name = (((' }), format: 'csv', path })
    const r = await outcome(exportId)
    expect(r.error).toBeTruthy()
    expect(readFileSync(path, 'utf8')).toBe('IMPORTANT EXISTING DATA')
    expect(readdirSync(d)).toEqual(['existing.csv'])
  })

  it('export into a path under a regular file (not a folder): a clear error, nothing thrown at the process', async () => {
    const d = dir()
    writeFileSync(join(d, 'plain'), 'x')
    const ex = new Exporter(data, cm, events)
    const { exportId } = ex.start({ ...view(), format: 'csv', path: join(d, 'plain', 'out.csv') })
    const r = await outcome(exportId)
    expect(r.error).toMatch(/not a folder|in the way/)
  })

  it('export onto a path that is a folder: a clear error, the folder untouched', async () => {
    const d = dir()
    mkdirSync(join(d, 'folder'))
    writeFileSync(join(d, 'folder', 'inside.txt'), 'keep')
    const ex = new Exporter(data, cm, events)
    const { exportId } = ex.start({ ...view(), format: 'json', path: join(d, 'folder') })
    const r = await outcome(exportId)
    expect(r.error).toBeTruthy()
    expect(readFileSync(join(d, 'folder', 'inside.txt'), 'utf8')).toBe('keep')
    expect(readdirSync(d)).toEqual(['folder'])
  })

  it('a successful export replaces the old file whole', async () => {
    const d = dir()
    const path = join(d, 'out.csv')
    writeFileSync(path, 'old')
    const ex = new Exporter(data, cm, events)
    const { exportId } = ex.start({ ...view(), format: 'csv', path })
    expect((await outcome(exportId)).error).toBeNull()
    expect(readFileSync(path, 'utf8')).toBe('id,name\n1,a\n2,b\n')
    expect(readdirSync(d)).toEqual(['out.csv'])
  })

  it('CSV with an unterminated quote: the import fails naming the line, and nothing is written', async () => {
    const im = new Importer(data, cm, events)
    const r = await im.run({
      handle,
      table,
      text: 'id,name\n10,ok\n11,"never closed\n12,c\n13,d\n',
      delimiter: ',',
      hasHeader: true,
      mapping: { id: 0, name: 1 },
    })
    expect(r.ok).toBe(false)
    expect(r.failures.map((f) => f.reason).join(' ')).toMatch(/quoted field is never closed/i)
    expect((await data.count({ handle, table, sort: [], filter: null, where: '' })).count).toBe(2)
  })

  it('CSV rows with extra or missing fields are listed, not silently cut or padded', async () => {
    const im = new Importer(data, cm, events)
    const r = await im.run({
      handle,
      table,
      text: 'id,name\n10,ok\n11,x,EXTRA\n12\n',
      delimiter: ',',
      hasHeader: true,
      mapping: { id: 0, name: 1 },
    })
    expect(r.ok).toBe(false)
    expect(r.failures).toEqual([
      { row: 2, column: null, value: null, reason: expect.stringMatching(/3 fields where the header has 2/) },
      { row: 3, column: null, value: null, reason: expect.stringMatching(/1 fields where the header has 2/) },
    ])
    expect((await data.count({ handle, table, sort: [], filter: null, where: '' })).count).toBe(2)
  })

  it('a Latin-1 file is refused with a word about its encoding, and read right once the encoding is given', async () => {
    const d = dir()
    const path = join(d, 'latin1.csv')
    writeFileSync(path, Buffer.from('id,name\n10,Café Müller\n11,Ærøskøbing\n', 'latin1'))
    const im = new Importer(data, cm, events)
    const bad = await im.run({ handle, table, path, delimiter: ',', hasHeader: true, mapping: { id: 0, name: 1 } })
    expect(bad.ok).toBe(false)
    expect(bad.failures[0].reason).toMatch(/not valid UTF-8.*encoding/)
    expect((await data.count({ handle, table, sort: [], filter: null, where: '' })).count).toBe(2)
    const good = await im.run({
      handle,
      table,
      path,
      delimiter: ',',
      hasHeader: true,
      encoding: 'windows-1252',
      mapping: { id: 0, name: 1 },
    })
    expect(good).toMatchObject({ ok: true, inserted: 2 })
    expect((await cm.driver(handle).query('SELECT name FROM t WHERE id >= 10 ORDER BY id')).rows).toEqual([
      ['Café Müller'],
      ['Ærøskøbing'],
    ])
  })

  it('a UTF-16 file with its byte-order mark is read as UTF-16', async () => {
    const d = dir()
    const path = join(d, 'utf16.csv')
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('id,name\n10,Ölçü\n', 'utf16le')]))
    const im = new Importer(data, cm, events)
    expect(
      await im.run({ handle, table, path, delimiter: ',', hasHeader: true, mapping: { id: 0, name: 1 } }),
    ).toMatchObject({ ok: true, inserted: 1 })
    expect((await cm.driver(handle).query('SELECT name FROM t WHERE id = 10')).rows).toEqual([['Ölçü']])
  })
})

describe('fault injection on a 1,000,000-row CSV import (SQLite)', () => {
  it('streams: every row goes in, and memory stays bounded', async () => {
    const events = new EventBus()
    const cm = new ConnectionManager(events)
    const data = new TableData(cm)
    const handle = (await cm.openConfig(sqliteConfig(), { name: 't', savedId: null })).handle
    await cm.driver(handle).query('CREATE TABLE big (id integer PRIMARY KEY, label text NOT NULL, n real)')
    const path = join(dir(), 'big.csv')
    // Written in slices, so the test itself never holds the file in memory.
    const fd = openSync(path, 'w')
    writeSync(fd, 'id,label,n\n')
    for (let from = 1; from <= 1_000_000; from += 50_000) {
      let slice = ''
      for (let i = from; i < from + 50_000; i++) slice += `${i},row number ${i},${i / 7}\n`
      writeSync(fd, slice)
    }
    closeSync(fd)
    const base = process.memoryUsage().rss
    let peak = base
    events.subscribe((e) => {
      if (e === 'onImportProgress') peak = Math.max(peak, process.memoryUsage().rss)
    })
    const im = new Importer(data, cm, events)
    const r = await im.run({
      handle,
      table: { schema: null, name: 'big' },
      path,
      delimiter: ',',
      hasHeader: true,
      mapping: { id: 0, label: 1, n: 2 },
    })
    expect(r).toMatchObject({ ok: true, inserted: 1_000_000 })
    expect((await cm.driver(handle).query('SELECT count(*), max(id) FROM big')).rows).toEqual([[1_000_000, 1_000_000]])
    // The whole file parsed at once took the host from about 100 MB to 1.1 GB; streamed, the
    // growth is a few chunks' worth.
    if (process.env.SCHEMIST_SHOW_MEMORY)
      console.log(`import of 1,000,000 rows: RSS grew ${Math.round((peak - base) / 1e6)} MB`)
    expect(peak - base).toBeLessThan(250 * 1024 * 1024)
    await cm.closeAll()
  }, 120_000)
})

describe('fault injection on the files the app keeps', () => {
  it('a query history folder that cannot be written costs the history, not the host', async () => {
    const d = dir()
    writeFileSync(join(d, 'history'), 'a file where the folder should be')
    const problems: string[] = []
    const h = new QueryHistory(d, (m) => problems.push(m))
    await h.add('sample', { sql: 'SELECT 1', at: Date.now(), durationMs: 1, rows: 1, error: null })
    await h.flush()
    expect(problems.join()).toMatch(/Query history not saved/)
    expect(await h.list('sample')).toHaveLength(1)
  })

  it('a corrupt connections.json is moved aside and reported, never overwritten', async () => {
    const d = dir()
    writeFileSync(join(d, 'connections.json'), '{"version":1,"connections":[{"id":"a",')
    const services = await testServices({ dataDir: d })
    try {
      expect(services.info.startupProblems.join()).toMatch(/moved aside/)
      const aside = readdirSync(d).find((f) => f.startsWith('connections.json.bad-'))!
      expect(readFileSync(join(d, aside), 'utf8')).toBe('{"version":1,"connections":[{"id":"a",')
      expect((await services.saved.list()).map((c) => c.id)).toEqual(['sample'])
    } finally {
      await services.dispose()
    }
  })

  it('one saved connection the schema rejects is kept in the file and reported; the others load', async () => {
    const d = dir()
    const pg = (id: string, sslMode: string) => ({
      id,
      name: id,
      passwordStorage: 'none',
      config: { engine: 'postgres', host: 'h', port: 5432, user: 'u', database: 'db', sslMode },
    })
    writeFileSync(
      join(d, 'connections.json'),
      JSON.stringify({
        version: 1,
        connections: [pg('prod', 'prefer'), pg('staging', 'allow'), pg('analytics', 'require')],
      }),
    )
    const services = await testServices({ dataDir: d })
    try {
      expect((await services.saved.list()).map((c) => c.id).sort()).toEqual(['analytics', 'prod', 'sample'])
      expect(services.info.startupProblems.join()).toMatch(/"staging" could not be read \(config/)
      const onDisk = JSON.parse(readFileSync(join(d, 'connections.json'), 'utf8')) as {
        connections: { id: string; config: { sslMode?: string } }[]
      }
      expect(onDisk.connections.map((c) => c.id).sort()).toEqual(['analytics', 'prod', 'sample', 'staging'])
      expect(onDisk.connections.find((c) => c.id === 'staging')?.config.sslMode).toBe('allow')
    } finally {
      await services.dispose()
    }
  })

  it('a corrupt secrets file is moved aside, never overwritten by the next saved password', async () => {
    const d = dir()
    writeFileSync(join(d, 'secrets.json'), 'not json')
    const enc = { encrypt: (s: string) => `enc:${s}`, decrypt: (c: string) => c.slice(4) }
    const saved = new SavedConnections(d, new SecretStore(d, enc))
    await saved.save({
      name: 'x',
      config: {
        engine: 'postgres',
        host: 'h',
        port: 5432,
        user: 'u',
        database: 'd',
        sslMode: 'prefer',
        password: 'pw',
      },
      rememberPassword: true,
    })
    const aside = readdirSync(d).find((f) => f.startsWith('secrets.json.bad-'))!
    expect(readFileSync(join(d, aside), 'utf8')).toBe('not json')
  })

  it('a save onto a path under a regular file fails with FILE_ERROR naming the path, leaving nothing behind', async () => {
    const d = dir()
    writeFileSync(join(d, 'plain'), 'x')
    await expect(writeFileAtomic(join(d, 'plain', 'model.json'), '{}')).rejects.toMatchObject({
      code: 'FILE_ERROR',
      message: expect.stringContaining(join(d, 'plain', 'model.json')),
    })
    expect(readdirSync(d)).toEqual(['plain'])
  })

  it('a save through a symlink writes the file it points to and keeps the link', async () => {
    const d = dir()
    writeFileSync(join(d, 'real.json'), 'old')
    symlinkSync(join(d, 'real.json'), join(d, 'link.json'))
    await writeFileAtomic(join(d, 'link.json'), 'new')
    expect(readFileSync(join(d, 'real.json'), 'utf8')).toBe('new')
    expect(readFileSync(join(d, 'link.json'), 'utf8')).toBe('new')
    expect(readdirSync(d).sort()).toEqual(['link.json', 'real.json'])
  })

  it('a save over an existing file keeps its mode', async () => {
    const d = dir()
    const p = join(d, 'm.json')
    writeFileSync(p, 'old')
    chmodSync(p, 0o640)
    await writeFileAtomic(p, 'new', 0o600)
    expect(statSync(p).mode & 0o777).toBe(0o640)
  })

  describe('on a full disk (a 64 KB tmpfs)', () => {
    let mount: string | null = null
    let why = ''
    try {
      const m = mkdtempSync(join(tmpdir(), 'schemist-full-'))
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', m], { stdio: 'ignore' })
      mount = m
    } catch (e) {
      why = `mounting a small tmpfs needs root (${(e as Error).message.split('\n')[0]})`
    }
    afterAll(() => {
      if (!mount) return
      try {
        execFileSync('umount', [mount], { stdio: 'ignore' })
        rmSync(mount, { recursive: true, force: true })
      } catch {
        // left for the OS to clean
      }
    })
    it.skipIf(!mount)(
      `a save that fills the disk fails with FILE_ERROR, leaves no temporary file, and the next small save works${mount ? '' : ` (skipped: ${why})`}`,
      async () => {
        const p = join(mount!, 'model.json')
        await writeFileAtomic(p, 'small')
        await expect(writeFileAtomic(p, 'x'.repeat(200 * 1024))).rejects.toMatchObject({
          code: 'FILE_ERROR',
          message: expect.stringMatching(/disk is full/),
        })
        expect(readdirSync(mount!)).toEqual(['model.json'])
        expect(readFileSync(p, 'utf8')).toBe('small')
        await writeFileAtomic(p, 'small again')
        expect(readFileSync(p, 'utf8')).toBe('small again')
        expect(existsSync(p)).toBe(true)
      },
    )
  })
})
