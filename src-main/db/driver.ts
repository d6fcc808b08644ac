import type { QueryResult } from '../../src-shared/query'
import type { Cell } from '../../src-shared/values'
import type { Dialect } from './dialect'
import type { HolderInfo } from './lock-book'

export interface QueryOptions {
  /** Lets `cancel` and the lock-wait monitor refer to this statement. */
  queryId?: string
}

/** One statement run once per parameter list, as `executemany` does. */
export interface BatchStep {
  sql: string
  params: readonly (readonly unknown[])[]
  /**
   * What to bring back beyond the change counts: the rows each execution returns (INSERT ...
   * RETURNING), or the rowid each INSERT created (SQLite's lastInsertRowid, the cheapest way to
   * learn a generated key there; only where the dialect has `lastInsertId`).
   */
  returning?: 'rows' | 'lastInsertId'
  /**
   * Keep the keys this step generates (`returning: 'lastInsertId'`, or the first column each
   * execution returns with `returning: 'rows'`) under this name, for the
   * `refs` of steps sent after it, in this batch or in the batches that follow it without a
   * statement of another kind in between (only where the driver has `batchKeyRefs`).
   */
  keys?: string
  /**
   * Parameters filled in by the connection from keys kept earlier: for parameter row i,
   * `params[i][column]` becomes key `rows[i]` of the step kept as `from` (-1 leaves it as it is).
   * A child row can so be sent before its parent's INSERT has answered.
   */
  refs?: readonly KeyRef[]
}

export interface KeyRef {
  column: number
  from: string
  rows: Int32Array
}

export interface BatchStepResult {
  /** Rows changed by each execution. */
  changes: number[]
  /** Rows returned by each execution, when asked for. */
  rows: Cell[][][] | null
  /** The rowid each execution inserted, when asked for. */
  ids: Cell[] | null
}

/** Reported while a statement waits for a lock held by another connection. */
export interface WaitEvent {
  queryId: string | null
  waiting: boolean
  since: number
  /** Backend pids holding the lock (PostgreSQL); empty where the engine cannot tell (SQLite). */
  blockedBy?: number[]
  /** Who holds the lock, as far as the app can tell (its own connections by name, others by what the server says). */
  holders?: HolderInfo[]
}

/**
 * One live database connection. Every call is asynchronous: SQLite runs on its own worker
 * thread and PostgreSQL over the network, so a statement waiting on a lock never blocks the
 * caller's thread.
 */
export interface Driver {
  readonly dialect: Dialect
  /** What the user calls this connection; lock waits elsewhere name it as the holder. */
  label: string
  readonly database: string
  readonly serverVersion: string
  readonly readOnly: boolean
  /** Runs one statement. Parameters use the dialect's placeholders (`?` or `$1`). */
  query(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult>
  /**
   * Runs several statements, each once per parameter list, in one trip to the connection. Stops
   * at the first failure with an AppError whose details name the step and the parameter row.
   */
  runBatch(steps: readonly BatchStep[]): Promise<BatchStepResult[]>
  /**
   * The batch steps' `keys` and `refs` are honoured, and a batch may be sent before the one
   * before it has answered (it is queued behind it on the connection).
   */
  readonly batchKeyRefs?: boolean
  /** Runs a script of several statements separated by semicolons, returning nothing. */
  execScript(sql: string): Promise<void>
  /** Stops the statement running now, if any. Resolves true when something was cancelled. */
  cancel(): Promise<boolean>
  close(): Promise<void>
  /** Listeners for lock waits and for the connection dropping. */
  onWait(listener: (e: WaitEvent) => void): () => void
  onLost(listener: (message: string) => void): () => void
  /**
   * Whether a transaction whose COMMIT was cut off (COMMIT_UNKNOWN, with its id) committed after
   * all, asked on a fresh connection: null when the server cannot say (yet). Engines whose
   * commits are never in doubt (a local file) have none.
   */
  commitStatus?(xid: string): Promise<'committed' | 'aborted' | 'in progress' | null>
}

/** First keyword of a statement, upper-cased: the command tag when the engine gives none. */
export function commandOf(sql: string): string {
  const m = /^\s*(?:(?:--[^\n]*\n)|(?:\/\*[\s\S]*?\*\/)|\s)*([A-Za-z]+)/.exec(sql)
  return m ? m[1].toUpperCase() : ''
}

/** The wait and lost listeners every driver keeps. */
export abstract class DriverEvents {
  protected readonly waitListeners = new Set<(e: WaitEvent) => void>()
  protected readonly lostListeners = new Set<(message: string) => void>()

  onWait(listener: (e: WaitEvent) => void): () => void {
    this.waitListeners.add(listener)
    return () => this.waitListeners.delete(listener)
  }

  onLost(listener: (message: string) => void): () => void {
    this.lostListeners.add(listener)
    return () => this.lostListeners.delete(listener)
  }
}
