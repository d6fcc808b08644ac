import { parentPort, receiveMessageOnPort, type MessagePort } from 'node:worker_threads'
import Database from 'better-sqlite3'
import type { Cell } from '../../../src-shared/values'
import {
  CANCEL_SLOT,
  TX_SINCE_SLOT,
  type QueryReply,
  type WireStep,
  type WorkerMessage,
  type WorkerRequest,
} from './sqlite-protocol'
import { fillRow, keysOf, usesKeys, type ResolvedRef } from '../batch-keys'
import { ColumnReader, encodeColumns, transferables } from './param-columns'

// One SQLite connection per worker thread: better-sqlite3 is synchronous, so a statement that
// waits on a lock blocks this thread only. SQLite's own busy handler runs in short slices
// (busy_timeout = BUSY_SLICE_MS) and we retry here, so the driver learns within one slice that a
// statement is waiting, and can cancel the wait through the shared flag. A SQLITE_BUSY that
// comes back at once means SQLite skipped its busy handler because waiting could deadlock (a
// read transaction upgrading while another connection writes): that one fails at once, as it
// does in SQLite itself.

let db: Database.Database | null = null
let busyTimeoutMs = 5000
const BUSY_SLICE_MS = 50
let cancelFlag: Int32Array | null = null
let txSince: Float64Array | null = null

/** Keeps the shared note of when this connection's transaction began (see TX_SINCE_SLOT). */
function noteTransaction() {
  if (!txSince || !db) return
  const open = db.inTransaction
  const since = txSince[TX_SINCE_SLOT]
  if (open && since === 0) txSince[TX_SINCE_SLOT] = Date.now()
  else if (!open && since !== 0) txSince[TX_SINCE_SLOT] = 0
}
const statements = new Map<string, Database.Statement>()
const MAX_CACHED = 200

/** The channel to the driver; it arrives as the first message on the parent port. */
let port: MessagePort | null = null
/** Counts the requests sent to every SQLite worker in the process (see `linger`). */
let activity: Int32Array | null = null
/**
 * After a reply, how long the thread keeps polling for the next request before it sleeps:
 * statements come in bursts (a transaction, a flush, a page after a count), and waking a sleeping
 * thread costs tens of microseconds, several times what a small statement takes.
 */
const LINGER_MS = 1

/**
 * The next request, if it comes within LINGER_MS. A request sent to another connection ends the
 * wait at once: this thread's polling would otherwise hold the core that connection's worker
 * needs (panes of the console take turns, and the machine may have two cores).
 */
function linger(): WorkerRequest | null {
  const seen = Atomics.load(activity!, 0)
  const until = performance.now() + LINGER_MS
  for (;;) {
    const next = receiveMessageOnPort(port!)
    if (next) return next.message as WorkerRequest
    if (Atomics.load(activity!, 0) !== seen) {
      // Sent after the message is queued: a last look tells ours from another connection's.
      const ours = receiveMessageOnPort(port!)
      return ours ? (ours.message as WorkerRequest) : null
    }
    if (performance.now() >= until) return null
  }
}

function post(m: WorkerMessage, transfer?: ArrayBuffer[]) {
  port!.postMessage(m, transfer)
}

/** Rows past which a query's reply goes as columns when it can (see param-columns.ts). */
const COLUMNS_FROM = 16

function postQueryReply(id: number, value: QueryReply) {
  const rows = value.rows.length > COLUMNS_FROM ? encodeColumns(value.rows) : null
  if (!rows) return post({ kind: 'reply', id, ok: true, json: JSON.stringify(value) })
  post({ kind: 'reply', id, ok: true, json: JSON.stringify({ ...value, rows: [] }), rows }, transferables(rows))
}

const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER)
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER)

function toCell(v: unknown): Cell {
  const t = typeof v
  if (t === 'string') return v as Cell
  // Infinity (SQLite stores 1e999) has no JSON form: it travels as text, as encodeCell does.
  if (t === 'number') return Number.isFinite(v) ? (v as number) : String(v)
  if (v === null || v === undefined) return null
  if (t === 'bigint')
    return (v as bigint) >= MIN_SAFE && (v as bigint) <= MAX_SAFE ? Number(v) : { $bigint: (v as bigint).toString() }
  if (Buffer.isBuffer(v)) return { $blob: v.toString('hex') }
  return v as Cell
}

/** Rows as cells, in place: the arrays better-sqlite3 returned are ours to reuse. */
function toCells(rows: unknown[][]): Cell[][] {
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]
    for (let j = 0; j < r.length; j++) r[j] = toCell(r[j])
  }
  return rows as Cell[][]
}

function toParam(v: unknown): unknown {
  if (v === undefined) return null
  if (typeof v === 'boolean') return v ? 1 : 0
  if (v && typeof v === 'object') {
    if ('$blob' in v) return Buffer.from(String((v as { $blob: string }).$blob), 'hex')
    if ('$bigint' in v) return BigInt(String((v as { $bigint: string }).$bigint))
    if (v instanceof Uint8Array) return v
    return JSON.stringify(v)
  }
  return v
}

function prepare(sql: string): Database.Statement {
  let st = statements.get(sql)
  if (st) return st
  st = db!.prepare(sql)
  // Exact big integers for what we read; writes skip the BigInt round trip of lastInsertRowid
  // (a rowid beyond 2^53 would lose precision there, which real tables do not reach).
  if (st.reader) st.safeIntegers(true)
  if (statements.size >= MAX_CACHED) statements.delete(statements.keys().next().value as string)
  statements.set(sql, st)
  return st
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: string }).code
  // BUSY_SNAPSHOT cannot succeed on retry: the snapshot is stale until the transaction ends.
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_RECOVERY'
}

class Cancelled extends Error {
  code = 'SCHEMIST_CANCELLED'
}

/** Runs `fn`, retrying while the database is busy, reporting the wait and honouring cancel. */
function withBusyRetry<T>(id: number, fn: () => T): T {
  let since = 0
  for (;;) {
    const t0 = Date.now()
    try {
      const out = fn()
      if (since) post({ kind: 'wait', id, waiting: false, since })
      return out
    } catch (e) {
      const now = Date.now()
      const attemptMs = now - t0
      // Back at once: SQLite did not run its busy handler, so waiting cannot help.
      const immediate = attemptMs < BUSY_SLICE_MS / 2
      if (!isBusy(e) || immediate || (since && now - since >= busyTimeoutMs)) {
        if (since) post({ kind: 'wait', id, waiting: false, since })
        throw e
      }
      if (!since) {
        since = now - attemptMs
        post({ kind: 'wait', id, waiting: true, since })
      }
      if (Atomics.load(cancelFlag!, CANCEL_SLOT) !== 0) {
        post({ kind: 'wait', id, waiting: false, since })
        throw new Cancelled('Cancelled while waiting for a lock')
      }
    }
  }
}

function runQuery(id: number, sql: string, params: unknown[]): QueryReply {
  const st = prepare(sql)
  const args = params.map(toParam)
  if (st.reader) {
    const columns = st.columns().map((c) => ({
      name: c.name,
      type: c.type,
      origin:
        c.table && c.column
          ? { schema: c.database === 'main' ? null : c.database, table: c.table, column: c.column }
          : null,
    }))
    const raw = withBusyRetry(id, () => readRows(st, args))
    const rows = toCells(raw)
    return { columns, rows, rowCount: rows.length, reader: true }
  }
  const info = withBusyRetry(id, () => st.run(...args))
  return { columns: [], rows: [], rowCount: info.changes, reader: false }
}

/**
 * A reader's rows with exact integers. Reading every integer as a BigInt (and most back to a
 * number) cost a 2,000-row page some 12% of its time, so a statement that writes nothing is read
 * with plain numbers first, and again as BigInts only when an integer came back past 2^53, where
 * a double may have rounded it. A statement that writes (RETURNING) runs once, as BigInts.
 */
function readRows(st: Database.Statement, args: unknown[]): unknown[][] {
  if (!st.readonly) return st.raw(true).all(...args) as unknown[][]
  let rows: unknown[][]
  try {
    rows = st
      .safeIntegers(false)
      .raw(true)
      .all(...args) as unknown[][]
  } finally {
    st.safeIntegers(true)
  }
  return rows.some(hasUnsafeInteger) ? (st.raw(true).all(...args) as unknown[][]) : rows
}

function hasUnsafeInteger(row: unknown[]): boolean {
  for (let j = 0; j < row.length; j++) {
    const v = row[j]
    if (typeof v === 'number' && !Number.isSafeInteger(v) && Number.isInteger(v)) return true
  }
  return false
}

class BatchFailure extends Error {
  constructor(
    override readonly cause: unknown,
    readonly step: number,
    readonly row: number,
  ) {
    super((cause as Error).message)
  }
}

/** Parameters as better-sqlite3 takes them; most rows are plain and pass through as they are. */
function toParams(p: unknown[]): unknown[] {
  for (let j = 0; j < p.length; j++) {
    const v = p[j]
    const t = typeof v
    if (v === undefined || t === 'boolean' || (t === 'object' && v !== null)) return p.map(toParam)
  }
  return p
}

/**
 * Keys generated by batch steps sent with `keys`, for the `refs` of the steps after them: a flush
 * sends a child table's rows before its parent's INSERT has answered, and their foreign keys are
 * filled in here. Kept while batches that keep or use keys follow each other; anything else
 * (a query, a script, a batch of neither) lets them go.
 */
const kept = new Map<string, Cell[]>()

/** The kept keys each of a step's refs reads, or why they are missing. */
function refsOf(step: WireStep): ResolvedRef[] | undefined {
  return step.refs?.map((r) => {
    const src = kept.get(r.from)
    if (!src)
      throw Object.assign(
        new Error(`Not run: the keys of an earlier step (${r.from}) are not here (that step failed or was not sent)`),
        { code: 'SCHEMIST_SKIPPED' },
      )
    return { column: r.column, rows: r.rows, src }
  })
}

function runBatch(id: number, steps: WireStep[]) {
  if (!usesKeys(steps)) kept.clear()
  const out: { changes: number[]; rows: Cell[][][] | null; ids: Cell[] | null }[] = []
  for (let s = 0; s < steps.length; s++) {
    const step = steps[s]
    let st: Database.Statement
    let refs: ResolvedRef[] | undefined
    try {
      st = prepare(step.sql)
      refs = refsOf(step)
    } catch (e) {
      throw new BatchFailure(e, s, 0)
    }
    const reader = step.columns ? new ColumnReader(step.columns) : null
    const params = reader ? null : (step.params ?? (JSON.parse(step.json!) as unknown[][]))
    const n = step.columns ? step.columns.rows : params!.length
    const changes: number[] = new Array(n)
    const rows: Cell[][][] | null = step.returning === 'rows' ? new Array(n) : null
    const ids: Cell[] | null = step.returning === 'lastInsertId' ? new Array(n) : null
    const returnsRows = st.reader
    if (returnsRows) st.raw(true)
    for (let i = 0; i < n; i++) {
      // Columns hold only numbers, strings and NULLs, which need no conversion; keys filled in
      // from refs may (a big integer's cell).
      const row = reader ? reader.row(i) : params![i]
      if (refs && !fillRow(row, i, refs))
        throw new BatchFailure(new Error('A ref names a key its earlier step did not generate'), s, i)
      const args = reader && !refs ? row : toParams(row)
      try {
        if (returnsRows) {
          let r: unknown[][]
          const t0 = Date.now()
          try {
            r = st.all(args) as unknown[][]
          } catch (e) {
            if (!isBusy(e) || Date.now() - t0 < BUSY_SLICE_MS / 2) throw e
            r = withBusyRetry(id, () => st.all(args) as unknown[][])
          }
          changes[i] = r.length
          if (rows) rows[i] = toCells(r)
        } else {
          let info: Database.RunResult
          const t0 = Date.now()
          try {
            info = st.run(args)
          } catch (e) {
            if (!isBusy(e) || Date.now() - t0 < BUSY_SLICE_MS / 2) throw e
            info = withBusyRetry(id, () => st.run(args))
          }
          changes[i] = info.changes
          if (ids) ids[i] = toCell(info.lastInsertRowid)
          else if (rows) rows[i] = []
        }
      } catch (e) {
        throw new BatchFailure(e, s, i)
      }
    }
    out.push({ changes, rows, ids })
    if (step.keys) kept.set(step.keys, keysOf({ ids, rows }))
  }
  return out
}

function handle(req: WorkerRequest): unknown {
  if (req.op !== 'batch') kept.clear()
  switch (req.op) {
    case 'open': {
      busyTimeoutMs = req.busyTimeoutMs
      cancelFlag = new Int32Array(req.cancelFlag)
      txSince = new Float64Array(req.txSince)
      db = new Database(req.path, { fileMustExist: !req.create, readonly: req.readOnly })
      db.pragma(`busy_timeout = ${BUSY_SLICE_MS}`)
      // Touch the schema so a file that is not a database fails here, not on the first query.
      // Another process may hold a lock on the file right now: opening waits for it within the
      // busy timeout like every statement does (it used to fail after one 50 ms slice).
      const d = db
      withBusyRetry(req.id, () => d.prepare('SELECT count(*) FROM sqlite_master').get())
      if (!req.readOnly) db.pragma('foreign_keys = ON')
      const version = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v
      const journalMode = String(withBusyRetry(req.id, () => d.pragma('journal_mode', { simple: true })))
      return { version, journalMode }
    }
    case 'query':
      return runQuery(req.id, req.sql, req.params)
    case 'batch':
      return runBatch(req.id, req.steps)
    case 'script':
      withBusyRetry(req.id, () => db!.exec(req.sql))
      return null
    case 'close':
      statements.clear()
      db?.close()
      db = null
      return null
  }
}

// The driver sends one request at a time and clears the cancel flag before each one.
function serve(req: WorkerRequest) {
  try {
    const value = handle(req)
    noteTransaction()
    if (req.op === 'query') postQueryReply(req.id, value as QueryReply)
    else post({ kind: 'reply', id: req.id, ok: true, value })
  } catch (e) {
    const failure = e instanceof BatchFailure ? e : null
    const err = (failure ? failure.cause : e) as { message?: string; code?: string }
    noteTransaction()
    const error = {
      message: String(err.message ?? e),
      code: err.code ?? null,
      inTransaction: db?.inTransaction ?? false,
      opening: req.op === 'open',
      ...(failure ? { step: failure.step, row: failure.row } : {}),
    }
    post({ kind: 'reply', id: req.id, ok: false, error })
  }
}

parentPort!.once('message', (m: { port: MessagePort; activity: SharedArrayBuffer }) => {
  port = m.port
  activity = new Int32Array(m.activity)
  port.on('message', (req: WorkerRequest) => {
    for (let next: WorkerRequest | null = req; next; next = linger()) serve(next)
  })
})
