import { basename, resolve } from 'node:path'
import { realpathSync } from 'node:fs'
import { randomUUID } from 'node:crypto'
import { MessageChannel, receiveMessageOnPort, type MessagePort, type Worker } from 'node:worker_threads'
import { spawnWorkerScript } from '../../worker-script'
import { AppError } from '../../../src-shared/errors'
import type { SqliteConfig } from '../../../src-shared/connection'
import type { QueryResult } from '../../../src-shared/query'
import {
  commandOf,
  DriverEvents,
  type BatchStep,
  type BatchStepResult,
  type Driver,
  type QueryOptions,
} from '../driver'
import { sqliteDialect } from './sqlite-dialect'
import { sqliteError } from './sqlite-errors'
import { KeptKeys } from '../batch-keys'
import { encodeColumns, transferables, type ColumnarParams } from './param-columns'
import { lazyRows } from '../../../src-shared/cell-columns'
import { describeHolder, lockBook, type HolderInfo, type LockParty } from '../lock-book'
import {
  CANCEL_SLOT,
  TX_SINCE_SLOT,
  type OpenReply,
  type QueryReply,
  type WireStep,
  type WorkerMessage,
  type WorkerRequest,
} from './sqlite-protocol'

type Pending = { resolve: (v: unknown) => void; reject: (e: unknown) => void; queryId: string | null }
type InFlight = { id: number; pending: Pending; batch: boolean }
type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never

/** Rows that JSON carries without changing them: finite numbers, strings, booleans and nulls. */
function plainRows(rows: readonly (readonly unknown[])[]): boolean {
  for (const row of rows) {
    for (const v of row) {
      const t = typeof v
      if (v !== null && t !== 'string' && t !== 'boolean' && !(t === 'number' && Number.isFinite(v))) return false
    }
  }
  return true
}

/** A query's reply from the worker: its JSON, and the rows' columns when they came so. */
function queryReply(m: { json: string; rows?: ColumnarParams }): QueryReply & { table?: ColumnarParams } {
  const r = JSON.parse(m.json) as QueryReply & { table?: ColumnarParams }
  if (m.rows) r.table = m.rows
  return r
}

/** The SQLite worker: next to the built bundle, or its TypeScript source in tests and the CLI. */
function spawnWorker(): Worker {
  return spawnWorkerScript('sqlite-worker', __dirname)
}

/**
 * After sending a request, how long the driver polls for the reply before leaving it to the event
 * loop. A small statement answers in a few microseconds when the worker is awake (it lingers after
 * each reply), where an event-loop delivery costs tens; a statement that takes longer, or waits
 * for a lock, is answered asynchronously as before, so the main thread is held at most this long.
 */
const REPLY_SPIN_MS = 0.3

/** Requests sent to any SQLite worker of this process: a lingering worker stops when it moves. */
const activity = new Int32Array(new SharedArrayBuffer(4))

export interface SqliteDriverOptions {
  busyTimeoutMs?: number
  /** How long cancel waits for a statement to notice before the worker is restarted. */
  cancelGraceMs?: number
}

/**
 * A SQLite connection living on its own worker thread. Requests are sent one at a time (the
 * worker is synchronous anyway); the queue lives here so cancel can target the one in flight.
 * The exception is a batch behind a batch (a flush's chunks): it is posted at once, so the worker
 * goes from one to the next without waiting for this thread to take each answer.
 */
export class SqliteDriver extends DriverEvents implements Driver, LockParty {
  readonly dialect = sqliteDialect
  /** The worker keeps the keys a batch generates for the refs of the batches after it. */
  readonly batchKeyRefs = true
  private readonly keptKeys = new KeptKeys()
  readonly partyId = randomUUID()
  label = 'a connection'
  resource = ''
  private readonly txSinceBuf = new SharedArrayBuffer(8)
  private readonly txSince = new Float64Array(this.txSinceBuf)
  private lastSql = ''
  private unregister: () => void = () => {}
  serverVersion = ''
  journalMode = ''
  private worker!: Worker
  private port!: MessagePort
  private nextId = 1
  /** The request the worker runs now; `behind` are batches posted after it, in order. */
  private inFlight: InFlight | null = null
  private behind: InFlight[] = []
  private queue: { req: WorkerRequest; pending: Pending; transfer?: ArrayBuffer[] }[] = []
  private readonly cancelBuf = new SharedArrayBuffer(4)
  private readonly cancelFlag = new Int32Array(this.cancelBuf)
  private closed = false

  private constructor(
    private readonly config: SqliteConfig,
    private readonly options: Required<SqliteDriverOptions>,
  ) {
    super()
  }

  get database() {
    return basename(this.config.path)
  }
  get readOnly() {
    return this.config.readOnly
  }
  get path() {
    return this.config.path
  }

  static async open(config: SqliteConfig, options: SqliteDriverOptions = {}): Promise<SqliteDriver> {
    const d = new SqliteDriver(config, {
      busyTimeoutMs: options.busyTimeoutMs ?? 5000,
      cancelGraceMs: options.cancelGraceMs ?? 300,
    })
    await d.start()
    // The same file under any name: locks belong to the file.
    d.resource = `sqlite:${(() => {
      try {
        return realpathSync(config.path)
      } catch {
        return resolve(config.path)
      }
    })()}`
    d.unregister = lockBook.register(d)
    return d
  }

  transactionSince(): number | null {
    const t = this.txSince[TX_SINCE_SLOT]
    return t === 0 || this.closed ? null : t
  }

  lastStatement(): string {
    return this.lastSql
  }

  async rollback(): Promise<void> {
    if (this.transactionSince() !== null) await this.query('ROLLBACK')
  }

  /** The app's other connections to this file that hold a transaction open now. */
  holders(): HolderInfo[] {
    return lockBook.holders(this.resource, this)
  }

  private async start() {
    this.txSince[TX_SINCE_SLOT] = 0
    this.worker = spawnWorker()
    const { port1, port2 } = new MessageChannel()
    this.port = port1
    port1.on('message', (m: WorkerMessage) => this.onMessage(m))
    this.worker.postMessage({ port: port2, activity: activity.buffer }, [port2])
    this.worker.on('error', (e) => this.fail(`SQLite worker crashed: ${e.message}`))
    this.worker.on('exit', () => this.fail('SQLite worker exited'))
    try {
      const info = (await this.send({
        op: 'open',
        path: this.config.path,
        create: this.config.create,
        readOnly: this.config.readOnly,
        busyTimeoutMs: this.options.busyTimeoutMs,
        cancelFlag: this.cancelBuf,
        txSince: this.txSinceBuf,
      })) as OpenReply
      this.serverVersion = `SQLite ${info.version}`
      this.journalMode = info.journalMode
    } catch (e) {
      this.port.close()
      await this.worker.terminate()
      throw e
    }
  }

  private onMessage(m: WorkerMessage) {
    this.deliver(m)
    this.pump()
  }

  private deliver(m: WorkerMessage) {
    const cur = this.inFlight
    if (!cur || cur.id !== m.id) return
    if (m.kind === 'wait') {
      const holders = m.waiting ? this.holders() : []
      for (const l of this.waitListeners)
        l({ queryId: cur.pending.queryId, waiting: m.waiting, since: m.since, holders })
      return
    }
    this.inFlight = this.behind.shift() ?? null
    if (m.ok) cur.pending.resolve('json' in m ? queryReply(m) : m.value)
    else {
      const err = sqliteError(m.error, { path: this.config.path })
      // SQLite says only "database is locked": the app's own bookkeeping says by whom.
      if (err.code === 'BUSY') {
        const holders = this.holders()
        const by = holders.length
          ? ` Held by ${holders.map((h) => describeHolder(h)).join('; ')}.`
          : ' No connection of this app holds it: another program does.'
        cur.pending.reject(new AppError(err.code, err.message + by, { ...err.details, holders }))
      } else cur.pending.reject(err)
    }
  }

  private fail(message: string) {
    const wasOpen = !this.closed
    this.closed = true
    this.unregister()
    // An open port keeps the process alive: a crashed worker's is closed here.
    this.port.close()
    const err = new AppError('CONNECTION_LOST', message)
    this.inFlight?.pending.reject(err)
    this.inFlight = null
    for (const q of [...this.behind.splice(0), ...this.queue.splice(0)]) q.pending.reject(err)
    if (wasOpen) for (const l of this.lostListeners) l(message)
  }

  private send(
    req: DistributiveOmit<WorkerRequest, 'id'>,
    queryId: string | null = null,
    transfer?: ArrayBuffer[],
  ): Promise<unknown> {
    if (this.closed) return Promise.reject(new AppError('CONNECTION_LOST', 'The connection is closed'))
    return new Promise((resolve, reject) => {
      this.queue.push({
        req: { ...req, id: this.nextId++ } as WorkerRequest,
        pending: { resolve, reject, queryId },
        transfer,
      })
      // A reply that came while this thread was busy (building the next batch of a flush) is
      // taken now, so the request goes at once instead of when the event loop next gets here.
      if (this.inFlight) this.drain()
      this.pump()
    })
  }

  private drain() {
    for (let got; this.inFlight && (got = receiveMessageOnPort(this.port));) this.deliver(got.message as WorkerMessage)
  }

  private pump() {
    while (this.queue.length > 0 && !this.closed) {
      const next = this.queue[0]
      const batch = next.req.op === 'batch'
      const ahead = this.inFlight
      // Behind a running request only a batch behind batches is posted (see the class comment).
      if (ahead && !(batch && ahead.batch && this.behind.every((b) => b.batch))) break
      this.queue.shift()
      // The cancel flag is for the request the worker runs: cleared only when that is this one.
      if (!ahead) Atomics.store(this.cancelFlag, CANCEL_SLOT, 0)
      const cur: InFlight = { id: next.req.id, pending: next.pending, batch }
      try {
        this.port.postMessage(next.req, next.transfer)
      } catch (e) {
        // A request the thread boundary cannot carry (a value nested too deep to clone) fails
        // alone; before, it stayed "in flight" for ever and every later statement waited behind it.
        next.pending.reject(
          new AppError('BAD_REQUEST', `This request cannot be sent to the SQLite connection: ${(e as Error).message}`),
        )
        continue
      }
      Atomics.add(activity, 0, 1)
      if (ahead) {
        this.behind.push(cur)
        continue
      }
      this.inFlight = cur
      // Poll briefly for the reply (see REPLY_SPIN_MS); a report that the statement waits ends it.
      const until = performance.now() + REPLY_SPIN_MS
      while (this.inFlight === cur && performance.now() < until) {
        const got = receiveMessageOnPort(this.port)
        if (!got) continue
        this.deliver(got.message as WorkerMessage)
        if ((got.message as WorkerMessage).kind === 'wait') break
      }
    }
  }

  async query(sql: string, params: readonly unknown[] = [], options: QueryOptions = {}): Promise<QueryResult> {
    const started = performance.now()
    this.lastSql = sql
    const r = (await this.send({ op: 'query', sql, params: [...params] }, options.queryId ?? null)) as ReturnType<
      typeof queryReply
    >
    this.keptKeys.other()
    const result: QueryResult = {
      columns: r.columns,
      rows: r.rows,
      rowCount: r.rowCount,
      command: commandOf(sql),
      durationMs: performance.now() - started,
    }
    // Rows that came as columns stay so until read: a grid page sends them on as columns.
    return r.table ? lazyRows(result, 'rows', r.table) : result
  }

  async runBatch(steps: readonly BatchStep[]): Promise<BatchStepResult[]> {
    if (steps.length) this.lastSql = steps[steps.length - 1].sql
    const transfer: ArrayBuffer[] = []
    const wire = steps.map((s): WireStep => {
      const head = { sql: s.sql, returning: s.returning, keys: s.keys, refs: s.refs }
      if (s.params.length <= 8) return { ...head, params: s.params as unknown[][] }
      const columns = encodeColumns(s.params)
      if (columns) {
        transfer.push(...transferables(columns))
        return { ...head, columns }
      }
      return plainRows(s.params)
        ? { ...head, json: JSON.stringify(s.params) }
        : { ...head, params: s.params as unknown[][] }
    })
    const out = (await this.send({ op: 'batch', steps: wire }, null, transfer)) as BatchStepResult[]
    this.keptKeys.answered(steps, out)
    return out
  }

  async execScript(sql: string): Promise<void> {
    this.lastSql = sql
    await this.send({ op: 'script', sql })
    this.keptKeys.other()
  }

  /**
   * A statement waiting for a lock is woken through the shared flag and fails with CANCELLED.
   * A statement busy computing cannot be interrupted from outside (better-sqlite3 has no
   * sqlite3_interrupt), so after a grace period the worker is replaced: its transaction is
   * rolled back by closing the connection, and the caller is told so.
   */
  async cancel(): Promise<boolean> {
    const cur = this.inFlight
    if (!cur) return false
    Atomics.store(this.cancelFlag, CANCEL_SLOT, 1)
    Atomics.notify(this.cancelFlag, CANCEL_SLOT)
    const settled = await Promise.race([
      new Promise<boolean>((res) => {
        const check = setInterval(() => {
          if (this.inFlight !== cur) {
            clearInterval(check)
            res(true)
          }
        }, 10)
        setTimeout(() => clearInterval(check), this.options.cancelGraceMs + 50)
      }),
      new Promise<boolean>((res) => setTimeout(() => res(false), this.options.cancelGraceMs)),
    ])
    if (settled) return true
    // Restart: the old thread finishes its statement in the background and exits.
    const old = this.worker
    this.inFlight = null
    old.removeAllListeners()
    this.port.close()
    void old.terminate()
    const reset = new AppError(
      'CANCELLED',
      'Query cancelled; the connection was reset, so any open transaction was rolled back',
    )
    cur.pending.reject(reset)
    // Batches posted behind it went with the old thread; their transaction is gone too.
    for (const b of this.behind.splice(0)) b.pending.reject(reset)
    const pendingQueue = this.queue.splice(0)
    await this.start()
    this.queue.push(...pendingQueue)
    this.pump()
    return true
  }

  async close(): Promise<void> {
    if (this.closed) return
    this.unregister()
    try {
      await this.send({ op: 'close' })
    } finally {
      this.closed = true
      this.port.close()
      this.worker.removeAllListeners()
      await this.worker.terminate()
    }
  }
}
