import { afterEach, describe, expect, it } from 'vitest'
import { EventBus } from '../bridge/event-bus'
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
    const r = await data.applyEdits(handle, { schema: null, name: 't' }, [{ kind: 'insert', id: 'e1', values: { id: 1, nmae: 'typo' } }], 'commit')
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST', message: 't has no column nmae' } })
    expect((await cm.query(handle, 'SELECT count(*) FROM t')).rows).toEqual([[0]])
  })
})
