import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freshMariadbDatabase, mariadbMissing } from '../test-support/databases'
import { parseSpec } from './isolation-spec'
import { runSpec } from './spec-runner'

const missing = mariadbMissing()
const text = () => readFileSync(join(__dirname, '../../resources/specs', 'innodb-lost-update.spec'), 'utf8')

// An isolation tester spec written in MySQL's syntax (SET TRANSACTION ... ; START TRANSACTION),
// run on MariaDB through the step engine. The expected output is written from Hermitage's
// MySQL/InnoDB results, in the tester's format.
describe.skipIf(missing)(`isolation tester specs on MariaDB${missing ? ` (skipped: ${missing})` : ''}`, () => {
  it('the lost update at REPEATABLE READ: the second UPDATE waits, then overwrites the first', async () => {
    const lines: string[] = []
    await runSpec(await freshMariadbDatabase(), parseSpec(text()), (l) => lines.push(l))
    expect(lines.join('\n')).toBe(`Parsed test spec with 3 sessions

starting permutation: r1 r2 w1 w2 c1 c2 final
step r1: SELECT value FROM counter WHERE id = 1;
value
-----
   10
(1 row)

step r2: SELECT value FROM counter WHERE id = 1;
value
-----
   10
(1 row)

step w1: UPDATE counter SET value = 11 WHERE id = 1;
step w2: UPDATE counter SET value = 11 WHERE id = 1; <waiting ...>
step c1: COMMIT;
step w2: <... completed>
step c2: COMMIT;
step final: SELECT value FROM counter WHERE id = 1;
value
-----
   11
(1 row)
`)
  })

  it('the same at SERIALIZABLE: the reads lock, the writes deadlock, one transaction is the victim', async () => {
    const serializable = text().replaceAll('REPEATABLE READ', 'SERIALIZABLE')
    const lines: string[] = []
    await runSpec(await freshMariadbDatabase(), parseSpec(serializable), (l) => lines.push(l))
    const out = lines.join('\n')
    // T1's UPDATE waits for T2's shared lock; T2's UPDATE then closes the cycle.
    expect(out).toContain('step w1: UPDATE counter SET value = 11 WHERE id = 1; <waiting ...>')
    expect(out.match(/ERROR: {2}Deadlock found/g)).toHaveLength(1)
    expect(out).toMatch(/step final: SELECT value FROM counter WHERE id = 1;\nvalue\n-----\n {3}11\n\(1 row\)/)
  })
})
