import { AppError } from '../../src-shared/errors'
import type { PaneState, StepOutcome } from '../../src-shared/tx'
import type { Driver, WaitEvent } from '../db/driver'

/**
 * One pane of the transaction console: its own connection, its transaction state, and the
 * statement it is running (statements run asynchronously, so a pane can wait on a lock while the
 * others go on).
 */
export class TxPane {
  state: PaneState = 'idle'
  /** Wrote in the current transaction: on SQLite, a pane that may hold the write lock. */
  wrote = false
  /** Read in the current transaction (on SQLite: holds a shared lock, or a WAL read mark). */
  read = false
  /** How the current transaction began: SQLite's DEFERRED, IMMEDIATE or EXCLUSIVE. */
  beganWith: 'DEFERRED' | 'IMMEDIATE' | 'EXCLUSIVE' | null = null
  private running: Promise<StepOutcome> | null = null
  waitingSince = 0
  waitingOn: number[] = []
  private waitListeners = new Set<(p: TxPane, w: WaitEvent) => void>()

  constructor(
    readonly id: string,
    readonly driver: Driver,
    /** The engine's id for this connection, so waits can be attributed (PostgreSQL backend pid). */
    readonly backendId: number | null,
  ) {
    driver.onWait((w) => this.noteWait(w))
  }
  private beforeWait: PaneState = 'idle'

  private noteWait(w: WaitEvent) {
    if (w.waiting) {
      // The earliest word wins: the step engine may have confirmed the wait before the driver saw it.
      this.waitingSince = this.waitingSince && this.state === 'waiting' ? Math.min(this.waitingSince, w.since) : w.since
      this.waitingOn = w.blockedBy ?? []
      if (this.state !== 'waiting') this.beforeWait = this.state
      this.state = 'waiting'
    } else if (this.state === 'waiting') this.state = this.beforeWait
    for (const l of this.waitListeners) l(this, w)
  }

  /**
   * The step engine asked the server (or its own books) and the running statement is blocked:
   * the pane says so at once, as if the driver had seen it, with the blockers where known.
   */
  confirmWait(blockedBy: number[]) {
    if (!this.running || this.state === 'waiting') return
    this.noteWait({ queryId: null, waiting: true, since: Date.now(), blockedBy, holders: [] })
  }

  onWait(l: (p: TxPane, w: WaitEvent) => void) {
    this.waitListeners.add(l)
  }

  get busy() {
    return this.running !== null
  }

  /** Wait for the statement this pane is running, if any. */
  async settle(): Promise<StepOutcome | null> {
    return this.running ? await this.running : null
  }

  /** Start a statement; resolves when it finishes (which may be after a long wait). */
  run(sql: string, attribute: () => string[]): Promise<StepOutcome> {
    if (this.running) throw new AppError('BAD_REQUEST', `Pane ${this.id} is still running its previous statement`)
    const startedAt = Date.now()
    const waitedOn = new Set<string>()
    const onWait = () => attribute().forEach((p) => waitedOn.add(p))
    this.waitListeners.add(onWait)
    const command = /^\s*(\S*)/.exec(sql)![1].toUpperCase()
    const p = (async (): Promise<StepOutcome> => {
      let note: string | null = null
      try {
        const result = await this.driver.query(sql)
        // A wait only the step engine confirmed (the driver never saw it) ends with the statement.
        if (this.state === 'waiting') this.state = this.beforeWait
        const tag = result.command.toUpperCase()
        if (tag === 'BEGIN' || tag === 'START') {
          this.state = 'in transaction'
          this.wrote = false
          this.read = false
          this.beganWith = /\bIMMEDIATE\b/i.test(sql)
            ? 'IMMEDIATE'
            : /\bEXCLUSIVE\b/i.test(sql)
              ? 'EXCLUSIVE'
              : 'DEFERRED'
        } else if (
          ['COMMIT', 'END', 'ROLLBACK', 'ABORT'].includes(tag) &&
          !/^ROLLBACK\s+TO/i.test(sql) &&
          !/^(RELEASE|SAVEPOINT)/i.test(sql)
        ) {
          if (command === 'COMMIT' && tag === 'ROLLBACK')
            note = 'PostgreSQL answered COMMIT with ROLLBACK: the transaction had failed, so nothing was committed'
          this.state = 'idle'
          this.wrote = false
          this.read = false
          this.beganWith = null
        } else if (this.state === 'failed' && /^ROLLBACK\s+TO/i.test(sql)) this.state = 'in transaction'
        else if (/^(INSERT|UPDATE|DELETE|MERGE)/.test(tag)) {
          this.wrote = this.state !== 'idle'
          this.read ||= this.wrote
        } else if (result.columns.length && this.state !== 'idle') this.read = true
        else if (this.state === 'waiting') this.state = this.beforeWait
        return {
          pane: this.id,
          sql,
          result,
          error: null,
          waitedOn: [...waitedOn],
          waitedMs: this.waitingSince ? Date.now() - this.waitingSince : 0,
          startedAt,
          finishedAt: Date.now(),
          state: this.state,
          note,
        }
      } catch (e) {
        const err = e instanceof AppError ? e : new AppError('INTERNAL', String(e))
        const inTx = this.state === 'in transaction' || (this.state === 'waiting' && this.beforeWait !== 'idle')
        if (err.code === 'CONNECTION_LOST') {
          this.state = 'disconnected'
          note = inTx
            ? 'The connection is gone, and with it the open transaction: the server rolled it back. Reconnect the pane to go on.'
            : 'The connection is gone. Reconnect the pane to go on.'
        } else if (inTx) {
          if (this.driver.dialect.capabilities.errorAbortsTransaction) this.state = 'failed'
          else {
            this.state = 'in transaction'
            if (err.code === 'BUSY' || err.code === 'SERIALIZATION_FAILURE')
              note =
                'The statement failed but SQLite keeps the transaction open: a COMMIT now would commit the statements before it. ROLLBACK to abandon it.'
          }
        } else if (this.state === 'waiting') this.state = 'idle'
        const sqlstate =
          (err.details?.sqlstate as string | undefined) ?? (err.details?.sqliteCode as string | undefined) ?? null
        return {
          pane: this.id,
          sql,
          result: null,
          error: { code: err.code, message: err.message, sqlstate },
          waitedOn: [...waitedOn],
          waitedMs: this.waitingSince ? Date.now() - this.waitingSince : 0,
          startedAt,
          finishedAt: Date.now(),
          state: this.state,
          note,
        }
      } finally {
        this.waitListeners.delete(onWait)
        this.waitingSince = 0
        this.waitingOn = []
        this.running = null
      }
    })()
    this.running = p
    return p
  }

  /**
   * The SQLite lock this pane's connection holds, as its statements imply (SQLite does not
   * report locks): none, SHARED (or a WAL read snapshot), RESERVED (the write lock), EXCLUSIVE.
   */
  sqliteLock(journalMode: string): string {
    const wal = journalMode.toLowerCase() === 'wal'
    if (this.state === 'idle') return 'no lock'
    const reading = wal ? 'read snapshot (WAL read mark)' : 'SHARED'
    if (this.state === 'waiting')
      return this.wrote || this.beganWith !== 'DEFERRED'
        ? 'waiting for the write lock'
        : `waiting for ${wal ? 'the write lock' : 'a lock'}`
    if (this.beganWith === 'EXCLUSIVE')
      return wal ? 'RESERVED (EXCLUSIVE in WAL mode keeps writers out, not readers)' : 'EXCLUSIVE'
    if (this.wrote || this.beganWith === 'IMMEDIATE')
      return this.read ? `RESERVED + ${reading}` : 'RESERVED (the write lock)'
    return this.read ? reading : 'none yet (DEFERRED takes locks at the first read or write)'
  }

  async close() {
    await this.settle().catch(() => {})
    await this.driver.close()
  }
}
