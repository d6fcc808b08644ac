import { describe, expect, it } from 'vitest'
import { consoleOn } from '../../test-support/console-fixture'
import { freshMariadbDatabase, mariadbMissing } from '../../test-support/databases'
import { decodeField, parseInnodbLocks } from './mariadb-held-locks'

const missing = mariadbMissing()

describe('reading InnoDB locks from its status report', () => {
  it('decodes keys as InnoDB stores them: integers with the sign bit flipped, text as UTF-8', () => {
    expect(decodeField('80000032', { type: 'int', unsigned: false })).toBe('50')
    expect(decodeField('7ffffffe', { type: 'int', unsigned: false })).toBe('-2')
    expect(decodeField('00000007', { type: 'int', unsigned: true })).toBe('7')
    expect(decodeField(Buffer.from('Жук').toString('hex'), { type: 'varchar', unsigned: false })).toBe("'Жук'")
    expect(decodeField(null, undefined)).toBe('NULL')
  })

  it('names each lock: next-key, record only, gap, insert intention, waiting, and the supremum', () => {
    const status = [
      'LIST OF TRANSACTIONS FOR EACH SESSION:',
      '---TRANSACTION 24, ACTIVE 0 sec inserting',
      'MariaDB thread id 6, OS thread handle 1, query id 15 127.0.0.1 root Update',
      '------- TRX HAS BEEN WAITING 300252 us FOR THIS LOCK TO BE GRANTED:',
      'RECORD LOCKS space id 5 page no 4 n bits 320 index kv of table `x`.`t` trx id 24 lock_mode X locks gap before rec insert intention waiting',
      'Record lock, heap no 3 PHYSICAL RECORD: n_fields 2; compact format; info bits 0',
      ' 0: len 4; hex 80000032; asc    2;;',
      '------------------',
      'TABLE LOCK table `x`.`t` trx id 24 lock mode IX',
      'RECORD LOCKS space id 5 page no 4 n bits 320 index kv of table `x`.`t` trx id 24 lock_mode X locks gap before rec insert intention waiting',
      'Record lock, heap no 3 PHYSICAL RECORD: n_fields 2; compact format; info bits 0',
      ' 0: len 4; hex 80000032; asc    2;;',
      ' 1: len 4; hex 80000005; asc     ;;',
      '---TRANSACTION 23, ACTIVE 0 sec',
      'MariaDB thread id 5, OS thread handle 2, query id 13 127.0.0.1 root',
      'RECORD LOCKS space id 5 page no 4 n bits 320 index kv of table `x`.`t` trx id 23 lock_mode X',
      'Record lock, heap no 1 PHYSICAL RECORD: n_fields 1; compact format; info bits 0',
      ' 0: len 8; hex 73757072656d756d; asc supremum;;',
      'RECORD LOCKS space id 5 page no 3 n bits 320 index PRIMARY of table `x`.`t` trx id 23 lock mode S locks rec but not gap',
      'Record lock, heap no 3 PHYSICAL RECORD: n_fields 5; compact format; info bits 0',
      ' 0: len 4; hex 80000005; asc     ;;',
      ' 1: SQL NULL;',
      'RECORD LOCKS space id 5 page no 4 n bits 320 index kv of table `x`.`t` trx id 23 lock_mode X locks gap before rec',
      '--------',
    ].join('\n')
    const locks = parseInnodbLocks(status)
    expect(locks.map((l) => [l.thread, l.kind, l.mode, l.waiting, l.index])).toEqual([
      [6, 'table', 'IX', false, null],
      [6, 'insert-intention', 'X', true, 'kv'],
      [5, 'next-key', 'X', false, 'kv'],
      [5, 'record', 'S', false, 'PRIMARY'],
    ])
    expect(locks[1].record).toEqual(['80000032', '80000005'])
    expect(locks[2].record).toBe('supremum')
    expect(locks[3].record).toEqual(['80000005', null])
  })
})

describe.skipIf(missing)(`the console's lock view on MariaDB${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('shows the next-key and gap locks a range read takes, and the insert that waits for them', async () => {
    const setup = [
      'CREATE TABLE t (id int PRIMARY KEY, v int, KEY kv (v))',
      'INSERT INTO t VALUES (1, 10), (5, 50), (9, 90)',
    ]
    const { consoles, id, run, finished } = await consoleOn(await freshMariadbDatabase(), setup, 2)
    try {
      await run('A', 'BEGIN')
      await run('A', 'SELECT * FROM t WHERE v BETWEEN 20 AND 60 FOR UPDATE')
      const insert = consoles.run(id, 'B', 'INSERT INTO t VALUES (3, 30)')
      await expect
        .poll(async () => (await consoles.locks(id)).panes[1].locks.some((l) => l.waiting), { timeout: 5000 })
        .toBe(true)
      const { panes, note } = await consoles.locks(id)
      expect(note).toBeNull()
      const a = panes[0].locks.map((l) => `${l.kind} ${l.mode} ${l.index ?? ''} ${l.key ?? ''}`.trim())
      // The range 20..60 on kv: the record v=50 and the gap before it, and the next record (v=90) with its gap.
      expect(a).toContain('table IX')
      expect(a).toContain('next-key X kv v=50, id=5')
      expect(a).toContain('next-key X kv v=90, id=9')
      expect(a).toContain('record X PRIMARY id=5')
      // B's insert of v=30 falls in the gap before v=50: it waits with an insert intention lock.
      expect(panes[1].locks).toContainEqual(
        expect.objectContaining({ kind: 'insert-intention', index: 'kv', key: 'v=50, id=5', waiting: true }),
      )
      await run('A', 'ROLLBACK')
      await finished(insert)
      await run('B', 'ROLLBACK')
    } finally {
      await consoles.closeAll()
    }
  })
})
