import type pg from 'pg'
import { allPermutations, unusedSteps, type Blocker, type IsolationSpec } from './isolation-spec'
import { errorMessageOf, LibpqConn, type PqResult } from '../db/postgres/pg-libpq-conn'

/**
 * PostgreSQL's isolation tester, run by Schemist: the same algorithm as
 * src/test/isolation/isolationtester.c, so that its output is byte for byte the real tool's on
 * the same server. One connection per session plus a control connection, kept for the whole
 * spec; each permutation runs setup, the steps and teardown; a step that does not finish is
 * `<waiting ...>` only once the server says the session is blocked
 * (`pg_isolation_test_session_is_blocked`, asked every 10 ms as the tool does), and completes
 * later as `<... completed>`; `(*)`, `(otherstep)` and `(otherstep notices N)` markers; NOTICEs,
 * NOTIFYs and errors printed where and as the tool prints them; results as libpq's PQprint.
 */

export interface TesterStep {
  step: string
  session: string
  sql: string
  waited: boolean
  /** Every result the step returned, in order (a step may hold several statements). */
  results: PqResult[]
}

export interface TesterOptions {
  config: pg.ClientConfig
  /** The tool takes PGAPPNAME and appends "/<session>"; pg_isolation_regress sets isolation/<spec>. */
  appName?: string
  /** After this long a step is canceled, after twice this the run gives up (the tool's 360 s). */
  maxStepWaitMs?: number
  write: (text: string) => void
}

const STEP_NONBLOCK = 1
const STEP_RETRY = 2

/** Byte length, as PQprint pads by bytes. */
const bytes = (s: string) => Buffer.byteLength(s, 'utf8')
const pad = (s: string, w: number, left: boolean) => {
  const fill = ' '.repeat(Math.max(0, w - bytes(s)))
  return left ? s + fill : fill + s
}

/**
 * libpq's PQprint with the tester's options (aligned, header, "|" separator): a column is
 * right-aligned when every value looks like a number, widths count bytes, the last column is
 * padded too, and "(N rows)" ends it with a blank line.
 */
export function pqPrint(fields: string[], rows: (string | null)[][]): string {
  const n = fields.length
  const max = fields.map((f) => bytes(f))
  const notNum = fields.map(() => false)
  const cells = rows.map((r) => r.map((v) => v ?? ''))
  for (const row of cells)
    row.forEach((v, j) => {
      if (bytes(v) > max[j]) max[j] = bytes(v)
      if (notNum[j]) return
      let ch = '0'
      for (const c of v) {
        ch = c
        if (!((c >= '0' && c <= '9') || c === '.' || c === 'E' || c === 'e' || c === ' ' || c === '-')) {
          notNum[j] = true
          break
        }
      }
      if (v[0] === 'E' || v[0] === 'e' || !(ch >= '0' && ch <= '9')) notNum[j] = true
    })
  if (n === 0) return `(${rows.length} row${rows.length === 1 ? '' : 's'})\n\n`
  let out = fields.map((f, j) => pad(f, max[j], notNum[j])).join('|') + '\n'
  out += max.map((m) => '-'.repeat(m)).join('+') + '\n'
  for (const row of cells) out += row.map((v, j) => pad(v, max[j], notNum[j])).join('|') + '\n'
  out += `(${rows.length} row${rows.length === 1 ? '' : 's'})\n\n`
  return out
}

class Stop extends Error {}

interface Conn {
  name: string
  conn: LibpqConn
  active: PStep | null
}

interface PStep {
  name: string
  sql: string
  session: number
  blockers: Blocker[]
  /** For `(otherstep notices N)`: the notice count that releases it. */
  targetNotices: Map<Blocker, number>
  record: TesterStep
}

/** Run a spec; resolves with the tool's exit code (0, or 1 where the tool would exit(1)) and every step's outcome. */
export async function runIsolationTester(
  spec: IsolationSpec,
  o: TesterOptions,
): Promise<{ exitCode: number; permutations: TesterStep[][] }> {
  const write = o.write
  const appName = o.appName ?? 'isolationtester'
  for (const u of unusedSteps(spec)) write(`unused step name: ${u}\n`)
  write(`Parsed test spec with ${spec.sessions.length} sessions\n`)

  const conns: Conn[] = []
  let tester: Tester | null = null
  try {
    for (let i = 0; i <= spec.sessions.length; i++) {
      const name = i === 0 ? 'control connection' : spec.sessions[i - 1].name
      const conn = await LibpqConn.connect({ ...o.config, application_name: `${appName}/${name}` })
      const c: Conn = { name, conn, active: null }
      // The control connection's notices are thrown away; a session's are printed with its name.
      if (i > 0)
        conn.onNotice = (text) => {
          write(`${name}: ${text}`)
          if (tester) tester.anyNewNotice = true
        }
      conns.push(c)
    }
    tester = new Tester(spec, conns, write, o.maxStepWaitMs ?? 360_000)
    if (spec.permutations.length)
      for (let i = 0; i < spec.permutations.length; i++)
        await tester.runPermutation(spec.permutations[i], spec.blockers?.[i] ?? [])
    else for (const p of allPermutations(spec)) await tester.runPermutation(p, [])
    return { exitCode: 0, permutations: tester.all }
  } catch (e) {
    if (e instanceof Stop) return { exitCode: 1, permutations: tester?.all ?? [] }
    throw e
  } finally {
    await Promise.all(conns.map((c) => c.conn.close()))
  }
}

/**
 * One run's state, as the tool keeps it: the control connection and one per session, which
 * step each session is busy with, whether a new notice arrived, and every permutation's record.
 */
class Tester {
  anyNewNotice = false
  readonly all: TesterStep[][] = []
  private readonly control: LibpqConn
  private readonly pids: number[]
  private readonly sessionIndex = new Map<string, number>()
  private readonly stepSql: Map<string, string>

  constructor(
    private readonly spec: IsolationSpec,
    private readonly conns: Conn[],
    private readonly write: (text: string) => void,
    private readonly maxWait: number,
  ) {
    this.control = conns[0].conn
    this.pids = conns.slice(1).map((c) => c.conn.pid)
    spec.sessions.forEach((s, i) => s.steps.forEach((st) => this.sessionIndex.set(st.name, i)))
    this.stepSql = new Map(spec.sessions.flatMap((s) => s.steps.map((st) => [st.name, st.sql] as const)))
  }

  readonly isWaiting = async (pid: number): Promise<boolean> => {
    const r = await this.control.exec(
      `SELECT pg_catalog.pg_isolation_test_session_is_blocked(${pid}, '{${this.pids.join(',')}}')`,
    )
    if (!r || r.status !== 'TUPLES_OK' || r.rows.length !== 1) {
      this.write(`lock wait query failed: ${r ? errorMessageOf(r) : ''}`)
      throw new Stop()
    }
    return r.rows[0][0] === 't'
  }

  readonly stepHasBlocker = (ps: PStep) =>
    ps.blockers.some((b) => {
      if (b.kind === 'once') return false
      const owner = this.conns[1 + this.sessionIndex.get(b.step)!]
      if (b.kind === 'step') return owner.active?.name === b.step
      return owner.conn.totalNotices < (ps.targetNotices.get(b) ?? 0)
    })

  readonly tryCompleteStep = async (ps: PStep, flags: number): Promise<boolean> => {
    const c = this.conns[1 + ps.session]
    const conn = c.conn
    if (!(flags & STEP_RETRY) && ps.blockers.some((b) => b.kind === 'once')) {
      this.write(`step ${ps.name}: ${ps.sql} <waiting ...>\n`)
      ps.record.waited = true
      return true
    }
    const start = Date.now()
    let canceled = false
    while (conn.isBusy()) {
      if (await conn.waitInput(10)) {
        conn.consumeInput()
        continue
      }
      if (flags & STEP_NONBLOCK) {
        if (await this.isWaiting(conn.pid)) {
          // Data may have come while we asked: look before calling it waiting.
          conn.consumeInput()
          if (!conn.isBusy()) break
          if (!(flags & STEP_RETRY)) {
            this.write(`step ${ps.name}: ${ps.sql} <waiting ...>\n`)
            ps.record.waited = true
          }
          return true
        }
      }
      const td = Date.now() - start
      if (td > this.maxWait && !canceled) {
        await this.control.exec(`SELECT pg_catalog.pg_cancel_backend(${conn.pid})`)
        this.write(`isolationtester: canceling step ${ps.name} after ${Math.floor(td / 1000)} seconds\n`)
        canceled = true
      }
      if (td > 2 * this.maxWait) {
        this.write(`step ${ps.name} timed out after ${Math.floor(td / 1000)} seconds\n`)
        throw new Stop()
      }
    }
    if (this.stepHasBlocker(ps)) {
      if (!(flags & STEP_RETRY)) {
        this.write(`step ${ps.name}: ${ps.sql} <waiting ...>\n`)
        ps.record.waited = true
      }
      return true
    }
    this.write(flags & STEP_RETRY ? `step ${ps.name}: <... completed>\n` : `step ${ps.name}: ${ps.sql}\n`)
    for (let r = await conn.getResult(); r; r = await conn.getResult()) {
      ps.record.results.push(r)
      if (r.status === 'TUPLES_OK') this.write(pqPrint(r.fields, r.rows))
      else if (r.status === 'FATAL_ERROR')
        this.write(r.error ? `${r.error.severity}:  ${r.error.message}\n` : (r.errorText ?? ''))
    }
    conn.consumeInput()
    conn.isBusy()
    while (conn.notifies.length) {
      const nt = conn.notifies.shift()!
      const sender = this.conns.slice(1).find((x) => x.conn.pid === nt.processId)?.name ?? `PID ${nt.processId}`
      this.write(
        `${this.spec.sessions[ps.session].name}: NOTIFY "${nt.channel}" with payload "${nt.payload}" from ${sender}\n`,
      )
    }
    c.active = null
    return false
  }

  readonly tryCompleteSteps = async (waiting: PStep[], flags: number): Promise<PStep[]> => {
    let list = waiting
    let old: number
    let haveBlocker: boolean
    do {
      this.anyNewNotice = false
      old = list.length
      haveBlocker = false
      const next: PStep[] = []
      for (const w of list) {
        if (await this.tryCompleteStep(w, flags)) {
          if (w.blockers.length) haveBlocker = true
          next.push(w)
        }
      }
      list = next
    } while (haveBlocker && (list.length < old || this.anyNewNotice))
    return list
  }

  readonly runPermutation = async (names: string[], blockers: Blocker[][]) => {
    this.write(`\nstarting permutation: ${names.join(' ')}\n`)
    const records: TesterStep[] = []
    this.all.push(records)
    for (const sql of this.spec.setup) {
      const r = await this.control.exec(sql)
      if (r?.status === 'TUPLES_OK') this.write(pqPrint(r.fields, r.rows))
      else if (r && r.status !== 'COMMAND_OK' && r.status !== 'EMPTY_QUERY') {
        this.write(`setup failed: ${errorMessageOf(r)}`)
        throw new Stop()
      }
    }
    for (let i = 0; i < this.spec.sessions.length; i++)
      for (const sql of this.spec.sessions[i].setup) {
        const r = await this.conns[i + 1].conn.exec(sql)
        if (r?.status === 'TUPLES_OK') this.write(pqPrint(r.fields, r.rows))
        else if (r && r.status !== 'COMMAND_OK' && r.status !== 'EMPTY_QUERY') {
          this.write(`setup of session ${this.conns[i + 1].name} failed: ${errorMessageOf(r)}`)
          throw new Stop()
        }
      }
    let waiting: PStep[] = []
    for (let k = 0; k < names.length; k++) {
      const session = this.sessionIndex.get(names[k])!
      const record: TesterStep = {
        step: names[k],
        session: this.spec.sessions[session].name,
        sql: this.stepSql.get(names[k])!,
        waited: false,
        results: [],
      }
      records.push(record)
      const ps: PStep = {
        name: names[k],
        sql: record.sql,
        session,
        blockers: blockers[k] ?? [],
        targetNotices: new Map(),
        record,
      }
      const c = this.conns[1 + session]
      // The session is still busy with an earlier step: wait for it (polling the others meanwhile).
      if (c.active) {
        const start = Date.now()
        while (c.active) {
          const old = c.active
          if (!(await this.tryCompleteStep(old, STEP_RETRY))) waiting = waiting.filter((w) => w !== old)
          waiting = await this.tryCompleteSteps(waiting, STEP_NONBLOCK | STEP_RETRY)
          if (c.active && Date.now() - start > 2 * this.maxWait) {
            this.write(
              `step ${c.active.name} timed out after ${Math.floor((Date.now() - start) / 1000)} seconds\nactive steps are:${this.conns
                .slice(1)
                .filter((x) => x.active)
                .map((x) => ` ${x.active!.name}`)
                .join('')}\n`,
            )
            throw new Stop()
          }
        }
      }
      if (!c.conn.sendQuery(ps.sql)) {
        this.write(`failed to send query for step ${ps.name}: no connection to the server\n`)
        throw new Stop()
      }
      c.active = ps
      for (const b of ps.blockers)
        if (b.kind === 'notices')
          ps.targetNotices.set(b, b.count + this.conns[1 + this.sessionIndex.get(b.step)!].conn.totalNotices)
      const mustWait = await this.tryCompleteStep(ps, STEP_NONBLOCK)
      waiting = await this.tryCompleteSteps(waiting, STEP_NONBLOCK | STEP_RETRY)
      if (mustWait) waiting.push(ps)
    }
    waiting = await this.tryCompleteSteps(waiting, STEP_RETRY)
    if (waiting.length) {
      this.write('failed to complete permutation due to mutually-blocking steps\n')
      throw new Stop()
    }
    for (let i = 0; i < this.spec.sessions.length; i++)
      for (const sql of this.spec.sessions[i].teardown) {
        const r = await this.conns[i + 1].conn.exec(sql)
        if (r?.status === 'TUPLES_OK') this.write(pqPrint(r.fields, r.rows))
        else if (r && r.status !== 'COMMAND_OK' && r.status !== 'EMPTY_QUERY')
          this.write(`teardown of session ${this.conns[i + 1].name} failed: ${errorMessageOf(r)}`)
      }
    for (const sql of this.spec.teardown) {
      const r = await this.control.exec(sql)
      if (r?.status === 'TUPLES_OK') this.write(pqPrint(r.fields, r.rows))
      else if (r && r.status !== 'COMMAND_OK' && r.status !== 'EMPTY_QUERY')
        this.write(`teardown failed: ${errorMessageOf(r)}`)
    }
  }
}
