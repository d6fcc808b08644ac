import type { QueryResult } from '../../src-shared/query'
import type { BatchStep, BatchStepResult, Driver } from '../db/driver'
import type { InstanceState } from './instance-state'
import { SqlLog } from './sql-log'

export interface NestedFrame {
  name: string
  /** SAVEPOINT is sent with the next statement, as SQLAlchemy does: not at all if none follows. */
  emitted: boolean
  /** Objects touched since the savepoint: expired if it rolls back. */
  touched: Set<InstanceState>
  /** Objects added since the savepoint: expunged if it rolls back. */
  added: Set<InstanceState>
}

export type TransactionState = 'idle' | 'active' | 'failed'

/**
 * The session's transaction, one of its three seams (with the identity map in ./session.ts and
 * the query API in ./session-queries.ts): one connection, BEGIN with the first statement,
 * savepoints sent lazily with the next statement, and every statement logged. It knows nothing
 * of objects; the session does the bookkeeping a commit or rollback means for them.
 */
export class SessionTransaction {
  state: TransactionState = 'idle'
  /**
   * The open transaction holds writes of the session's (a flush, a bulk or raw statement that
   * succeeded), which a lost connection takes with it.
   */
  wroteInTx = false
  nested: NestedFrame[] = []
  readonly log = new SqlLog()

  constructor(
    /** Replaced only by `reconnected`, after the connection dropped. */
    public driver: Driver,
    readonly isolationLevel: string | undefined,
  ) {}

  top(): NestedFrame | undefined {
    // Not nested[-1] when there is none: a negative index is a named property, looked up along
    // the prototype chain, and add() asks once per object (30,000 times for a big insert).
    const n = this.nested.length
    return n === 0 ? undefined : this.nested[n - 1]
  }

  /** Autobegin. */
  async begin(): Promise<void> {
    if (this.state !== 'idle') return
    const sql = this.driver.dialect.beginSql(this.isolationLevel)
    await this.logged(sql, [], () => this.driver.query(sql))
    this.state = 'active'
    this.wroteInTx = false
  }

  /** ROLLBACK, failures ignored (the transaction is over either way). */
  async rollback(): Promise<void> {
    if (this.state === 'idle') return
    await this.logged('ROLLBACK', [], () => this.driver.query('ROLLBACK')).catch(() => {})
    this.state = 'idle'
  }

  async commit(): Promise<void> {
    if (this.state === 'idle') return
    await this.logged('COMMIT', [], () => this.driver.query('COMMIT'))
    this.state = 'idle'
  }

  /** A fresh connection after a drop; says whether the lost transaction had written anything. */
  reconnected(driver: Driver): { lostWrites: boolean } {
    this.driver = driver
    const lostWrites = this.state !== 'idle' && this.wroteInTx
    this.state = 'idle'
    this.wroteInTx = false
    this.log.add({ sql: '-- reconnected: a fresh connection', params: [], executions: 1, rows: 0, durationMs: 0 })
    return { lostWrites }
  }

  /** A savepoint frame, sent with the next statement. */
  pushFrame(): NestedFrame {
    const frame: NestedFrame = {
      name: `sa_savepoint_${this.nested.length + 1}`,
      emitted: false,
      touched: new Set(),
      added: new Set(),
    }
    this.nested.push(frame)
    return frame
  }

  /** RELEASE (`release`) or ROLLBACK TO (`rollback`) a frame, if its SAVEPOINT was sent. */
  async endFrame(frame: NestedFrame, how: 'release' | 'rollback'): Promise<void> {
    if (!frame.emitted) return
    const q = this.driver.dialect.quoteIdent(frame.name)
    const sql = how === 'release' ? `RELEASE SAVEPOINT ${q}` : `ROLLBACK TO SAVEPOINT ${q}`
    await this.logged(sql, [], () => this.driver.query(sql))
  }

  /** Savepoints begun but not sent yet go out before the next statement. */
  private async emitSavepoints() {
    for (const f of this.nested) {
      if (f.emitted) continue
      const q = this.driver.dialect.quoteIdent(f.name)
      await this.logged(`SAVEPOINT ${q}`, [], () => this.driver.query(`SAVEPOINT ${q}`))
      f.emitted = true
    }
  }

  /** Run one statement inside the transaction (begun if needed). */
  async run(sql: string, params: unknown[] = []): Promise<QueryResult> {
    await this.begin()
    await this.emitSavepoints()
    const r = await this.logged(sql, params, () => this.driver.query(sql, params))
    if (!/^\s*(SELECT|SAVEPOINT|RELEASE|ROLLBACK)\b/i.test(sql)) this.wroteInTx = true
    return r
  }

  /** executemany steps, logged one entry per step. */
  async runBatch(steps: BatchStep[]): Promise<BatchStepResult[]> {
    await this.ready()
    return this.sendBatch(steps)
  }

  /** The transaction begun and its savepoints sent, so that batches can go back to back. */
  async ready(): Promise<void> {
    await this.begin()
    await this.emitSavepoints()
  }

  /**
   * A batch handed to the driver now, before the ones already sent have answered (it waits
   * behind them on the connection); the transaction must be `ready`.
   */
  sendBatch(steps: BatchStep[]): Promise<BatchStepResult[]> {
    if (this.state !== 'active' || this.nested.some((f) => !f.emitted))
      throw new Error('sendBatch needs the transaction begun and its savepoints sent')
    const started = performance.now()
    const entry = (s: BatchStep) => ({
      sql: s.sql,
      params: s.params.length === 1 ? [...s.params[0]] : (s.params as unknown[][]),
      executions: s.params.length,
    })
    return this.driver.runBatch(steps).then(
      (out) => {
        this.wroteInTx = true
        const ms = (performance.now() - started) / steps.length
        steps.forEach((s, i) =>
          this.log.add({ ...entry(s), rows: out[i].changes.reduce((a, b) => a + b, 0), durationMs: ms }),
        )
        return out
      },
      (e) => {
        const details = (e as { details?: { step?: number; skipped?: boolean } }).details
        const step = details?.step ?? 0
        // A step not run because the batch it needed keys from failed is not logged: that one is.
        steps.slice(0, details?.skipped ? step : step + 1).forEach((s, i) =>
          this.log.add({
            ...entry(s),
            rows: 0,
            durationMs: performance.now() - started,
            ...(i === step ? { error: (e as Error).message } : {}),
          }),
        )
        throw e
      },
    )
  }

  private async logged<T extends QueryResult>(sql: string, params: unknown[], fn: () => Promise<T>): Promise<T> {
    const started = performance.now()
    try {
      const r = await fn()
      this.log.add({ sql, params, executions: 1, rows: r.rowCount, durationMs: performance.now() - started })
      return r
    } catch (e) {
      this.log.add({
        sql,
        params,
        executions: 1,
        rows: 0,
        durationMs: performance.now() - started,
        error: (e as Error).message,
      })
      throw e
    }
  }
}
