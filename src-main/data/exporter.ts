import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, rm } from 'node:fs/promises'
import { dirname } from 'node:path'
import { randomUUID } from 'node:crypto'
import { csvField, csvLine } from '../../src-shared/csv'
import type { Cursor, ViewSpec } from '../../src-shared/grid'
import { formatCell, type Cell } from '../../src-shared/values'
import type { EventBus } from '../bridge/event-bus'
import type { ConnectionManager } from '../db/connection-manager'
import type { TableData } from './table-data'

export type ExportFormat = 'csv' | 'json' | 'sql'
const PAGE = 2000

function write(out: WriteStream, text: string): Promise<void> {
  return out.write(text) ? Promise.resolve() : new Promise((r) => out.once('drain', () => r()))
}

/** NULL is an empty field; an empty string is a quoted empty field, so the two stay apart. */
function csvRow(r: Cell[]): string {
  return r.map((v) => (v === null ? '' : formatCell(v) === '' ? '""' : csvField(formatCell(v)))).join(',')
}

function jsonCell(v: Cell): unknown {
  if (v !== null && typeof v === 'object') return '$bigint' in v ? v.$bigint : `\\x${v.$blob}`
  return v
}

/**
 * Streams a view (with its filter and sort) to a file page by page, reporting progress, and can
 * be cancelled; a cancelled or failed export removes its partial file.
 */
export class Exporter {
  private running = new Map<string, { cancelled: boolean }>()

  constructor(
    private readonly data: TableData,
    private readonly connections: ConnectionManager,
    private readonly events: EventBus,
  ) {}

  start(req: ViewSpec & { handle: string; format: ExportFormat; path: string }): { exportId: string } {
    const exportId = randomUUID()
    const job = { cancelled: false }
    this.running.set(exportId, job)
    void this.run(exportId, job, req)
    return { exportId }
  }

  cancel(exportId: string): boolean {
    const j = this.running.get(exportId)
    if (!j) return false
    j.cancelled = true
    return true
  }

  /** Run to the end (used by the UI through start, and by tests directly). */
  async run(exportId: string, job: { cancelled: boolean }, req: ViewSpec & { handle: string; format: ExportFormat; path: string }): Promise<number> {
    const emit = (p: { rows: number; total: number | null; done: boolean; error: string | null; cancelled: boolean }) => this.events.emit('onExportProgress', { exportId, path: req.path, ...p })
    let rows = 0
    let out: WriteStream | null = null
    try {
      const driver = this.connections.driver(req.handle)
      const table = await this.data.table(req.handle, req.table)
      const { count } = await this.data.count(req)
      await mkdir(dirname(req.path), { recursive: true })
      out = createWriteStream(req.path, { encoding: 'utf8' })
      const cols = table.columns.map((c) => c.name)
      const d = driver.dialect
      const target = d.qualify(table.schema, table.name)
      if (req.format === 'csv') await write(out, csvLine(cols) + '\n')
      if (req.format === 'json') await write(out, '[')
      let after: Cursor | null = null
      for (;;) {
        if (job.cancelled) throw new Error('cancelled')
        const page = await this.data.page({ ...req, after, before: null, fromEnd: false, limit: PAGE })
        let chunk = ''
        for (const r of page.rows) {
          if (req.format === 'csv') chunk += csvRow(r) + '\n'
          else if (req.format === 'json') chunk += `${rows === 0 ? '\n' : ',\n'}${JSON.stringify(Object.fromEntries(cols.map((c, i) => [c, jsonCell(r[i])])))}`
          else chunk += `INSERT INTO ${target} (${cols.map((c) => d.quoteIdent(c)).join(', ')}) VALUES (${r.map((v) => d.sqlLiteral(v)).join(', ')});\n`
          rows++
        }
        await write(out, chunk)
        emit({ rows, total: count, done: false, error: null, cancelled: false })
        if (page.atEdge || !page.lastCursor) break
        after = page.lastCursor
      }
      if (req.format === 'json') await write(out, rows ? '\n]\n' : ']\n')
      await new Promise<void>((resolve, reject) => out!.end((e?: Error | null) => (e ? reject(e) : resolve())))
      emit({ rows, total: rows, done: true, error: null, cancelled: false })
      return rows
    } catch (e) {
      if (out && !out.closed) {
        // Wait for the file to be closed (it may still be opening) before removing it.
        const closed = new Promise<void>((r) => out!.once('close', () => r()))
        out.destroy()
        await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))])
      }
      await rm(req.path, { force: true })
      const cancelled = job.cancelled
      emit({ rows, total: null, done: true, error: cancelled ? null : (e as Error).message, cancelled })
      if (!cancelled) throw e
      return rows
    } finally {
      this.running.delete(exportId)
    }
  }
}
