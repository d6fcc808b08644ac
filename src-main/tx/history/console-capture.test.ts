import { describe, expect, it } from 'vitest'
import type { StepOutcome } from '../../../src-shared/tx'
import { setColumns, unquote, writeTarget } from './console-capture'
import { consoleHistory, normalValue } from './console-history'

describe('reading a console step for its history', () => {
  it('finds the table a lone write targets, and leaves alone what it cannot follow', () => {
    expect(writeTarget('UPDATE acct SET balance = 1 WHERE id = 1;')).toEqual({ kind: 'update', table: 'acct' })
    expect(writeTarget('UPDATE acct SET balance = 1; -- the end')).toEqual({ kind: 'update', table: 'acct' })
    expect(writeTarget('update "My Table" set x = 1')).toEqual({ kind: 'update', table: 'My Table' })
    expect(writeTarget('INSERT OR REPLACE INTO main.acct VALUES (1)')).toEqual({ kind: 'insert', table: 'main.acct' })
    expect(writeTarget('DELETE FROM ONLY public.acct WHERE id = 2')).toEqual({ kind: 'delete', table: 'public.acct' })
    expect(writeTarget('REPLACE INTO `t` VALUES (1)')).toEqual({ kind: 'insert', table: 't' })
    expect(writeTarget('UPDATE acct SET x = 1 RETURNING id')).toBeNull()
    expect(writeTarget('UPDATE a SET x = 1; UPDATE b SET y = 2')).toBeNull()
    expect(writeTarget('WITH w AS (SELECT 1) UPDATE acct SET x = 1')).toBeNull()
    expect(writeTarget('SELECT * FROM acct')).toBeNull()
    expect(unquote('"a""b".`c`')).toBe('a"b.c')
  })

  it("reads an UPDATE's SET list, tuples and qualified names included", () => {
    expect(setColumns('UPDATE t SET a = 1, b = f(2, 3) WHERE id = 1')).toEqual(['a', 'b'])
    expect(setColumns('UPDATE t SET (a, "B") = (1, 2), t.c = c + 1 FROM u WHERE t.id = u.id')).toEqual(['a', 'B', 'c'])
    expect(setColumns("UPDATE t SET note = 'x, y = z'")).toEqual(['note'])
  })

  it('compares values as the engines hand them over: numeric text as numbers, bigints, booleans, bytes', () => {
    expect(normalValue('100.50')).toBe(100.5)
    expect(normalValue(12n)).toBe(12)
    expect(normalValue(true)).toBe(1)
    expect(normalValue(new Uint8Array([1, 255]))).toBe('01ff')
    expect(normalValue('ann')).toBe('ann')
    expect(normalValue(undefined)).toBeNull()
  })

  it('takes transactions from the pane states: BEGIN to COMMIT, COMMIT answered by ROLLBACK, a statement of its own', () => {
    let at = 0
    const step = (id: number, pane: string, sql: string, state: StepOutcome['state'], command = sql.split(' ')[0]) => ({
      id,
      pane,
      sql,
      outcome: {
        pane,
        sql,
        result: { columns: [], rows: [], rowCount: 0, command, durationMs: 0, truncated: false },
        error: null,
        waitedOn: [],
        waitedMs: 0,
        startedAt: ++at,
        finishedAt: ++at,
        state,
        note: null,
      } as unknown as StepOutcome,
    })
    const tables = [{ schema: null, name: 't', columns: ['id', 'v'], key: ['id'] }]
    const w = (v: number) => ({
      kind: 'update' as const,
      table: 't',
      setColumns: ['v'],
      columns: ['id', 'v'],
      rows: [[1, v]],
    })
    const h = consoleHistory(
      [
        step(1, 'A', 'BEGIN', 'in transaction'),
        step(2, 'A', 'UPDATE t SET v = 1 WHERE id = 1', 'in transaction'),
        step(3, 'A', 'COMMIT', 'idle', 'ROLLBACK'),
        step(4, 'B', 'UPDATE t SET v = 2 WHERE id = 1', 'idle'),
        step(5, 'A', 'BEGIN', 'in transaction'),
        step(6, 'A', 'UPDATE t SET v = 3 WHERE id = 1', 'in transaction'),
      ],
      new Map([
        [2, w(1)],
        [4, w(2)],
        [6, w(3)],
      ]),
      tables,
    )
    expect(h.history.txns.map((t) => [t.id, t.status, t.commit])).toEqual([
      ['A.1', 'aborted', undefined],
      ['B', 'committed', 1],
      ['A.2', 'aborted', undefined],
    ])
    expect(h.open).toEqual(['A.2'])
    expect(h.history.txns[1].ops).toEqual([{ kind: 'w', key: 't(1).v', value: 2 }])
  })
})
