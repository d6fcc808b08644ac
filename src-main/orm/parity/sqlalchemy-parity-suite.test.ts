import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { beforeAll, describe, expect, it } from 'vitest'
import { SqliteDriver } from '../../db/sqlite/sqlite-driver'
import { runSchemist, type RunOutcome } from './run-schemist'
import { SCENARIOS, SCHEMA, type Scenario } from './scenarios'
import { signatures } from './statement-signature'

// Schemist's session manager against real SQLAlchemy 2.1 (../shared/vendor/python), scenario by
// scenario, on the same SQLite schema: the statements (as signatures), the object states, the
// keys and the final rows must be the same, unless a difference is listed here with its reason.
const VENDOR = join(__dirname, '../../../../shared/vendor/python')
const python = spawnSync('python3', ['--version']).status === 0
const why = !existsSync(VENDOR)
  ? `the vendored SQLAlchemy is not at ${VENDOR} (a fresh clone without ../shared)`
  : !python
    ? 'python3 is not on this machine'
    : null

/** Differences kept on purpose, by scenario name: which parts may differ, and why. */
const INTENDED: Record<string, { parts: string[]; reason: string }> = {
  'a new profile given to a user who has one: the old one is deleted (delete-orphan)': {
    parts: ['states'],
    reason:
      "both flushes fail on the UNIQUE user_id (the new profile is inserted before the orphan is deleted, in SQLAlchemy as here); after a failed flush Schemist keeps the new object pending for a retry, where SQLAlchemy rolls the session back and makes it transient: 'a failed flush loses nothing' is kept on purpose",
  },
}

function database(): string {
  const path = join(mkdtempSync(join(tmpdir(), 'schemist-parity-')), 'parity.sqlite')
  const db = new Database(path)
  db.pragma('foreign_keys = ON')
  db.exec(SCHEMA)
  db.close()
  return path
}

/** Every scenario through SQLAlchemy in one Python process, each on its own copy of the database. */
function runSqlalchemy(jobs: { path: string; scenario: Scenario }[]): RunOutcome[] {
  const r = spawnSync('python3', [join(__dirname, 'run_sqlalchemy.py')], {
    input: JSON.stringify(jobs),
    env: { ...process.env, PYTHONPATH: VENDOR, PYTHONDONTWRITEBYTECODE: '1' },
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  })
  if (r.status !== 0) throw new Error(`SQLAlchemy's run failed: ${r.stderr}`)
  return JSON.parse(r.stdout) as RunOutcome[]
}

const sigs = (o: RunOutcome) => o.statements.flatMap((s) => signatures(s.sql, s.params))

describe.skipIf(why !== null)(
  `the session manager, statement for statement with SQLAlchemy 2.1${why ? ` (skipped: ${why})` : ''}`,
  () => {
    const same: string[] = []
    const differ: { name: string; what: string }[] = []
    const paths = new Map<string, string>()
    let references: RunOutcome[] = []
    beforeAll(() => {
      const jobs = SCENARIOS.map((scenario) => {
        const path = database()
        const copy = path.replace(/parity\.sqlite$/, 'reference.sqlite')
        copyFileSync(path, copy)
        paths.set(scenario.name, path)
        return { path: copy, scenario }
      })
      references = runSqlalchemy(jobs)
    }, 120_000)

    for (const scenario of SCENARIOS) {
      it(
        scenario.name,
        async () => {
          const ref = references[SCENARIOS.indexOf(scenario)]
          const driver = await SqliteDriver.open({
            engine: 'sqlite',
            path: paths.get(scenario.name)!,
            create: false,
            readOnly: false,
          })
          let ours: RunOutcome
          try {
            ours = await runSchemist(driver, scenario)
          } finally {
            await driver.close()
          }
          const problems: string[] = []
          const excused = INTENDED[scenario.name]?.parts ?? []
          const a = sigs(ref)
          const b = sigs(ours)
          if (JSON.stringify(a) !== JSON.stringify(b) && !excused.includes('statements'))
            problems.push(
              `statements:\n    SQLAlchemy: ${a.join('\n                ')}\n    Schemist:   ${b.join('\n                ')}`,
            )
          if (JSON.stringify(ref.states) !== JSON.stringify(ours.states) && !excused.includes('states'))
            problems.push(`states: SQLAlchemy ${JSON.stringify(ref.states)}, Schemist ${JSON.stringify(ours.states)}`)
          if (JSON.stringify(ref.keys) !== JSON.stringify(ours.keys) && !excused.includes('keys'))
            problems.push(`keys: SQLAlchemy ${JSON.stringify(ref.keys)}, Schemist ${JSON.stringify(ours.keys)}`)
          if (JSON.stringify(ref.tables) !== JSON.stringify(ours.tables) && !excused.includes('rows'))
            problems.push(`rows: SQLAlchemy ${JSON.stringify(ref.tables)}, Schemist ${JSON.stringify(ours.tables)}`)
          // Whether the scenario failed (the exception classes are each library's own).
          if (!!ref.error !== !!ours.error) problems.push(`error: SQLAlchemy ${ref.error}, Schemist ${ours.error}`)
          if (problems.length === 0 && excused.length === 0) same.push(scenario.name)
          else if (problems.length === 0)
            differ.push({ name: scenario.name, what: `differs on purpose in ${excused.join(', ')}` })
          else expect.fail(`${scenario.name}\n  ${problems.join('\n  ')}`)
        },
        60_000,
      )
    }

    it('prints how many scenarios are the same', () => {
      console.log(
        `ORM parity with SQLAlchemy 2.1: ${same.length}/${SCENARIOS.length} scenarios the same${differ.length ? `; intended differences: ${differ.map((d) => `${d.name}: ${INTENDED[d.name].reason}`).join('; ')}` : ''}`,
      )
      expect(same.length + differ.length).toBe(SCENARIOS.length)
      expect(SCENARIOS.length).toBeGreaterThanOrEqual(15)
    })
  },
)
