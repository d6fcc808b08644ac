import mysql from 'mysql2/promise'
import { AppError } from '../../../src-shared/errors'
import type { MariadbConfig } from '../../../src-shared/connection'
import type { QueryResult, ResultColumn } from '../../../src-shared/query'
import { encodeRowsInPlace, type Cell } from '../../../src-shared/values'
import { commandOf, type BatchStep, type BatchStepResult, type Driver, type QueryOptions } from '../driver'
import { lockBook, type LockParty } from '../lock-book'
import { ServerDriver } from '../server-driver'
import { mariadbDialect } from './mariadb-dialect'
import { mariadbError } from './mariadb-errors'
import { watchForWaits } from './mariadb-waits'

type Conn = mysql.Connection

/** mysql2's column type numbers, for the result's type names. */
const TYPE_NAMES: Record<number, string> = {
  0: 'decimal',
  1: 'tinyint',
  2: 'smallint',
  3: 'int',
  4: 'float',
  5: 'double',
  7: 'timestamp',
  8: 'bigint',
  9: 'mediumint',
  10: 'date',
  11: 'time',
  12: 'datetime',
  13: 'year',
  15: 'varchar',
  16: 'bit',
  245: 'json',
  246: 'decimal',
  252: 'blob',
  253: 'varchar',
  254: 'char',
}

/**
 * Values as the other engines hand them over: integers as numbers while they are exact (bigger
 * ones as `$bigint`), DECIMAL and dates as the server's text, TINYINT(1) as a boolean.
 */
const typeCast: mysql.TypeCast = (field, next) => {
  // JSON as the server wrote it (mysql2 would parse it into an object).
  if (field.type === 'JSON' || (field as { extendedFormat?: string }).extendedFormat === 'json') return field.string()
  // next() reads either protocol (text for plain queries, binary for prepared ones).
  if (field.type === 'LONGLONG') {
    const v = next()
    if (typeof v !== 'string' || !/^-?\d+$/.test(v)) return v
    return Number.isSafeInteger(Number(v)) ? Number(v) : BigInt(v)
  }
  if (field.type === 'TINY' && field.length === 1) {
    const v = next()
    return v === null ? null : Number(v) !== 0
  }
  return next()
}

function sslOption(mode: MariadbConfig['sslMode']): mysql.ConnectionOptions['ssl'] {
  if (mode === 'disable' || mode === 'prefer') return undefined
  return { rejectUnauthorized: mode === 'verify-ca' || mode === 'verify-full' }
}

/** A MariaDB or MySQL connection over mysql2's promise API: one session, statements one at a time. */
export class MariadbDriver extends ServerDriver implements Driver, LockParty {
  readonly dialect = mariadbDialect
  readonly readOnly = false
  serverVersion = ''
  private running: { queryId: string | null } | null = null
  private monitor: Conn | null = null

  private constructor(
    private readonly conn: Conn,
    private readonly config: MariadbConfig,
  ) {
    super()
  }

  get database() {
    return this.config.database
  }
  get resource() {
    return `mariadb:${this.config.host}:${this.config.port}`
  }

  static async connect(config: MariadbConfig): Promise<Conn> {
    try {
      const conn = await mysql.createConnection({
        host: config.host,
        port: config.port,
        user: config.user,
        password: config.password,
        database: config.database,
        ssl: sslOption(config.sslMode),
        multipleStatements: true,
        charset: 'utf8mb4',
        dateStrings: true,
        decimalNumbers: false,
        supportBigNumbers: true,
        rowsAsArray: true,
        typeCast,
        connectTimeout: 10_000,
      })
      conn.on('error', () => {})
      return conn
    } catch (e) {
      throw mariadbError(e, config)
    }
  }

  static async open(config: MariadbConfig): Promise<MariadbDriver> {
    const conn = await MariadbDriver.connect(config)
    const d = new MariadbDriver(conn, config)
    const [rows] = (await conn.query('SELECT VERSION(), CONNECTION_ID()')) as unknown as [unknown[][]]
    d.serverVersion = `MariaDB ${String(rows[0][0]).replace(/-MariaDB.*$/, '')}`
    if (!/mariadb/i.test(String(rows[0][0]))) d.serverVersion = `MySQL ${String(rows[0][0])}`
    d.backendPid = Number(rows[0][1])
    d.unregister = lockBook.register(d)
    conn.on('error', (e: Error) => d.lost(e.message))
    conn.on('end', () => d.lost('The server closed the connection'))
    return d
  }

  /** BEGIN and START TRANSACTION open one; COMMIT, ROLLBACK (not TO a savepoint) and any DDL end it. */
  private noteTransaction(sql: string) {
    const s = sql.trim().toUpperCase()
    if (/^(BEGIN|START\s+TRANSACTION)|;\s*START\s+TRANSACTION/.test(s)) this.txSinceAt ??= Date.now()
    else if (/^(COMMIT|ROLLBACK(?!\s+(WORK\s+)?TO\b))|^(CREATE|ALTER|DROP|RENAME|TRUNCATE)\b/.test(s))
      this.txSinceAt = null
  }

  query(sql: string, params: readonly unknown[] = [], options: QueryOptions = {}): Promise<QueryResult> {
    return this.inTurn(() => this.queryNow(sql, params, options))
  }

  private async queryNow(sql: string, params: readonly unknown[], options: QueryOptions): Promise<QueryResult> {
    const started = performance.now()
    this.lastSql = sql
    const running = { queryId: options.queryId ?? null }
    this.running = running
    const stopWatch = watchForWaits({
      listeners: this.waitListeners,
      running,
      threadId: this.backendPid,
      resource: this.resource,
      monitor: () => this.monitorConn(),
    })
    try {
      // Parameters go as a prepared statement; a script of several statements as plain text.
      const [result, fields] = params.length
        ? await this.conn.execute(sql, params.map(toParam) as never[])
        : await this.conn.query(sql)
      this.noteTransaction(sql)
      return toResult(sql, result, fields, performance.now() - started)
    } catch (e) {
      throw mariadbError(e, this.config)
    } finally {
      if (this.running === running) this.running = null
      stopWatch()
    }
  }

  runBatch(steps: readonly BatchStep[]): Promise<BatchStepResult[]> {
    return this.inTurn(async () => {
      const out: BatchStepResult[] = []
      for (let s = 0; s < steps.length; s++) {
        const step = steps[s]
        const changes: number[] = []
        const rows: Cell[][][] | null = step.returning === 'rows' ? [] : null
        const ids: Cell[] | null = step.returning === 'lastInsertId' ? [] : null
        this.lastSql = step.sql
        for (let i = 0; i < step.params.length; i++) {
          try {
            const [r] = await this.conn.execute(step.sql, step.params[i].map(toParam) as never[])
            if (Array.isArray(r)) {
              changes.push(r.length)
              rows?.push(encodeRowsInPlace(r as unknown[][]))
            } else {
              const h = r as mysql.ResultSetHeader
              changes.push(h.affectedRows)
              rows?.push([])
              ids?.push(h.insertId)
            }
          } catch (e) {
            const err = mariadbError(e, this.config)
            throw new AppError(err.code, err.message, { ...err.details, step: s, row: i })
          }
        }
        out.push({ changes, rows, ids })
      }
      return out
    })
  }

  execScript(sql: string): Promise<void> {
    return this.inTurn(async () => {
      this.lastSql = sql
      try {
        await this.conn.query(sql)
        this.noteTransaction(sql)
      } catch (e) {
        throw mariadbError(e, this.config)
      }
    })
  }

  private async monitorConn(): Promise<Conn> {
    this.monitor ??= await MariadbDriver.connect(this.config)
    return this.monitor
  }

  /** KILL QUERY from another connection: the statement ends, the connection and its transaction stay. */
  async cancel(): Promise<boolean> {
    if (!this.running) return false
    const c = await MariadbDriver.connect(this.config)
    try {
      await c.query(`KILL QUERY ${this.backendPid}`)
      return true
    } finally {
      await c.end().catch(() => {})
    }
  }

  async close(): Promise<void> {
    this.closing = true
    this.unregister()
    await this.monitor?.end().catch(() => {})
    await this.conn.end().catch(() => this.conn.destroy())
  }
}

function toParam(v: unknown): unknown {
  if (v === undefined) return null
  if (v && typeof v === 'object') {
    if ('$blob' in v) return Buffer.from(String((v as { $blob: string }).$blob), 'hex')
    if ('$bigint' in v) return String((v as { $bigint: string }).$bigint)
  }
  return v
}

/** One statement's result, or a script's last: rows with their columns (and where each came from), or a change count. */
function toResult(sql: string, result: unknown, fields: unknown, durationMs: number): QueryResult {
  // A script of several statements answers with one result each: the last is the one shown.
  const multi = Array.isArray(fields) && fields.length > 0 && (Array.isArray(fields[0]) || fields[0] === undefined)
  const r = multi ? (result as unknown[])[(result as unknown[]).length - 1] : result
  const f = (multi ? (fields as unknown[])[(fields as unknown[]).length - 1] : fields) as
    mysql.FieldPacket[] | undefined
  if (Array.isArray(r)) {
    const columns: ResultColumn[] = (f ?? []).map((x) => ({
      name: x.name,
      type: TYPE_NAMES[x.columnType ?? -1] ?? null,
      origin: x.orgTable && x.orgName ? { schema: null, table: x.orgTable, column: x.orgName } : null,
    }))
    const rows = encodeRowsInPlace(r as unknown[][])
    return { columns, rows, rowCount: rows.length, command: commandOf(sql), durationMs }
  }
  const h = (r ?? {}) as Partial<mysql.ResultSetHeader>
  return { columns: [], rows: [], rowCount: h.affectedRows ?? 0, command: commandOf(lastStatement(sql)), durationMs }
}

/** The last statement of a script, for its command tag. */
function lastStatement(sql: string): string {
  const parts = sql.split(';').filter((s) => s.trim())
  return parts[parts.length - 1] ?? sql
}

export function assertMariadb(c: { engine: string }): asserts c is MariadbConfig {
  if (c.engine !== 'mariadb') throw new AppError('BAD_REQUEST', 'Not a MariaDB configuration')
}
