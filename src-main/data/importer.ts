import { randomUUID } from 'node:crypto'
import { parseCellInput } from '../../src-shared/cell-input'
import { AppError } from '../../src-shared/errors'
import type { TableRef } from '../../src-shared/grid'
import type { Cell } from '../../src-shared/values'
import type { Column, Table } from '../../src-shared/schema'
import type { Driver } from '../db/driver'
import type { EventBus } from '../events/event-bus'
import type { ConnectionManager } from '../db/connection-manager'
import { openDriver } from '../db/open-driver'
import type { TableData } from './table-data'
import type { CsvEncoding } from '../../src-shared/csv'
import { readCsv, type CsvReadInfo } from './csv-reader'

export interface ImportSource {
  path?: string
  text?: string
  delimiter: string
  hasHeader: boolean
  encoding?: CsvEncoding
}

export interface ImportFailure {
  /** 1-based line of the data row (after the header). */
  row: number
  column: string | null
  value: string | null
  reason: string
}

/** Rows held at once: a chunk is checked and inserted, then let go, so memory stays flat. */
const CHUNK = 2000
const MAX_LISTED = 200
/** Parameters per INSERT: several rows per statement (one round trip each on PostgreSQL). */
const PARAMS_PER_STATEMENT = 900

/**
 * CSV into a table: a preview, a type check of every row against the mapped columns, then one
 * transaction on a connection of its own. Nothing is written unless every row is good.
 */
export class Importer {
  constructor(
    private readonly data: TableData,
    private readonly connections: ConnectionManager,
    private readonly events: EventBus,
  ) {}

  async preview(src: ImportSource): Promise<{ header: string[]; rows: string[][]; total: number }> {
    const info: Partial<CsvReadInfo> = {}
    let header: string[] | null = null
    const rows: string[][] = []
    let total = 0
    let width = 0
    // The whole file is read to count it, but only the first rows are kept.
    for await (const r of readCsv(src, info)) {
      if (src.hasHeader && header === null) {
        header = r.fields
        continue
      }
      total++
      if (rows.length < 20) rows.push(r.fields)
      if (total <= 50) width = Math.max(width, r.fields.length)
    }
    return { header: header ?? Array.from({ length: width }, (_, i) => `column ${i + 1}`), rows, total }
  }

  /**
   * Streams the file: each chunk of rows is type-checked and inserted inside one transaction on
   * a connection of its own. A row with a bad value, too many or too few fields, or a broken
   * quote fails the import: every failure is listed (up to 200), and the transaction is rolled
   * back, so nothing is written unless every row is good.
   */
  async run(
    req: ImportSource & { handle: string; table: TableRef; mapping: Record<string, number | null> },
  ): Promise<{ ok: boolean; inserted: number; failures: ImportFailure[]; failureCount: number }> {
    const importId = randomUUID()
    const table = await this.data.table(req.handle, req.table)
    const mapped = Object.entries(req.mapping).filter((e): e is [string, number] => e[1] !== null && e[1] !== undefined)
    if (mapped.length === 0) throw new AppError('BAD_REQUEST', 'Map at least one CSV column to a table column')
    const cols = mapped.map(([name]) => {
      const c = table.columns.find((x) => x.name === name)
      if (!c) throw new AppError('BAD_REQUEST', `${table.name} has no column ${name}`)
      return c
    })
    const failures = new Failures()
    const driver = await openDriver(this.connections.config(req.handle), `a CSV import into ${table.name}`)
    const d = driver.dialect
    const writer = new ChunkWriter(driver, table, cols, failures, (rows) =>
      this.events.emit('onImportProgress', { importId, rows, total: null }),
    )
    try {
      await driver.query(d.beginSql(d.writeTransactionLevel ?? undefined))
      await readRows(req, mapped, cols, failures, writer)
      await writer.flush()
      if (failures.count) {
        await driver.query('ROLLBACK').catch(() => {})
        return { ok: false, inserted: 0, failures: failures.listed, failureCount: failures.count }
      }
      await driver.query('COMMIT')
      this.data.invalidate(req.handle)
      this.events.emit('onImportProgress', { importId, rows: writer.done, total: writer.done })
      return { ok: true, inserted: writer.done, failures: [], failureCount: 0 }
    } catch (e) {
      await driver.query('ROLLBACK').catch(() => {})
      const row = (e as { failedRow?: number }).failedRow ?? null
      return {
        ok: false,
        inserted: 0,
        failures: [
          {
            row: row ?? 0,
            column: null,
            value: null,
            reason: `${(e as AppError).code ?? 'SQL_ERROR'}: ${(e as Error).message}`,
          },
        ],
        failureCount: 1,
      }
    } finally {
      await driver.close()
    }
  }
}

/** Every failure is counted; the first 200 are listed. */
class Failures {
  readonly listed: ImportFailure[] = []
  count = 0
  add(f: ImportFailure): void {
    this.count++
    if (this.listed.length < MAX_LISTED) this.listed.push(f)
  }
}

/** Reads the CSV row by row: each good row's cells go to the writer, each bad one to the failures. */
async function readRows(
  req: ImportSource,
  mapped: [string, number][],
  cols: Column[],
  failures: Failures,
  writer: ChunkWriter,
): Promise<void> {
  let header: string[] | null = null
  let width: number | null = null
  let row = 0
  try {
    for await (const r of readCsv(req)) {
      if (req.hasHeader && header === null) {
        header = r.fields
        width = header.length
        continue
      }
      row++
      width ??= r.fields.length
      if (r.fields.length !== width) {
        const which = header ? 'the header has' : 'the first row has'
        failures.add({
          row,
          column: null,
          value: null,
          reason: `line ${r.line} has ${r.fields.length} fields where ${which} ${width}`,
        })
        continue
      }
      await writer.add(row, rowCells(r.fields, row, mapped, cols, failures))
    }
  } catch (e) {
    if ((e as { failedRow?: number }).failedRow !== undefined) throw e
    // The file itself could not be read on (a broken quote, a wrong encoding).
    failures.add({ row: row + 1, column: null, value: null, reason: (e as Error).message })
  }
}

/** One CSV row as the mapped columns' cells, each parsed for its column's type. */
function rowCells(
  fields: string[],
  row: number,
  mapped: [string, number][],
  cols: Column[],
  failures: Failures,
): Cell[] {
  const out: Cell[] = []
  for (let j = 0; j < mapped.length; j++) {
    const [name, idx] = mapped[j]
    const col = cols[j]
    const raw = fields[idx]
    if (raw === undefined || raw === '') {
      if (!col.nullable && col.serverDefault === null && !col.autoincrement)
        failures.add({ row, column: name, value: raw ?? null, reason: `${name} is NOT NULL and the value is empty` })
      out.push(null)
      continue
    }
    const p = parseCellInput(raw, col.type)
    if (!p.ok) {
      failures.add({ row, column: name, value: raw, reason: p.error })
      out.push(null)
    } else out.push(p.value)
  }
  return out
}

/**
 * Holds up to CHUNK rows, then inserts them several rows per statement, inside a savepoint so a
 * failure can be pinned to its row. Once any row has failed, nothing more is written.
 */
class ChunkWriter {
  done = 0
  private chunk: Cell[][] = []
  private chunkStartRow = 1
  private readonly target: string
  private readonly perStatement: number

  constructor(
    private readonly driver: Driver,
    table: Table,
    private readonly cols: Column[],
    private readonly failures: Failures,
    private readonly progress: (rows: number) => void,
  ) {
    const d = driver.dialect
    const names = cols.map((c) => d.quoteIdent(c.name)).join(', ')
    this.target = `INSERT INTO ${d.qualify(table.schema, table.name)} (${names}) VALUES `
    this.perStatement = Math.max(1, Math.floor(PARAMS_PER_STATEMENT / cols.length))
  }

  async add(row: number, cells: Cell[]): Promise<void> {
    if (this.chunk.length === 0) this.chunkStartRow = row
    this.chunk.push(cells)
    if (this.chunk.length >= CHUNK) await this.flush()
  }

  private valuesSql(rows: number): string {
    let n = 0
    const groups: string[] = []
    for (let r = 0; r < rows; r++)
      groups.push(`(${this.cols.map(() => this.driver.dialect.placeholder(++n)).join(', ')})`)
    return this.target + groups.join(', ')
  }

  async flush(): Promise<void> {
    const chunk = this.chunk
    this.chunk = []
    if (chunk.length === 0 || this.failures.count) return
    const per = this.perStatement
    const full = Math.floor(chunk.length / per)
    const steps = []
    if (full)
      steps.push({
        sql: this.valuesSql(per),
        params: Array.from({ length: full }, (_, i) => chunk.slice(i * per, (i + 1) * per).flat()),
      })
    const rest = chunk.length - full * per
    if (rest) steps.push({ sql: this.valuesSql(rest), params: [chunk.slice(full * per).flat()] })
    // A savepoint per chunk, so a failure can be pinned to its row: the chunk is then tried
    // again one row at a time (several rows share a statement, and so an error).
    await this.driver.query('SAVEPOINT schemist_import')
    try {
      await this.driver.runBatch(steps)
      await this.driver.query('RELEASE SAVEPOINT schemist_import')
    } catch (first) {
      await this.driver.query('ROLLBACK TO SAVEPOINT schemist_import')
      let failed: unknown = first
      let at = 0
      try {
        await this.driver.runBatch([{ sql: this.valuesSql(1), params: chunk }])
      } catch (e) {
        failed = e
        at = Number((e as AppError).details?.row ?? 0)
      }
      throw Object.assign(new AppError((failed as AppError).code ?? 'SQL_ERROR', (failed as Error).message), {
        failedRow: this.chunkStartRow + at,
      })
    }
    this.done += chunk.length
    this.progress(this.done)
  }
}
