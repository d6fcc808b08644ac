import { randomUUID } from 'node:crypto'
import { parseCellInput } from '../../src-shared/cell-input'
import { AppError } from '../../src-shared/errors'
import type { TableRef } from '../../src-shared/grid'
import type { Cell } from '../../src-shared/values'
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
    const failures: ImportFailure[] = []
    let failureCount = 0
    const fail = (f: ImportFailure) => {
      failureCount++
      if (failures.length < MAX_LISTED) failures.push(f)
    }

    const driver = await openDriver(this.connections.config(req.handle), `a CSV import into ${table.name}`)
    const d = driver.dialect
    const target = `INSERT INTO ${d.qualify(table.schema, table.name)} (${cols.map((c) => d.quoteIdent(c.name)).join(', ')}) VALUES `
    const perStatement = Math.max(1, Math.floor(PARAMS_PER_STATEMENT / cols.length))
    const valuesSql = (rows: number) => {
      let n = 0
      const groups: string[] = []
      for (let r = 0; r < rows; r++) groups.push(`(${cols.map(() => d.placeholder(++n)).join(', ')})`)
      return target + groups.join(', ')
    }
    let done = 0
    let chunk: Cell[][] = []
    let chunkStartRow = 1
    const flush = async () => {
      if (chunk.length === 0 || failureCount) {
        chunk = []
        return
      }
      const full = Math.floor(chunk.length / perStatement)
      const steps = []
      if (full)
        steps.push({
          sql: valuesSql(perStatement),
          params: Array.from({ length: full }, (_, i) => chunk.slice(i * perStatement, (i + 1) * perStatement).flat()),
        })
      const rest = chunk.length - full * perStatement
      if (rest) steps.push({ sql: valuesSql(rest), params: [chunk.slice(full * perStatement).flat()] })
      // A savepoint per chunk, so a failure can be pinned to its row: the chunk is then tried
      // again one row at a time (several rows share a statement, and so an error).
      await driver.query('SAVEPOINT schemist_import')
      try {
        await driver.runBatch(steps)
        await driver.query('RELEASE SAVEPOINT schemist_import')
      } catch (first) {
        await driver.query('ROLLBACK TO SAVEPOINT schemist_import')
        let failed: unknown = first
        let at = 0
        try {
          await driver.runBatch([{ sql: valuesSql(1), params: chunk }])
        } catch (e) {
          failed = e
          at = Number((e as AppError).details?.row ?? 0)
        }
        throw Object.assign(new AppError((failed as AppError).code ?? 'SQL_ERROR', (failed as Error).message), {
          failedRow: chunkStartRow + at,
        })
      }
      done += chunk.length
      chunk = []
      this.events.emit('onImportProgress', { importId, rows: done, total: null })
    }

    try {
      await driver.query(d.beginSql(d.writeTransactionLevel ?? undefined))
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
            fail({
              row,
              column: null,
              value: null,
              reason: `line ${r.line} has ${r.fields.length} fields where ${header ? 'the header has' : 'the first row has'} ${width}`,
            })
            continue
          }
          const out: Cell[] = []
          for (let j = 0; j < mapped.length; j++) {
            const [name, idx] = mapped[j]
            const col = cols[j]
            const raw = r.fields[idx]
            if (raw === undefined || raw === '') {
              if (!col.nullable && col.serverDefault === null && !col.autoincrement)
                fail({ row, column: name, value: raw ?? null, reason: `${name} is NOT NULL and the value is empty` })
              out.push(null)
              continue
            }
            const p = parseCellInput(raw, col.type)
            if (!p.ok) {
              fail({ row, column: name, value: raw, reason: p.error })
              out.push(null)
            } else out.push(p.value)
          }
          if (chunk.length === 0) chunkStartRow = row
          chunk.push(out)
          if (chunk.length >= CHUNK) await flush()
        }
      } catch (e) {
        if ((e as { failedRow?: number }).failedRow !== undefined) throw e
        // The file itself could not be read on (a broken quote, a wrong encoding).
        fail({ row: row + 1, column: null, value: null, reason: (e as Error).message })
      }
      await flush()
      if (failureCount) {
        await driver.query('ROLLBACK').catch(() => {})
        return { ok: false, inserted: 0, failures, failureCount }
      }
      await driver.query('COMMIT')
      this.data.invalidate(req.handle)
      this.events.emit('onImportProgress', { importId, rows: done, total: done })
      return { ok: true, inserted: done, failures: [], failureCount: 0 }
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
