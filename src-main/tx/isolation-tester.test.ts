import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { formatSpec, parseSpec, unusedSteps } from './isolation-spec'
import { pqPrint } from './isolation-tester'
import { IsolationSuite, suiteMissing } from '../test-support/isolation-suite'

describe('the spec language, as PostgreSQL scans and parses it', () => {
  it('keeps newlines inside a block, trims the spaces just inside the braces, and reads blocker markers', () => {
    const spec = parseSpec(`setup { CREATE TABLE t (a int); }
setup { INSERT INTO t VALUES (1); }
teardown { DROP TABLE t; }
session s1
setup { SET lock_timeout = 0; }
step a {
  SELECT 1;
}
step b\t{ SELECT 2; }
teardown { RESET ALL; }
session "s 2"
step c { SELECT 3; }
permutation a(*) c(a) b
permutation c(a notices 2, *) a b`)
    expect(spec.setup).toEqual(['CREATE TABLE t (a int); ', 'INSERT INTO t VALUES (1); '].map((x) => x.trimEnd()))
    expect(spec.sessions[0].steps[0].sql).toBe('\n  SELECT 1;\n')
    expect(spec.sessions[1].name).toBe('s 2')
    expect(spec.blockers).toEqual([
      [[{ kind: 'once' }], [{ kind: 'step', step: 'a' }], []],
      [[{ kind: 'notices', step: 'a', count: 2 }, { kind: 'once' }], [], []],
    ])
    // Written back out and read again: the same spec.
    expect(parseSpec(formatSpec(spec))).toEqual(spec)
  })

  it('refuses what the real parser refuses, at once: a stray } or ) no longer loops until the heap is gone', () => {
    expect(() => parseSpec('session s step a { SELECT 1 } }')).toThrow(/line 1: unexpected character "\}"/)
    expect(() => parseSpec('session s step a { SELECT 1 }\npermutation a )')).toThrow(/line 2: unexpected \)/)
    expect(() => parseSpec('session s step a { SELECT 1')).toThrow(/not closed/)
    expect(() => parseSpec('session s step a { SELECT 1 } permutation a(a)')).toThrow(/cannot block on its own session/)
    expect(() => parseSpec('session s step a { SELECT 1 } step a { SELECT 2 }')).toThrow(/duplicate step name: a/)
  })

  it('names unused steps in the order the tester does (sorted by name)', () => {
    const spec = parseSpec('session s step z { SELECT 1 } step b { SELECT 1 } step a { SELECT 1 } permutation b')
    expect(unusedSteps(spec)).toEqual(['a', 'z'])
  })
})

describe("libpq's PQprint, as the tester prints results", () => {
  it('right-aligns columns whose values all look like numbers, pads by bytes, pads the last column, counts rows', () => {
    expect(
      pqPrint(
        ['id', 'ok', 'name'],
        [
          ['1', 't', 'ab'],
          ['10', 'f', 'é'],
        ],
      ),
    ).toBe('id|ok|name\n--+--+----\n 1|t |ab  \n10|f |é  \n(2 rows)\n\n')
    expect(pqPrint(['arr', 'n'], [['{1,2}', null]])).toBe('arr  |n\n-----+-\n{1,2}| \n(1 row)\n\n')
    expect(pqPrint(['x'], [])).toBe('x\n-\n(0 rows)\n\n')
    // "1e5" is a number; "e5" and "5-" are not.
    expect(pqPrint(['a', 'b'], [['1e5', 'e5']])).toBe('  a|b \n---+--\n1e5|e5\n(1 row)\n\n')
  })
})

// A subset of PostgreSQL's own suite, one spec per construct, compared byte for byte with the
// real isolationtester on the same server; `npm run isolation-suite` runs every spec.
const SUBSET = [
  'simple-write-skew', // all permutations
  'deadlock-simple', // a deadlock, reported on the victim
  'classroom-scheduling', // (*) markers
  'tuplelock-update', // (otherstep) markers
  'insert-conflict-specconflict', // (otherstep notices N), NOTICEs
  'async-notify', // NOTIFY lines, multi-statement steps
  'temp-schema-cleanup', // a session terminated: FATAL and the lost connection
  'eval-plan-qual-trigger', // unused step names
  'read-only-anomaly-2', // SERIALIZABLE READ ONLY DEFERRABLE, waits
  'nowait', // lock_timeout-free NOWAIT errors
]
const missing = suiteMissing()

describe.skipIf(missing !== null)(
  `PostgreSQL's isolation suite, byte for byte with the real tool${missing ? ` (skipped: ${missing})` : ''}`,
  () => {
    let suite: IsolationSuite
    beforeAll(async () => {
      suite = await IsolationSuite.start()
    }, 60_000)
    afterAll(async () => {
      await suite?.stop()
    })
    for (const name of SUBSET)
      it(
        name,
        async () => {
          const r = await suite.compare(name, 60_000)
          expect(r.ours).toBe(r.reference)
        },
        120_000,
      )
  },
)
