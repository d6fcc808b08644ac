import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { csvField, csvLine } from '../../src-shared/csv'
import type { Cursor, ViewSpec } from '../../src-shared/grid'
import { formatCell, type Cell } from '../../src-shared/values'
import type { EventBus } from '../events/event-bus'
import type { ConnectionManager } from '../db/connection-manager'
import type { TableData } from './table-data'

export type ExportFormat = 'csv' | 'json' | 'sql'

/** A file system failure said in words, naming the path the user chose (not the temporary one). */
export function fileErrorMessage(e: unknown, path: string): string {
  const code = (e as NodeJS.ErrnoException)?.code
  const why: Record<string, string> = {
    EACCES: 'permission denied',
    EPERM: 'not permitted',
    ENOSPC: 'the disk is full',
    EROFS: 'the file system is read-only',
    ENOENT: 'the folder does not exist',
    ENOTDIR: 'a part of the path is not a folder',
    EISDIR: 'it is a folder',
    EEXIST: 'a file of that name is in the way',
  }
  if (code && why[code]) return `Cannot write ${path}: ${why[code]}. Nothing was changed there.`
  return e instanceof Error ? e.message : String(e)
}
const PAGE = 2000

/** Writes, waiting for the stream to drain; a stream error (disk full, EPERM) rejects here. */
function write(out: WriteStream, text: string, failed: Promise<never>): Promise<void> {
  return out.write(text)
    ? Promise.resolve()
    : Promise.race([new Promise<void>((r) => out.once('drain', () => r())), failed])
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
 * be cancelled. It writes a temporary file beside the target and renames it over the target only
 * when everything is written, so a failed or cancelled export leaves a file that was already
 * there untouched, and removes only its own partial file.
 */
export class Exporter {
  private running = new Map<string, { cancelled: boolean }>()

  constructor(
    private readonly data: TableData,
    private readonly connections: ConnectionManager,
    private readonly events: EventBus,
  ) {}

  /**
   * Starts an export in the background; its outcome, failure included, arrives as
   * onExportProgress events only (a failure there must never reach the process as a rejection).
   */
  start(
    req: ViewSpec & { handle: string; format: ExportFormat; path: string },
    onDone: () => void = () => {},
  ): { exportId: string } {
    const exportId = randomUUID()
    const job = { cancelled: false }
    this.running.set(exportId, job)
    this.run(exportId, job, req)
      .catch(() => {})
      .finally(onDone)
    return { exportId }
  }

  cancel(exportId: string): boolean {
    const j = this.running.get(exportId)
    if (!j) return false
    j.cancelled = true
    return true
  }

  /** Run to the end (used by the UI through start, and by tests directly). */
  async run(
    exportId: string,
    job: { cancelled: boolean },
    req: ViewSpec & { handle: string; format: ExportFormat; path: string },
  ): Promise<number> {
    const emit = (p: { rows: number; total: number | null; done: boolean; error: string | null; cancelled: boolean }) =>
      this.events.emit('onExportProgress', { exportId, path: req.path, ...p })
    let rows = 0
    let out: WriteStream | null = null
    const tmp = join(dirname(req.path), `.${basename(req.path)}.${exportId.slice(0, 8)}.part`)
    let streamError: Error | null = null
    let failed: Promise<never> = new Promise(() => {})
    try {
      const driver = this.connections.driver(req.handle)
      const table = await this.data.table(req.handle, req.table)
      const { count } = await this.data.count(req)
      await mkdir(dirname(req.path), { recursive: true })
      out = createWriteStream(tmp, { encoding: 'utf8', flags: 'wx', mode: 0o644 })
      failed = new Promise<never>((_, reject) => out!.once('error', (e) => reject((streamError = e))))
      failed.catch(() => {})
      const w = (text: string) => write(out!, text, failed)
      const cols = table.columns.map((c) => c.name)
      const d = driver.dialect
      const target = d.qualify(table.schema, table.name)
      if (req.format === 'csv') await w(csvLine(cols) + '\n')
      if (req.format === 'json') await w('[')
      let after: Cursor | null = null
      for (;;) {
        if (job.cancelled) throw new Error('cancelled')
        const page = await this.data.page({ ...req, after, before: null, fromEnd: false, limit: PAGE })
        let chunk = ''
        for (const r of page.rows) {
          if (req.format === 'csv') chunk += csvRow(r) + '\n'
          else if (req.format === 'json')
            chunk += `${rows === 0 ? '\n' : ',\n'}${JSON.stringify(Object.fromEntries(cols.map((c, i) => [c, jsonCell(r[i])])))}`
          else
            chunk += `INSERT INTO ${target} (${cols.map((c) => d.quoteIdent(c)).join(', ')}) VALUES (${r.map((v) => d.sqlLiteral(v)).join(', ')});\n`
          rows++
        }
        await w(chunk)
        emit({ rows, total: count, done: false, error: null, cancelled: false })
        if (page.atEdge || !page.lastCursor) break
        after = page.lastCursor
      }
      if (req.format === 'json') await w(rows ? '\n]\n' : ']\n')
      await Promise.race([
        new Promise<void>((resolve, reject) => out!.end((e?: Error | null) => (e ? reject(e) : resolve()))),
        failed,
      ])
      if (streamError) throw streamError
      await rename(tmp, req.path)
      emit({ rows, total: rows, done: true, error: null, cancelled: false })
      return rows
    } catch (e) {
      if (out && !out.closed) {
        // Wait for the file to be closed (it may still be opening) before removing it.
        const closed = new Promise<void>((r) => out!.once('close', () => r()))
        out.destroy()
        await Promise.race([closed, new Promise((r) => setTimeout(r, 2000))])
      }
      // Only the export's own partial file goes; the target, if it existed, is as it was.
      if (out) await rm(tmp, { force: true }).catch(() => {})
      const cancelled = job.cancelled
      emit({ rows, total: null, done: true, error: cancelled ? null : fileErrorMessage(e, req.path), cancelled })
      if (!cancelled) throw e
      return rows
    } finally {
      this.running.delete(exportId)
    }
  }
}
