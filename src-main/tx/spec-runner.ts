import type pg from 'pg'
import type { ConnectionConfig, PostgresConfig } from '../../src-shared/connection'
import { runIsolationTester } from './isolation-tester'
import { ENGINES, serverOf } from '../../src-shared/engines'
import type { QueryResult } from '../../src-shared/query'
import { splitStatements } from '../../src-shared/sql-split'
import { formatCell } from '../../src-shared/values'
import type { StepOutcome } from '../../src-shared/tx'
import { probeFor, StepEngine } from './step-engine'
import { TxPane } from './tx-pane'
import { openDriver } from '../db/open-driver'
import { allPermutations, type IsolationSpec } from './isolation-spec'

const NUMERIC = /int|numeric|real|double|float|decimal|serial|money|oid/i

/** A result as the isolation tester prints it (psql's aligned format, PostgreSQL 14+). */
export function formatResult(r: QueryResult): string[] {
  const cols = r.columns.map((c) => c.name)
  const cells = r.rows.map((row) => row.map((v) => (v === null ? '' : formatCell(v))))
  const numeric = r.columns.map((c, i) =>
    c.type
      ? NUMERIC.test(c.type)
      : r.rows.length > 0 && r.rows.every((row) => typeof row[i] === 'number' || row[i] === null),
  )
  const widths = cols.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i].length)))
  const lines = [
    cols.map((c, i) => (i === cols.length - 1 ? c : c.padEnd(widths[i]))).join('|'),
    widths.map((w) => '-'.repeat(w)).join('+'),
  ]
  for (const row of cells)
    lines.push(
      row
        .map((v, i) => (numeric[i] ? v.padStart(widths[i]) : i === row.length - 1 ? v : v.padEnd(widths[i])))
        .join('|'),
    )
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

/** A pg client configuration for the tester's own connections. */
function clientConfig(c: PostgresConfig): pg.ClientConfig {
  const ssl =
    c.sslMode === 'require'
      ? { rejectUnauthorized: false }
      : c.sslMode === 'verify-ca' || c.sslMode === 'verify-full'
        ? { rejectUnauthorized: true }
        : false
  return {
    host: c.host,
    port: c.port,
    user: c.user,
    password: c.password ?? '',
    database: c.database,
    ssl,
    connectionTimeoutMillis: 8000,
  }
}

/**
 * On PostgreSQL, the isolation tester's own algorithm (./isolation-tester.ts), byte for byte the
 * real tool's output; the lines go to `out` as they are printed.
 */
async function runSpecOnPostgres(
  config: PostgresConfig,
  spec: IsolationSpec,
  out: (line: string) => void,
): Promise<SpecStepResult[][]> {
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
        result: rows
          ? {
              columns: rows.fields.map((name) => ({ name, type: null })),
              rows: rows.rows,
              rowCount: rows.rows.length,
              command: rows.command,
              durationMs: 0,
            }
          : null,
        error: err ? (err.error?.message ?? err.errorText ?? 'error') : null,
      }
    }),
  )
}

/** A step's statements in turn on its pane; the outcome is the last with columns (or the error). */
async function runStepOn(pane: TxPane, sql: string): Promise<StepOutcome> {
  let last: StepOutcome | null = null
  for (const st of splitStatements(sql)) {
    const o = await pane.run(st.text, () => [])
    if (o.error) return o
    if (o.result?.columns.length || !last) last = o
  }
  return (
    last ?? {
      pane: pane.id,
      sql,
      result: null,
      error: null,
      waitedOn: [],
      waitedMs: 0,
      startedAt: Date.now(),
      finishedAt: Date.now(),
      state: pane.state,
      note: null,
    }
  )
}

/**
 * On SQLite: run a spec the way PostgreSQL's isolation tester does, through the one step engine
 * (./step-engine.ts), and print its output format: every permutation (the listed ones, or all
 * interleavings), `<waiting ...>` when a step blocks on a lock, `<... completed>` when it
 * finishes, result tables and `ERROR:` lines.
 */
export async function runSpec(
  config: ConnectionConfig,
  spec: IsolationSpec,
  out: (line: string) => void,
): Promise<SpecStepResult[][]> {
  const server = serverOf(config)
  if (server && ENGINES[config.engine].capabilities.isolationTester)
    return runSpecOnPostgres(server as PostgresConfig, spec, out)
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
    const panes = new Map<string, TxPane>()
    for (const s of spec.sessions) {
      const driver = await openDriver(config)
      for (const x of s.setup) await driver.execScript(x)
      panes.set(s.name, new TxPane(s.name, driver, null))
    }
    const { probe, close } = await probeFor(config, await admin.dialect.journalMode(admin))
    const engine = new StepEngine(() => [...panes.values()], probe, { stallMs: 10_000 })
    const print = (record: SpecStepResult) => {
      if (record.error) out(`ERROR:  ${record.error}`)
      // As the tester: a table only for what returns rows (an UPDATE or COMMIT prints nothing).
      else if (record.result?.columns.length) for (const l of formatResult(record.result)) out(l)
    }
    const blocked: { record: SpecStepResult; done: boolean }[] = []
    const flushCompleted = () => {
      for (const b of blocked) {
        if (!b.done) continue
        out(`step ${b.record.step}: <... completed>`)
        print(b.record)
      }
      for (let i = blocked.length - 1; i >= 0; i--) if (blocked[i].done) blocked.splice(i, 1)
    }
    for (const stepName of perm) {
      const spSession = sessionOf.get(stepName)!
      const step = spSession.steps.find((x) => x.name === stepName)!
      const pane = panes.get(spSession.name)!
      // As the tester: a session still blocked on an earlier step is waited for before its next.
      if (pane.busy) await engine.finishOn(pane, 10_000)
      const record: SpecStepResult = {
        step: stepName,
        session: spSession.name,
        sql: step.sql,
        waited: false,
        result: null,
        error: null,
      }
      const entry = { record, done: false }
      results.push(record)
      const sent = await engine.send(pane, () =>
        runStepOn(pane, step.sql).then((o) => {
          record.result = o.result
          record.error = o.error?.message ?? null
          entry.done = true
          return o
        }),
      )
      if (sent.state === 'completed') {
        out(`step ${stepName}: ${step.sql}`)
        print(record)
      } else {
        record.waited = true
        out(`step ${stepName}: ${step.sql} <waiting ...>`)
        blocked.push(entry)
      }
      flushCompleted()
    }
    await engine.finishAll(10_000)
    flushCompleted()
    await close()
    for (const s of spec.sessions) {
      const pane = panes.get(s.name)!
      for (const x of s.teardown) await pane.driver.execScript(x).catch(() => {})
      await pane.driver.query('ROLLBACK').catch(() => {})
      await pane.close()
    }
    for (const s of spec.teardown) await admin.execScript(s).catch((e: Error) => out(`teardown failed: ${e.message}`))
    await admin.close()
    all.push(results)
  }
  return all
}
