import type { ConnectionConfig } from '../../src-shared/connection'
import type { ScenarioRun, StepOutcome, Verdict } from '../../src-shared/tx'
import type { Dialect } from '../db/dialect'
import type { Driver } from '../db/driver'
import type { IsolationSpec } from './isolation-spec'
import { openDriver } from '../db/open-driver'
import type { Scenario } from './scenarios'
import { TxPane } from './tx-pane'
import { checkHistory } from './history/checker'
import { historyOfSteps } from './history/record'
import { probeFor, StepEngine } from './step-engine'
import { dropScratch, scratchTableOps } from './scratch-table'

/** The scratch table scenarios run on, so a person's own tables are never touched. */
export const SCRATCH_TABLE = 'schemist_isolation_test'

/** A blocked pane's next step waits at most this long for the earlier one; so long a step may run neither completing nor blocked. */
const SETTLE_LIMIT_MS = 15_000

const ABORT_CODES = new Set(['SERIALIZATION_FAILURE', 'DEADLOCK', 'BUSY'])

async function openPane(id: string, config: ConnectionConfig): Promise<TxPane> {
  const driver = await openDriver(config)
  // Long lock waits end instead of hanging the run: PostgreSQL by lock_timeout, SQLite by its busy timeout.
  const pid = (driver as Driver & { backendPid?: number }).backendPid ?? null
  const bound = driver.dialect.lockTimeoutSql(10_000)
  if (bound) await driver.query(bound)
  return new TxPane(id, driver, pid)
}

function until<T>(p: Promise<T>, ms: number): Promise<T | 'timeout'> {
  return Promise.race([p, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), ms))])
}

/** A value read by an earlier step, as SQL. */
function sqlValue(v: unknown): string {
  if (v === null || v === undefined) return 'NULL'
  if (typeof v === 'number' || typeof v === 'bigint') return String(v)
  if (typeof v === 'object' && v && '$bigint' in v) return String((v as { $bigint: string }).$bigint)
  return `'${String(v).replaceAll("'", "''")}'`
}

/** The value a scenario's read step finds in the freshly set-up scratch table (its WHERE id = N). */
function seededValue(s: Scenario, step: number, rows: number[][]): string {
  const m = /WHERE\s+id\s*=\s*(\d+)/i.exec(s.steps[step]?.sql ?? '')
  const row = m ? rows.find(([id]) => id === Number(m[1])) : undefined
  return row ? String(row[1]) : 'NULL'
}

/** Which panes hold what a waiting pane wants: by backend pid, or (SQLite) the panes that wrote. */
export function attribution(panes: TxPane[], waiting: TxPane): string[] {
  if (waiting.waitingOn.length)
    return panes.filter((p) => p.backendId !== null && waiting.waitingOn.includes(p.backendId)).map((p) => p.id)
  return panes.filter((p) => p !== waiting && p.state !== 'idle' && p.wrote).map((p) => p.id)
}

/** The scratch table with rows 1 = 10 and 2 = 20, and the scenario's own. */
const scratchOps = (s: Scenario) =>
  scratchTableOps(SCRATCH_TABLE, [{ name: 'value', nullable: true }], [[1, 10], [2, 20], ...(s.extraRows ?? [])])

/**
 * Run a scenario at an isolation level: a fresh scratch table, one connection per transaction,
 * the steps in order through the step engine (a step that blocks is left waiting while the next
 * steps go on, and one a commit released completes before the next is sent, as PostgreSQL's
 * isolation tester does), then the verdict.
 */
export async function runScenario(
  config: ConnectionConfig,
  s: Scenario,
  level: string | null,
  onStep?: (o: StepOutcome) => void,
): Promise<ScenarioRun> {
  const admin = await openDriver(config)
  const d = admin.dialect
  const t = d.quoteIdent(SCRATCH_TABLE)
  for (const sql of d.ddl.statements(scratchOps(s))) await admin.query(sql)
  const panes = await Promise.all(s.panes.map((p) => openPane(p, config)))
  const byId = new Map(panes.map((p) => [p.id, p]))
  const outcomes: (StepOutcome | null)[] = new Array(s.steps.length).fill(null)
  const { probe, close } = await probeFor(config, await d.journalMode(admin))
  const engine = new StepEngine(() => panes, probe, { stallMs: SETTLE_LIMIT_MS })
  const runStep = (i: number): Promise<StepOutcome> => {
    const step = s.steps[i]
    const pane = byId.get(step.pane)!
    // {read:N}: the first value step N returned (an earlier step of the same pane, so it has run).
    const sql =
      step.sql === 'BEGIN'
        ? d.beginSql(level ?? undefined)
        : step.sql
            .replaceAll('{t}', t)
            .replace(/\{read:(\d+)\}/g, (_, n: string) => sqlValue(outcomes[Number(n)]?.result?.rows[0]?.[0]))
    // Writes say what they left, for the history: by RETURNING where the engine has it, else read
    // back in the same transaction (`readBack`). The outcome shows the statement as written.
    const write = /^\s*(UPDATE|INSERT|DELETE)\b/i.test(sql) && !/\bRETURNING\b/i.test(sql)
    const returning = write && d.capabilities.returning
    return pane
      .run(
        returning ? `${sql.replace(/;\s*$/, '')} RETURNING id, ${/^\s*DELETE/i.test(sql) ? 'NULL' : 'value'}` : sql,
        () => attribution(panes, pane),
      )
      .then(async (o) => {
        if (returning) {
          o.sql = sql
          if (o.result) {
            o.written = o.result.rows.map((r) => [Number(r[0]), r[1] === null ? null : Number(r[1])])
            o.result = { ...o.result, columns: [], rows: [] }
          }
        } else if (write && o.result) o.written = await readBack(pane, sql, t)
        outcomes[i] = o
        onStep?.(o)
        const next = queues.get(pane.id)!.shift()
        if (next !== undefined) void engine.send(pane, () => runStep(next))
        if (outcomes.every((x) => x !== null)) resolveAll()
        return o
      })
  }
  // A scenario lists its steps in the order it means them; a pane still blocked keeps its later
  // steps in its own queue (sent, in order, when it is free) while the other panes go on.
  const queues = new Map(panes.map((p) => [p.id, [] as number[]]))
  let resolveAll!: () => void
  const allDone = new Promise<void>((r) => (resolveAll = r))
  try {
    for (let i = 0; i < s.steps.length; i++) {
      const pane = byId.get(s.steps[i].pane)!
      const queue = queues.get(pane.id)!
      if (pane.busy || queue.length) queue.push(i)
      else await engine.send(pane, () => runStep(i))
    }
    await until(allDone, SETTLE_LIMIT_MS)
  } finally {
    await close().catch(() => {})
    for (const p of panes) if (p.state !== 'idle' && !p.busy) await p.driver.query('ROLLBACK').catch(() => {})
    await Promise.all(panes.map((p) => until(p.close(), 2000)))
  }
  const finalRows = (await admin.query(`SELECT id, value FROM ${t} ORDER BY id`)).rows
  await admin.query(dropScratch(d, SCRATCH_TABLE)).catch(() => {})
  await admin.close()
  const steps = outcomes.map(
    (o, i) =>
      o ??
      ({
        pane: s.steps[i].pane,
        sql: s.steps[i].sql,
        result: null,
        error: { code: 'TIMEOUT', message: 'Did not finish', sqlstate: null },
        waitedOn: [],
        waitedMs: 0,
        startedAt: 0,
        finishedAt: 0,
        state: 'waiting',
        note: null,
      } as StepOutcome),
  )
  const run = judge(s, level, steps, finalRows)
  const { edges, anomalies, serializable, serialOrder } = checkHistory(
    historyOfSteps(steps, [[1, 10], [2, 20], ...(s.extraRows ?? [])], level ?? d.isolationLevels[0] ?? ''),
  )
  return { ...run, history: { edges, anomalies, serializable, serialOrder } }
}

/**
 * What a write left, on an engine without UPDATE ... RETURNING (MariaDB): an INSERT's VALUES as
 * written; an UPDATE's rows read again by its WHERE inside the same transaction, which sees its
 * own writes (and whose locks it already holds); a DELETE's rows are gone, so it records none.
 */
async function readBack(pane: TxPane, sql: string, t: string): Promise<[number, number | null][]> {
  const insert = /^\s*INSERT\b[\s\S]*?\bVALUES\s*([\s\S]+?)\s*;?\s*$/i.exec(sql)
  if (insert)
    return [...insert[1].matchAll(/\(\s*(-?\d+)\s*,\s*(-?\d+|NULL)\s*\)/gi)].map((m) => [
      Number(m[1]),
      /null/i.test(m[2]) ? null : Number(m[2]),
    ])
  const update = /^\s*UPDATE\b[\s\S]*?\bWHERE\b([\s\S]+?)\s*;?\s*$/i.exec(sql)
  if (!update) return []
  const r = await pane.driver.query(`SELECT id, value FROM ${t} WHERE ${update[1]}`).catch(() => null)
  return (r?.rows ?? []).map((x) => [Number(x[0]), x[1] === null ? null : Number(x[1])])
}

/** The verdict on a scenario's steps and the scratch table as they left it. */
export function judge(s: Scenario, level: string | null, steps: StepOutcome[], finalRows: unknown[][]): ScenarioRun {
  const observed = s.observed({
    value: (i) => steps[i]?.result?.rows[0]?.[0] ?? null,
    rows: (i) => steps[i]?.result?.rows ?? [],
    failed: (i) => (steps[i]?.error ?? null) !== null,
    final: new Map(finalRows.map((r) => [Number(r[0]), Number(r[1])])),
    steps,
  })
  const aborted =
    steps.some((o) => o.error && ABORT_CODES.has(o.error.code)) ||
    steps.some((o) => o.note?.startsWith('PostgreSQL answered COMMIT with ROLLBACK'))
  const blocked = steps.some((o) => o.waitedMs > 0)
  const verdict: Verdict = observed
    ? 'anomaly observed'
    : aborted
      ? 'prevented by aborting'
      : blocked
        ? 'prevented by blocking'
        : 'prevented'
  const why = observed ? s.explain.anomaly : s.explain.prevented
  const how =
    verdict === 'prevented by aborting'
      ? ` The engine stopped a transaction: ${(steps.find((o) => o.error && ABORT_CODES.has(o.error.code))?.error?.message ?? 'its COMMIT became a ROLLBACK').replace(/\.$/, '')}.`
      : verdict === 'prevented by blocking'
        ? ' A statement waited for the other transaction to finish first.'
        : ''
  return { scenario: s.id, level: level ?? 'default', steps, verdict, explanation: `${why}${how}` }
}

/**
 * A scenario as an isolation tester spec, to step through in the console: the scratch table
 * as setup, one session per transaction, BEGIN as the level's own, the steps in order.
 */
export function scenarioSpec(s: Scenario, d: Dialect, level: string | null): IsolationSpec {
  const t = d.quoteIdent(SCRATCH_TABLE)
  const rows = [[1, 10], [2, 20], ...(s.extraRows ?? [])]
  const setup = [d.ddl.statements(scratchOps(s)).join('; ') + ';']
  const count = new Map<string, number>()
  const permutation: string[] = []
  const sessions = s.panes.map((p) => ({
    name: p,
    setup: [] as string[],
    teardown: [] as string[],
    steps: [] as { name: string; sql: string }[],
  }))
  for (const step of s.steps) {
    const k = (count.get(step.pane) ?? 0) + 1
    count.set(step.pane, k)
    const name = `${step.pane.toLowerCase()}_${k}`
    // A spec cannot carry what a step read into a later one: {read:N} becomes the value the read
    // finds in the scratch table as set up, said in a comment.
    const spelled = step.sql
      .replaceAll('{t}', t)
      .replace(
        /\{read:(\d+)\}/g,
        (_, n: string) => `${seededValue(s, Number(n), rows)} /* the value step ${Number(n) + 1} read */`,
      )
    sessions
      .find((x) => x.name === step.pane)!
      .steps.push({ name, sql: step.sql === 'BEGIN' ? d.beginSql(level ?? undefined) : spelled })
    permutation.push(name)
  }
  return { setup, teardown: [dropScratch(d, SCRATCH_TABLE)], sessions, permutations: [permutation] }
}

/** The scratch table as the scenario left it, read on a connection of its own. */
export async function scratchRows(config: ConnectionConfig): Promise<unknown[][]> {
  const d = await openDriver(config)
  try {
    return (await d.query(`SELECT id, value FROM ${d.dialect.quoteIdent(SCRATCH_TABLE)} ORDER BY id`)).rows
  } finally {
    await d.close()
  }
}
