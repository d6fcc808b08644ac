import type pg from 'pg'
import type { ConnectionConfig, PostgresConfig } from '../../src-shared/connection'
import { runIsolationTester } from './isolation-tester'
import type { QueryResult } from '../../src-shared/query'
import { splitStatements } from '../../src-shared/sql-split'
import { formatCell } from '../../src-shared/values'
import type { Driver } from '../db/driver'
import { openDriver } from '../db/open-driver'
import { allPermutations, type IsolationSpec } from './isolation-spec'

const NUMERIC = /int|numeric|real|double|float|decimal|serial|money|oid/i

/** A result as the isolation tester prints it (psql's aligned format, PostgreSQL 14+). */
export function formatResult(r: QueryResult): string[] {
  const cols = r.columns.map((c) => c.name)
  const cells = r.rows.map((row) => row.map((v) => (v === null ? '' : formatCell(v))))
  const numeric = r.columns.map((c, i) => (c.type ? NUMERIC.test(c.type) : r.rows.length > 0 && r.rows.every((row) => typeof row[i] === 'number' || row[i] === null)))
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)))
  const lines = [cols.map((c, i) => (i === cols.length - 1 ? c : c.padEnd(widths[i]))).join('|'), widths.map((w) => '-'.repeat(w)).join('+')]
  for (const row of cells) lines.push(row.map((v, i) => (numeric[i] ? v.padStart(widths[i]) : i === row.length - 1 ? v : v.padEnd(widths[i]))).join('|'))
  lines.push(`(${r.rows.length} ${r.rows.length === 1 ? 'row' : 'rows'})`, '')
  return lines
}

/** One step's outcome, for --json. */
export interface SpecStepResult {
  step: string
  session: string
  sql: string
  waited: boolean
  result: QueryResult | null
  error: string | null
}

interface Session {
  name: string
  driver: Driver
  waiting: boolean
  running: Promise<void> | null
}

/** Run a step's statements one by one; the last result that has columns is the step's result. */
async function runStep(d: Driver, sql: string): Promise<QueryResult | null> {
  let last: QueryResult | null = null
  for (const st of splitStatements(sql)) {
    const r = await d.query(st.text)
    if (r.columns.length) last = r
  }
  return last
}

/** A pg client configuration for the tester's own connections. */
function clientConfig(c: PostgresConfig): pg.ClientConfig {
  const ssl = c.sslMode === 'require' ? { rejectUnauthorized: false } : c.sslMode === 'verify-ca' || c.sslMode === 'verify-full' ? { rejectUnauthorized: true } : false
  return { host: c.host, port: c.port, user: c.user, password: c.password ?? '', database: c.database, ssl, connectionTimeoutMillis: 8000 }
}

/**
 * On PostgreSQL, the isolation tester's own algorithm (./isolation-tester.ts), byte for byte the
 * real tool's output; the lines go to `out` as they are printed.
 */
async function runSpecOnPostgres(config: PostgresConfig, spec: IsolationSpec, out: (line: string) => void): Promise<SpecStepResult[][]> {
  let buf = ''
  const write = (s: string) => {
    buf += s
    for (let i = buf.indexOf('\n'); i >= 0; i = buf.indexOf('\n')) {
      out(buf.slice(0, i))
      buf = buf.slice(i + 1)
    }
  }
  const { permutations } = await runIsolationTester(spec, { config: clientConfig(config), appName: 'schemist', write })
  if (buf) out(buf)
  return permutations.map((steps) =>
    steps.map((st) => {
      const rows = [...st.results].reverse().find((r) => r.status === 'TUPLES_OK')
      const err = st.results.find((r) => r.status === 'FATAL_ERROR')
      return {
        step: st.step,
        session: st.session,
        sql: st.sql,
        waited: st.waited,
        result: rows ? { columns: rows.fields.map((name) => ({ name, type: null })), rows: rows.rows, rowCount: rows.rows.length, command: rows.command, durationMs: 0 } : null,
        error: err ? (err.error?.message ?? err.errorText ?? 'error') : null,
      }
    }),
  )
}

/**
 * On SQLite: run a spec the way PostgreSQL's isolation tester does and print its output format: every
 * permutation (the listed ones, or all interleavings), `<waiting ...>` when a step blocks on a
 * lock, `<... completed>` when it finishes, result tables and `ERROR:` lines.
 */
export async function runSpec(config: ConnectionConfig, spec: IsolationSpec, out: (line: string) => void): Promise<SpecStepResult[][]> {
  if (config.engine === 'postgres') return runSpecOnPostgres(config, spec, out)
  const perms = spec.permutations.length ? spec.permutations : allPermutations(spec)
  const sessionOf = new Map(spec.sessions.flatMap((s) => s.steps.map((st) => [st.name, s] as const)))
  const all: SpecStepResult[][] = []
  out(`Parsed test spec with ${spec.sessions.length} sessions`)
  for (const perm of perms) {
    out('')
    out(`starting permutation: ${perm.join(' ')}`)
    const results: SpecStepResult[] = []
    const admin = await openDriver(config)
    for (const s of spec.setup) await admin.execScript(s)
    const sessions = new Map<string, Session>()
    for (const s of spec.sessions) {
      const driver = await openDriver(config)
      const sess: Session = { name: s.name, driver, waiting: false, running: null }
      driver.onWait((w) => (sess.waiting = w.waiting))
      for (const x of s.setup) await driver.execScript(x)
      sessions.set(s.name, sess)
    }
    const blocked: { name: string; done: boolean; print: () => void }[] = []
    const flushCompleted = () => {
      for (const b of blocked) {
        if (!b.done) continue
        out(`step ${b.name}: <... completed>`)
        b.print()
      }
      for (let i = blocked.length - 1; i >= 0; i--) if (blocked[i].done) blocked.splice(i, 1)
    }
    for (const stepName of perm) {
      const spSession = sessionOf.get(stepName)!
      const step = spSession.steps.find((x) => x.name === stepName)!
      const sess = sessions.get(spSession.name)!
      if (sess.running) await Promise.race([sess.running, new Promise((r) => setTimeout(r, 10_000))])
      let outcome: { result: QueryResult | null; error: string | null } | null = null
      const record: SpecStepResult = { step: stepName, session: sess.name, sql: step.sql, waited: false, result: null, error: null }
      results.push(record)
      const print = () => {
        if (outcome?.error) out(`ERROR:  ${outcome.error}`)
        else if (outcome?.result) for (const l of formatResult(outcome.result)) out(l)
      }
      const entry = { name: stepName, done: false, print }
      sess.running = runStep(sess.driver, step.sql)
        .then((result) => void (outcome = { result, error: null }))
        .catch((e: unknown) => void (outcome = { result: null, error: (e as Error).message }))
        .then(() => {
          record.result = outcome!.result
          record.error = outcome!.error
          entry.done = true
          sess.running = null
        })
      const started = Date.now()
      while (!entry.done && !sess.waiting && Date.now() - started < 3000) await new Promise((r) => setTimeout(r, 5))
      if (entry.done) {
        out(`step ${stepName}: ${step.sql}`)
        print()
      } else {
        record.waited = true
        out(`step ${stepName}: ${step.sql} <waiting ...>`)
        blocked.push(entry)
      }
      // Steps this one unblocked finish now; give them a moment to report.
      const t0 = Date.now()
      while (blocked.some((b) => !b.done && !sessions.get(sessionOf.get(b.name)!.name)!.waiting) && Date.now() - t0 < 2000) await new Promise((r) => setTimeout(r, 5))
      flushCompleted()
    }
    const t1 = Date.now()
    while (blocked.some((b) => !b.done) && Date.now() - t1 < 10_000) await new Promise((r) => setTimeout(r, 10))
    flushCompleted()
    for (const s of spec.sessions) {
      const sess = sessions.get(s.name)!
      for (const x of s.teardown) await sess.driver.execScript(x).catch(() => {})
      await sess.driver.query('ROLLBACK').catch(() => {})
      await sess.driver.close()
    }
    for (const s of spec.teardown) await admin.execScript(s).catch((e: Error) => out(`teardown failed: ${e.message}`))
    await admin.close()
    all.push(results)
  }
  return all
}
