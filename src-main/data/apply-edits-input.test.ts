import { afterEach, describe, expect, it } from 'vitest'
import { EventBus } from '../events/event-bus'
import { ConnectionManager } from '../db/connection-manager'
import { sqliteConfig } from '../test-support/databases'
import { TableData } from './table-data'

describe('edits naming a column the table lacks', () => {
  const cm = new ConnectionManager(new EventBus())
  afterEach(() => cm.closeAll())

  it('an insert with an unknown column is refused naming it, as an update is, and writes nothing', async () => {
    const data = new TableData(cm)
    const handle = (await cm.openConfig(sqliteConfig(), { name: 't', savedId: null })).handle
    await cm.query(handle, 'CREATE TABLE t (id integer PRIMARY KEY, name text)')
    const r = await data.applyEdits(
      handle,
      { schema: null, name: 't' },
      [{ kind: 'insert', id: 'e1', values: { id: 1, nmae: 'typo' } }],
      'commit',
    )
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: 't has no column nmae' } })
    expect((await cm.query(handle, 'SELECT count(*) FROM t')).rows).toEqual([[0]])
  })
})

describe('a grid commit while another program holds the SQLite file', () => {
  const cm = new ConnectionManager(new EventBus())
  afterEach(() => cm.closeAll())

  it('waits for the lock (within the busy timeout) and then commits', async () => {
    const { spawn } = await import('node:child_process')
    const data = new TableData(cm)
    const config = sqliteConfig()
    const handle = (await cm.openConfig(config, { name: 't', savedId: null })).handle
    await cm.query(handle, 'CREATE TABLE t (id integer PRIMARY KEY, name text)')
    await cm.query(handle, "INSERT INTO t VALUES (1, 'a')")
    // Another process: an exclusive lock for 1.5 s.
    const child = spawn(
      process.execPath,
      [
        '-e',
        `const D = require('better-sqlite3'); const d = new D(${JSON.stringify(config.path)}); d.exec('BEGIN EXCLUSIVE'); console.log('locked'); setTimeout(() => { d.exec('COMMIT'); d.close() }, 1500)`,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    )
    const exited = new Promise((resolve) => child.once('exit', resolve))
    await new Promise<void>((resolve) => child.stdout.on('data', (b) => String(b).includes('locked') && resolve()))
    const r = await data.applyEdits(
      handle,
      { schema: null, name: 't' },
      [{ kind: 'update', id: 'e1', key: [1], values: { name: 'b' } }],
      'commit',
    )
    expect(r).toMatchObject({ ok: true })
    expect((await cm.query(handle, 'SELECT name FROM t')).rows).toEqual([['b']])
    await exited
  })
})
