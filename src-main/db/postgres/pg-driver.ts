import pg from 'pg'
import type { ConnectionOptions } from 'node:tls'
import { AppError } from '../../../src-shared/errors'
import type { PostgresConfig } from '../../../src-shared/connection'
import type { QueryResult } from '../../../src-shared/query'
import { encodeRowsInPlace, type Cell } from '../../../src-shared/values'
import { commandOf, type BatchStep, type BatchStepResult, type Driver, type QueryOptions } from '../driver'
import { postgresDialect } from './pg-dialect'
import { pgError } from './pg-errors'
import { clientConfig, sslOption, TYPE_NAMES } from './pg-client-config'
import { lockBook, type LockParty } from '../lock-book'
import { ServerDriver } from '../server-driver'
import { watchForWaits } from './pg-waits'

/** COMMIT, END and COMMIT AND CHAIN, but not COMMIT PREPARED (a two-phase commit of another). */
const COMMIT = /^\s*(COMMIT|END)(\s+(WORK|TRANSACTION))?(\s+AND\s+(NO\s+)?CHAIN)?\s*;?\s*$/i

/** A PostgreSQL connection: one pg.Client, so a session's transaction stays on one backend. */
export class PostgresDriver extends ServerDriver implements Driver, LockParty {
  readonly dialect = postgresDialect
  readonly readOnly = false
  serverVersion = ''

  /** Backend pids are unique per server: the book matches pg_blocking_pids against this. */
  get resource() {
    return `postgres:${this.config.host}:${this.config.port}`
  }
  /** After each statement: note when a transaction began, or that none is open. */
  private noteTransaction() {
    const status = this.client.getTransactionStatus?.()
    if (status === 'I') this.txSinceAt = null
    else if ((status === 'T' || status === 'E') && this.txSinceAt === null) this.txSinceAt = Date.now()
  }
  private running: { queryId: string | null } | null = null
  private monitor: pg.Client | null = null

  private constructor(
    private readonly client: pg.Client,
    private readonly config: PostgresConfig,
    private readonly ssl: boolean | ConnectionOptions,
  ) {
    super()
  }

  get database() {
    return this.config.database
  }

  static async open(config: PostgresConfig): Promise<PostgresDriver> {
    let ssl = sslOption(config.sslMode)
    let client: pg.Client
    try {
      client = await PostgresDriver.connect(config, ssl)
    } catch (e) {
      // sslmode=prefer: fall back to a plain connection when the server has no SSL.
      if (config.sslMode !== 'prefer' || !/does not support SSL/i.test(String((e as Error).message)))
        throw pgError(e, config)
      ssl = false
      try {
        client = await PostgresDriver.connect(config, ssl)
      } catch (e2) {
        throw pgError(e2, config)
      }
    }
    const d = new PostgresDriver(client, config, ssl)
    const info = await client.query<{ v: string; pid: number }>(
      "SELECT current_setting('server_version') AS v, pg_backend_pid() AS pid",
    )
    d.serverVersion = `PostgreSQL ${info.rows[0].v}`
    d.backendPid = info.rows[0].pid
    d.unregister = lockBook.register(d)
    client.on('error', (e) => d.lost(e.message))
    client.on('end', () => d.lost('The server closed the connection'))
    return d
  }

  private static async connect(config: PostgresConfig, ssl: boolean | ConnectionOptions) {
    const client = new pg.Client(clientConfig(config, ssl))
    client.on('error', () => {})
    await client.connect()
    return client
  }

  query(sql: string, params: readonly unknown[] = [], options: QueryOptions = {}): Promise<QueryResult> {
    return this.inTurn(() => this.queryNow(sql, params, options))
  }

  private async queryNow(sql: string, params: readonly unknown[], options: QueryOptions): Promise<QueryResult> {
    const started = performance.now()
    // A COMMIT of a transaction that wrote: its id is taken first, so that if the connection
    // drops with the COMMIT on its way, a fresh connection can ask the server how it ended.
    this.lastSql = sql
    const committing = COMMIT.test(sql) && this.client.getTransactionStatus?.() === 'T'
    const xid = committing ? await this.currentXid() : undefined
    const running = { queryId: options.queryId ?? null }
    this.running = running
    const stopWatch = watchForWaits({
      listeners: this.waitListeners,
      running,
      backendPid: this.backendPid,
      resource: this.resource,
      monitor: () => this.monitorClient(),
    })
    try {
      const r = await this.client.query({ text: sql, values: params.map(toParam), rowMode: 'array' })
      const result = Array.isArray(r) ? r[r.length - 1] : r
      const fields = (result.fields ?? []) as { name: string; dataTypeID: number; tableID: number; columnID: number }[]
      return {
        columns: fields.map((f) => ({
          name: f.name,
          type: TYPE_NAMES[f.dataTypeID] ?? null,
          ...(f.tableID ? { originId: { table: f.tableID, column: f.columnID } } : {}),
        })),
        rows: encodeRowsInPlace(result.rows as unknown[][]),
        rowCount: result.rowCount ?? result.rows.length,
        command: result.command ?? commandOf(sql),
        durationMs: performance.now() - started,
      }
    } catch (e) {
      const err = pgError(e, this.config)
      if (committing && err.code === 'CONNECTION_LOST') {
        const outcome = await this.commitOutcome(xid ?? null)
        if (outcome.committed)
          return { columns: [], rows: [], rowCount: 0, command: 'COMMIT', durationMs: performance.now() - started }
        throw outcome.error
      }
      throw err
    } finally {
      if (this.running === running) this.running = null
      this.noteTransaction()
      stopWatch()
    }
  }

  /** The running transaction's id, or null when it has written nothing (undefined: cannot tell). */
  private async currentXid(): Promise<string | null | undefined> {
    try {
      const r = await this.client.query<{ x: string | null }>('SELECT pg_current_xact_id_if_assigned()::text AS x')
      return r.rows[0]?.x ?? null
    } catch {
      return undefined // a server before 13: the outcome of a lost COMMIT cannot be asked
    }
  }

  async commitStatus(xid: string): Promise<'committed' | 'aborted' | 'in progress' | null> {
    try {
      const c = await PostgresDriver.connect(this.config, this.ssl)
      try {
        const s = (await c.query<{ s: string | null }>('SELECT pg_xact_status($1::xid8) AS s', [xid])).rows[0]?.s
        return s === 'committed' || s === 'aborted' || s === 'in progress' ? s : null
      } finally {
        await c.end().catch(() => {})
      }
    } catch {
      return null
    }
  }

  /**
   * The connection dropped while COMMIT was on its way: did it commit? A transaction that wrote
   * nothing lost nothing. Otherwise a fresh connection asks `pg_xact_status` (waiting a little
   * while the old backend may still be finishing), and only when that cannot be learnt is the
   * answer COMMIT_UNKNOWN: never "rolled back" when it may have committed (a retry duplicated rows).
   */
  private async commitOutcome(
    xid: string | null,
  ): Promise<{ committed: true } | { committed: false; error: AppError }> {
    const where = `${this.config.host}:${this.config.port}`
    if (xid === null)
      return {
        committed: false,
        error: new AppError(
          'CONNECTION_LOST',
          `The connection to ${where} dropped during COMMIT; the transaction had written nothing, so nothing was lost`,
        ),
      }
    const deadline = Date.now() + 5000
    let status: string | null = null
    while (Date.now() < deadline) {
      status = await this.commitStatus(xid)
      if (status === 'committed' || status === 'aborted') break
      await new Promise((r) => setTimeout(r, 200))
    }
    if (status === 'committed') return { committed: true }
    if (status === 'aborted') {
      return {
        committed: false,
        error: new AppError(
          'CONNECTION_LOST',
          `The connection to ${where} dropped during COMMIT, and the server rolled the transaction back (checked: transaction ${xid} aborted); nothing of it was written`,
          { xid },
        ),
      }
    }
    return {
      committed: false,
      error: new AppError(
        'COMMIT_UNKNOWN',
        `The connection to ${where} dropped while COMMIT was on its way, and whether transaction ${xid} committed could not be found out${status ? ` (it was still ${status})` : ' (the server did not answer)'}. Look at the data before committing again.`,
        { xid },
      ),
    }
  }

  /** PostgreSQL has no executemany on the wire: each parameter row is one round trip. */
  runBatch(steps: readonly BatchStep[]): Promise<BatchStepResult[]> {
    return this.inTurn(() => this.runBatchNow(steps))
  }

  private async runBatchNow(steps: readonly BatchStep[]): Promise<BatchStepResult[]> {
    try {
      return await this.runBatchSteps(steps)
    } finally {
      if (steps.length) this.lastSql = steps[steps.length - 1].sql
      this.noteTransaction()
    }
  }

  private async runBatchSteps(steps: readonly BatchStep[]): Promise<BatchStepResult[]> {
    const out: BatchStepResult[] = []
    for (let s = 0; s < steps.length; s++) {
      const step = steps[s]
      if (step.returning === 'lastInsertId')
        throw new AppError('UNSUPPORTED', 'PostgreSQL reports generated keys through RETURNING')
      const changes: number[] = []
      const rows: Cell[][][] | null = step.returning === 'rows' ? [] : null
      for (let i = 0; i < step.params.length; i++) {
        try {
          const r = await this.client.query({ text: step.sql, values: step.params[i].map(toParam), rowMode: 'array' })
          changes.push(r.rowCount ?? 0)
          if (rows) rows.push(encodeRowsInPlace(r.rows as unknown[][]))
        } catch (e) {
          const err = pgError(e, this.config)
          throw new AppError(err.code, err.message, { ...err.details, step: s, row: i })
        }
      }
      out.push({ changes, rows, ids: null })
    }
    return out
  }

  execScript(sql: string): Promise<void> {
    return this.inTurn(async () => {
      this.lastSql = sql
      try {
        await this.client.query(sql)
      } catch (e) {
        throw pgError(e, this.config)
      } finally {
        this.noteTransaction()
      }
    })
  }

  private async monitorClient(): Promise<pg.Client> {
    if (!this.monitor) {
      this.monitor = await PostgresDriver.connect(this.config, this.ssl)
    }
    return this.monitor
  }

  async cancel(): Promise<boolean> {
    if (!this.running) return false
    const c = await PostgresDriver.connect(this.config, this.ssl)
    try {
      const r = await c.query<{ ok: boolean }>('SELECT pg_cancel_backend($1) AS ok', [this.backendPid])
      return r.rows[0]?.ok === true
    } finally {
      await c.end().catch(() => {})
    }
  }

  async close(): Promise<void> {
    this.closing = true
    this.unregister()
    await this.monitor?.end().catch(() => {})
    await this.client.end().catch(() => {})
  }
}

function toParam(v: unknown): unknown {
  if (v && typeof v === 'object') {
    if ('$blob' in v) return Buffer.from(String((v as { $blob: string }).$blob), 'hex')
    if ('$bigint' in v) return String((v as { $bigint: string }).$bigint)
  }
  return v
}

export function assertPostgres(c: { engine: string }): asserts c is PostgresConfig {
  if (c.engine !== 'postgres') throw new AppError('BAD_REQUEST', 'Not a PostgreSQL configuration')
}
