import { readFile, stat } from 'node:fs/promises'
import { randomUUID } from 'node:crypto'
import { parseCellInput } from '../../src-shared/cell-input'
import { parseCsv } from '../../src-shared/csv'
import { AppError } from '../../src-shared/errors'
import type { TableRef } from '../../src-shared/grid'
import type { Cell } from '../../src-shared/values'
import type { EventBus } from '../bridge/event-bus'
import type { ConnectionManager } from '../db/connection-manager'
import { openDriver } from '../db/open-driver'
import type { TableData } from './table-data'

export interface ImportSource {
  path?: string
  text?: string
  delimiter: string
  hasHeader: boolean
}

export interface ImportFailure {
  /** 1-based line of the data row (after the header). */
  row: number
  column: string | null
  value: string | null
  reason: string
}

const MAX_FILE = 512 * 1024 * 1024
const CHUNK = 2000
const MAX_LISTED = 200

async function read(src: ImportSource): Promise<string[][]> {
  let text = src.text
  if (text === undefined) {
    if (!src.path) throw new AppError('BAD_REQUEST', 'Give a file path or the CSV text')
    const st = await stat(src.path).catch(() => null)
    if (!st?.isFile()) throw new AppError('FILE_NOT_FOUND', `No such file: ${src.path}`)
    if (st.size > MAX_FILE) throw new AppError('UNSUPPORTED', `The file is ${Math.round(st.size / 1e6)} MB; imports up to ${MAX_FILE / 1e6} MB are supported`)
    text = await readFile(src.path, 'utf8')
  }
  return parseCsv(text, src.delimiter)
}

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
    const all = await read(src)
    const width = Math.max(0, ...all.slice(0, 50).map((r) => r.length))
    const header = src.hasHeader && all.length ? all[0] : Array.from({ length: width }, (_, i) => `column ${i + 1}`)
    const body = src.hasHeader ? all.slice(1) : all
    return { header, rows: body.slice(0, 20), total: body.length }
  }

  async run(req: ImportSource & { handle: string; table: TableRef; mapping: Record<string, number | null> }): Promise<{ ok: boolean; inserted: number; failures: ImportFailure[]; failureCount: number }> {
    const importId = randomUUID()
    const table = await this.data.table(req.handle, req.table)
    const all = await read(req)
    const body = req.hasHeader ? all.slice(1) : all
    const mapped = Object.entries(req.mapping).filter((e): e is [string, number] => e[1] !== null && e[1] !== undefined)
    if (mapped.length === 0) throw new AppError('BAD_REQUEST', 'Map at least one CSV column to a table column')
    const cols = mapped.map(([name]) => {
      const c = table.columns.find((x) => x.name === name)
      if (!c) throw new AppError('BAD_REQUEST', `${table.name} has no column ${name}`)
      return c
    })
    // Type check every row first: all-or-nothing starts before the database.
    const failures: ImportFailure[] = []
    let failureCount = 0
    const params: Cell[][] = []
    body.forEach((r, k) => {
      if (r.length === 1 && r[0] === '' && k === body.length - 1) return
      const out: Cell[] = []
      for (let j = 0; j < mapped.length; j++) {
        const [name, idx] = mapped[j]
        const col = cols[j]
        const raw = r[idx]
        if (raw === undefined || raw === '') {
          if (!col.nullable && col.serverDefault === null && !col.autoincrement) {
            failureCount++
            if (failures.length < MAX_LISTED) failures.push({ row: k + 1, column: name, value: raw ?? null, reason: `${name} is NOT NULL and the value is empty` })
          }
          out.push(null)
          continue
        }
        const p = parseCellInput(raw, col.type)
        if (!p.ok) {
          failureCount++
          if (failures.length < MAX_LISTED) failures.push({ row: k + 1, column: name, value: raw, reason: p.error })
          out.push(null)
        } else out.push(p.value)
      }
      params.push(out)
    })
    if (failureCount) return { ok: false, inserted: 0, failures, failureCount }

    const driver = await openDriver(this.connections.config(req.handle))
    const d = driver.dialect
    const sql = `INSERT INTO ${d.qualify(table.schema, table.name)} (${cols.map((c) => d.quoteIdent(c.name)).join(', ')}) VALUES (${cols.map((_, i) => d.placeholder(i + 1)).join(', ')})`
    let done = 0
    try {
      await driver.query('BEGIN')
      for (let off = 0; off < params.length; off += CHUNK) {
        const chunk = params.slice(off, off + CHUNK)
        try {
          await driver.runBatch([{ sql, params: chunk }])
        } catch (e) {
          const row = off + Number((e as AppError).details?.row ?? 0) + 1
          throw Object.assign(new AppError((e as AppError).code ?? 'SQL_ERROR', (e as Error).message), { failedRow: row })
        }
        done += chunk.length
        this.events.emit('onImportProgress', { importId, rows: done, total: params.length })
      }
      await driver.query('COMMIT')
      this.data.invalidate(req.handle)
      return { ok: true, inserted: done, failures: [], failureCount: 0 }
    } catch (e) {
      await driver.query('ROLLBACK').catch(() => {})
      const row = (e as { failedRow?: number }).failedRow ?? null
      return { ok: false, inserted: 0, failures: [{ row: row ?? 0, column: null, value: null, reason: `${(e as AppError).code ?? 'SQL_ERROR'}: ${(e as Error).message}` }], failureCount: 1 }
    } finally {
      await driver.close()
    }
  }
}
