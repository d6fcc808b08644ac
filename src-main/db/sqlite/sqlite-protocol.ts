import type { Cell } from '../../../src-shared/values'
import type { ColumnarParams } from './param-columns'

/** Messages between a SqliteDriver and its worker thread. */
export type WorkerRequest =
  | {
      id: number
      op: 'open'
      path: string
      create: boolean
      readOnly: boolean
      busyTimeoutMs: number
      cancelFlag: SharedArrayBuffer
      txSince: SharedArrayBuffer
    }
  | { id: number; op: 'query'; sql: string; params: unknown[] }
  | { id: number; op: 'script'; sql: string }
  | { id: number; op: 'batch'; steps: WireStep[] }
  | { id: number; op: 'close' }

/**
 * One batch step on the wire. Many rows travel as columns on transferred typed arrays (see
 * param-columns.ts) when every column holds numbers or strings; rows of plain values that mix the
 * two in a column as one JSON string, which crosses several times faster than structured clone of
 * thousands of small arrays; anything else (blobs, big integers) and a few rows as they are.
 */
export type WireStep = {
  sql: string
  returning?: 'rows' | 'lastInsertId'
  keys?: string
  refs?: readonly { column: number; from: string; rows: Int32Array }[]
} & (
  | { params: unknown[][]; json?: undefined; columns?: undefined }
  | { json: string; params?: undefined; columns?: undefined }
  | { columns: ColumnarParams; params?: undefined; json?: undefined }
)

export interface WorkerError {
  message: string
  /** SQLite's extended result code name, e.g. SQLITE_CONSTRAINT_UNIQUE. */
  code: string | null
  /** For a batch: which step and which parameter row failed. */
  step?: number
  row?: number
  /** Whether the connection was inside a transaction when it failed (said in BUSY messages). */
  inTransaction?: boolean
  /** The failure came while opening the file. */
  opening?: boolean
}

export interface OpenReply {
  version: string
  journalMode: string
}

export interface QueryReply {
  columns: {
    name: string
    type: string | null
    origin: { schema: string | null; table: string; column: string } | null
  }[]
  rows: Cell[][]
  rowCount: number
  reader: boolean
}

export type WorkerMessage =
  | { kind: 'reply'; id: number; ok: true; value: unknown }
  /**
   * A query's reply as one JSON string: cells are JSON by design, and a string crosses threads
   * faster than structured clone of the columns' and rows' small objects and arrays. Many rows
   * whose every column holds numbers or strings come as `rows` on transferred typed arrays
   * instead (see param-columns.ts), and the JSON's rows are then empty.
   */
  | { kind: 'reply'; id: number; ok: true; json: string; rows?: ColumnarParams }
  | { kind: 'reply'; id: number; ok: false; error: WorkerError }
  /** The statement in flight is waiting for a lock (SQLITE_BUSY, retrying) or stopped waiting. */
  | { kind: 'wait'; id: number; waiting: boolean; since: number }

/**
 * The shared `txSince` slot: when the connection's open transaction began (ms since the epoch),
 * or 0 when it has none. The worker keeps it after every request at the cost of one read of
 * sqlite3_get_autocommit, and the driver reads it only when a lock wait needs a holder named.
 */
export const TX_SINCE_SLOT = 0

/** Index 0 of the shared flag: set to 1 by the driver to cancel the statement in flight. */
export const CANCEL_SLOT = 0
