import { describe, expect, it } from 'vitest'
import { consoleOn } from '../test-support/console-fixture'
import { freshConfig, TEST_ENGINES } from '../test-support/databases'

const ACCT = [
  'CREATE TABLE acct (id integer PRIMARY KEY, owner varchar(20), balance integer)',
  "INSERT INTO acct VALUES (1, 'ann', 100)",
  'CREATE TABLE note (body varchar(20))',
]

describe.each(TEST_ENGINES)('a console session on %s, checked as a history', (engine) => {
  it('records what each pane read and wrote and finds the serial order, or the lost update with its cycle', async () => {
    const { consoles, id, run } = await consoleOn(await freshConfig(engine), ACCT)
    // One after the other: serializable, in the order they ran.
    const begin = engine === 'sqlite' ? 'BEGIN IMMEDIATE' : 'BEGIN'
    await run('A', begin)
    await run('A', 'SELECT balance FROM acct WHERE id = 1')
    const write = await run('A', 'UPDATE acct SET balance = 110 WHERE id = 1 -- a comment at the end')
    // The pane shows the statement as typed and its change count, not the rows kept for the history.
    expect(write.sql).toBe('UPDATE acct SET balance = 110 WHERE id = 1 -- a comment at the end')
    expect(write.outcome?.result?.rowCount).toBe(1)
    expect(write.outcome?.result?.rows).toEqual([])
    await run('A', 'COMMIT')
    await run('B', begin)
    await run('B', 'SELECT id, owner, balance FROM acct')
    await run('B', 'COMMIT')
    const serial = await consoles.checkHistory(id)
    expect(serial.anomalies).toEqual([])
    expect(serial.serializable).toBe(true)
    expect(serial.serialOrder).toEqual(['A', 'B'])
    expect(serial.edges).toContainEqual({ from: 'A', to: 'B', kind: 'wr', key: 'acct(1).balance' })
    expect(serial.transactions).toEqual([
      { id: 'A', pane: 'A', status: 'committed', reads: 1, writes: 1 },
      { id: 'B', pane: 'B', status: 'committed', reads: 2, writes: 0 },
    ])
    // B's whole-table read is by a predicate: said, with what is and is not checked.
    expect(serial.notes.map((n) => n.note)).toEqual([
      'a read by a predicate: the rows it returned are checked, rows it did not see are not',
    ])
    await consoles.closeAll()
  })

  it('the lost update at the level that allows it is a G-single cycle on the row it lost; SQLite stops one writer', async () => {
    // SQLite in WAL mode: A's COMMIT does not wait for B's reads, and B's write on its stale
    // snapshot is refused at once (SQLITE_BUSY_SNAPSHOT): no busy timeout in the test's path.
    const setup = engine === 'sqlite' ? ['PRAGMA journal_mode = WAL', ...ACCT] : ACCT
    const { consoles, id, run } = await consoleOn(await freshConfig(engine), setup)
    const level = engine === 'postgres' ? 'READ COMMITTED' : engine === 'mariadb' ? 'REPEATABLE READ' : 'DEFERRED'
    for (const p of ['A', 'B']) {
      const e = consoles.run(id, p, 'BEGIN', level)
      await expect.poll(() => consoles.snapshot(id).timeline.find((t) => t.id === e)?.outcome).toBeTruthy()
    }
    await run('A', 'SELECT balance FROM acct WHERE id = 1')
    await run('B', 'SELECT balance FROM acct WHERE id = 1')
    await run('A', 'UPDATE acct SET balance = 110 WHERE id = 1')
    const commitA = await run('A', 'COMMIT')
    const writeB = await run('B', 'UPDATE acct SET balance = 120 WHERE id = 1')
    if (engine === 'sqlite') {
      // One writer at a time: B's write on a snapshot A's commit made stale is refused.
      expect(commitA.outcome?.error).toBeNull()
      expect(writeB.outcome?.error).not.toBeNull()
      await run('B', 'ROLLBACK')
      const check = await consoles.checkHistory(id)
      expect(check.anomalies).toEqual([])
      expect(check.serializable).toBe(true)
      expect(check.transactions.map((t) => `${t.id} ${t.status}`)).toEqual(['A committed', 'B aborted'])
      await consoles.closeAll()
      return
    }
    expect(writeB.outcome?.error).toBeNull()
    await run('B', 'COMMIT')
    const check = await consoles.checkHistory(id)
    expect(check.serializable).toBe(false)
    expect(check.anomalies.map((a) => a.name)).toEqual(['G-single'])
    const kinds = check.anomalies[0].cycle.map((e) => `${e.from}-${e.kind}->${e.to} ${e.key}`).sort()
    expect(kinds).toEqual(['A-ww->B acct(1).balance', 'B-rw->A acct(1).balance'])
    await consoles.closeAll()
  })

  it('says what it could not record: joins, aggregates, tables without a key, rows without their key', async () => {
    const { consoles, id, run } = await consoleOn(await freshConfig(engine), ACCT)
    await run('A', "INSERT INTO note VALUES ('hello')")
    await run('A', 'SELECT count(*) FROM acct')
    await run('A', 'SELECT a.balance FROM acct a JOIN acct b ON a.id = b.id')
    await run('A', 'SELECT balance FROM acct')
    await run('B', "INSERT INTO acct VALUES (2, 'bob', 5)")
    const check = await consoles.checkHistory(id)
    expect(check.notes.map((n) => n.note)).toEqual([
      'note has no primary key: its rows cannot be told apart',
      'an aggregate: it reads many rows into one value',
      'reads several tables or groups rows',
      'the rows it returned do not say which rows they are: select the key too, or read by key',
    ])
    // Each statement outside a transaction is one of its own; the insert wrote both columns of row 2.
    expect(check.transactions).toEqual([{ id: 'B', pane: 'B', status: 'committed', reads: 0, writes: 2 }])
    await consoles.closeAll()
  })
})

describe('a console write the engine refuses RETURNING on (SQLite)', () => {
  it('runs again as typed, and the pane shows its real outcome', async () => {
    const { consoles, id, run } = await consoleOn(await freshConfig('sqlite'), [
      'CREATE VIRTUAL TABLE docs USING fts5(body)',
      "INSERT INTO docs VALUES ('draft')",
    ])
    // SQLite: "UPDATE RETURNING is not available on virtual tables".
    const step = await run('A', "UPDATE docs SET body = 'final' WHERE rowid = 1")
    expect(step.outcome?.error).toBeNull()
    expect(step.outcome?.result?.rowCount).toBe(1)
    expect((await run('A', 'SELECT body FROM docs')).outcome?.result?.rows).toEqual([['final']])
    expect((await consoles.checkHistory(id)).transactions).toEqual([])
    await consoles.closeAll()
  })
})
