import { describe, expect, it } from 'vitest'
import { consoleOn } from '../test-support/console-fixture'
import { freshPgDatabase, sqliteConfig } from '../test-support/databases'

describe('MVCC made visible', () => {
  it('PostgreSQL: each snapshot sees its own version of an updated row; the others are listed as invisible', async () => {
    const pg = await freshPgDatabase()
    const { consoles, id, run } = await consoleOn(pg, [
      'CREATE EXTENSION IF NOT EXISTS pageinspect',
      'CREATE TABLE acct (id int PRIMARY KEY, balance int)',
      'INSERT INTO acct VALUES (1, 100)',
    ])
    await run('A', 'BEGIN ISOLATION LEVEL REPEATABLE READ')
    await run('A', 'SELECT balance FROM acct')
    await run('B', 'UPDATE acct SET balance = 90 WHERE id = 1')
    const a = await consoles.rowVersions(id, 'A', { schema: null, name: 'acct' })
    const b = await consoles.rowVersions(id, 'B', { schema: null, name: 'acct' })
    expect(a.allVersions).toBe(true)
    expect(a.versions).toHaveLength(2)
    const [oldV, newV] = a.versions
    expect(oldV).toMatchObject({
      visible: true,
      xminStatus: 'committed',
      xmaxStatus: 'committed',
      row: { id: 1, balance: 100 },
    })
    expect(newV).toMatchObject({ visible: false, xmin: oldV.xmax, xminStatus: 'committed', row: null })
    expect(b.versions.map((v) => v.visible)).toEqual([false, true])
    expect(b.versions[1].row).toEqual({ id: 1, balance: 90 })
    expect(a.snapshot).toMatch(/^\d+:\d+:/)
    await consoles.closeAll()
  })

  it('PostgreSQL without pageinspect lists the visible versions and says what the rest need', async () => {
    const pg = await freshPgDatabase()
    const { consoles, id } = await consoleOn(pg, [
      'CREATE TABLE acct (id int PRIMARY KEY, balance int)',
      'INSERT INTO acct VALUES (1, 100), (2, 50)',
    ])
    const v = await consoles.rowVersions(id, 'A', { schema: null, name: 'acct' })
    expect(v.allVersions).toBe(false)
    expect(v.versions.map((x) => x.ctid)).toEqual(['(0,1)', '(0,2)'])
    expect(v.note).toMatch(/pageinspect/)
    await consoles.closeAll()
  })

  it('SQLite: each pane shows the lock its statements imply, and the journal mode', async () => {
    const config = sqliteConfig()
    const { consoles, id, run } = await consoleOn(config, [
      'PRAGMA journal_mode = WAL',
      'CREATE TABLE acct (id integer PRIMARY KEY, balance integer)',
      'INSERT INTO acct VALUES (1, 100)',
    ])
    const lock = (pane: string) => consoles.snapshot(id).panes.find((p) => p.id === pane)?.lock
    expect(consoles.snapshot(id).panes[0].journalMode).toBe('wal')
    await run('A', 'BEGIN DEFERRED')
    expect(lock('A')).toMatch(/^none yet/)
    await run('A', 'SELECT balance FROM acct')
    expect(lock('A')).toBe('read snapshot (WAL read mark)')
    await run('A', 'UPDATE acct SET balance = 90')
    expect(lock('A')).toBe('RESERVED + read snapshot (WAL read mark)')
    expect(lock('B')).toBe('no lock')
    await run('A', 'COMMIT')
    expect(lock('A')).toBe('no lock')
    await expect(consoles.rowVersions(id, 'A', { schema: null, name: 'acct' })).rejects.toThrow(/PostgreSQL's/)
    await consoles.closeAll()
  })
})
