import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { freshPgDatabase } from '../test-support/databases'
import { allPermutations, formatSpec, parseSpec } from './isolation-spec'
import { runSpec } from './spec-runner'

const spec = (name: string) => parseSpec(readFileSync(join(__dirname, '../../resources/specs', name), 'utf8'))

describe('isolation tester specs', () => {
  it('parses sessions, steps and permutations, and writes them back', () => {
    const s = spec('blocking-update.spec')
    expect(s.sessions.map((x) => [x.name, x.setup, x.steps.map((st) => st.name)])).toEqual([
      ['s1', ['BEGIN;'], ['s1u', 's1c']],
      ['s2', ['BEGIN;'], ['s2u', 's2r', 's2c']],
    ])
    expect(s.permutations).toHaveLength(2)
    expect(parseSpec(formatSpec(s))).toEqual(s)
    expect(() => parseSpec('session a step x { SELECT 1 } permutation y')).toThrow(/unknown step y/)
  })

  it("generates every interleaving in the isolation tester's order", () => {
    expect(allPermutations(spec('simple-write-skew.spec')).map((p) => p.join(' '))).toEqual([
      'rwx1 c1 rwx2 c2',
      'rwx1 rwx2 c1 c2',
      'rwx1 rwx2 c2 c1',
      'rwx2 rwx1 c1 c2',
      'rwx2 rwx1 c2 c1',
      'rwx2 c2 rwx1 c1',
    ])
  })

  it("prints simple-write-skew exactly as PostgreSQL's expected output", async () => {
    const lines: string[] = []
    await runSpec(await freshPgDatabase(), spec('simple-write-skew.spec'), (l) => lines.push(l))
    const expected = `Parsed test spec with 2 sessions

starting permutation: rwx1 c1 rwx2 c2
step rwx1: UPDATE test SET t = 'apple' WHERE t = 'pear';
step c1: COMMIT;
step rwx2: UPDATE test SET t = 'pear' WHERE t = 'apple'
step c2: COMMIT;

starting permutation: rwx1 rwx2 c1 c2
step rwx1: UPDATE test SET t = 'apple' WHERE t = 'pear';
step rwx2: UPDATE test SET t = 'pear' WHERE t = 'apple'
step c1: COMMIT;
step c2: COMMIT;
ERROR:  could not serialize access due to read/write dependencies among transactions

starting permutation: rwx1 rwx2 c2 c1
step rwx1: UPDATE test SET t = 'apple' WHERE t = 'pear';
step rwx2: UPDATE test SET t = 'pear' WHERE t = 'apple'
step c2: COMMIT;
step c1: COMMIT;
ERROR:  could not serialize access due to read/write dependencies among transactions

starting permutation: rwx2 rwx1 c1 c2
step rwx2: UPDATE test SET t = 'pear' WHERE t = 'apple'
step rwx1: UPDATE test SET t = 'apple' WHERE t = 'pear';
step c1: COMMIT;
step c2: COMMIT;
ERROR:  could not serialize access due to read/write dependencies among transactions

starting permutation: rwx2 rwx1 c2 c1
step rwx2: UPDATE test SET t = 'pear' WHERE t = 'apple'
step rwx1: UPDATE test SET t = 'apple' WHERE t = 'pear';
step c2: COMMIT;
step c1: COMMIT;
ERROR:  could not serialize access due to read/write dependencies among transactions

starting permutation: rwx2 c2 rwx1 c1
step rwx2: UPDATE test SET t = 'pear' WHERE t = 'apple'
step c2: COMMIT;
step rwx1: UPDATE test SET t = 'apple' WHERE t = 'pear';
step c1: COMMIT;`
    expect(lines.join('\n')).toBe(expected)
  })

  it('shows a blocked step waiting and completing, with result tables', async () => {
    const lines: string[] = []
    const results = await runSpec(await freshPgDatabase(), spec('blocking-update.spec'), (l) => lines.push(l))
    expect(lines.join('\n')).toBe(`Parsed test spec with 2 sessions

starting permutation: s1u s2u s1c s2r s2c
step s1u: UPDATE acct SET balance = balance + 10 WHERE id = 1;
step s2u: UPDATE acct SET balance = balance - 10 WHERE id = 1; <waiting ...>
step s1c: COMMIT;
step s2u: <... completed>
step s2r: SELECT balance FROM acct WHERE id = 1;
balance
-------
    100
(1 row)

step s2c: COMMIT;

starting permutation: s1u s1c s2u s2r s2c
step s1u: UPDATE acct SET balance = balance + 10 WHERE id = 1;
step s1c: COMMIT;
step s2u: UPDATE acct SET balance = balance - 10 WHERE id = 1;
step s2r: SELECT balance FROM acct WHERE id = 1;
balance
-------
    100
(1 row)

step s2c: COMMIT;`)
    expect(results[0].find((r) => r.step === 's2u')?.waited).toBe(true)
  })
})
