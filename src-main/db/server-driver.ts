import { randomUUID } from 'node:crypto'
import type { QueryResult } from '../../src-shared/query'
import { DriverEvents, type QueryOptions } from './driver'

/**
 * What the server engines' drivers share: one session whose statements reach the server one at a
 * time, in the order they were asked for; the lock book's questions (its id on the server, its
 * open transaction, its last statement); and losing the connection once.
 */
export abstract class ServerDriver extends DriverEvents {
  /** The server's id for this connection (PostgreSQL's backend pid, MariaDB's CONNECTION_ID()). */
  backendPid = 0
  readonly partyId = randomUUID()
  label = 'a connection'
  protected txSinceAt: number | null = null
  protected lastSql = ''
  protected closing = false
  protected unregister: () => void = () => {}
  /** The statement sent last: the next waits for it. */
  private lane: Promise<unknown> = Promise.resolve()

  abstract query(sql: string, params?: readonly unknown[], options?: QueryOptions): Promise<QueryResult>

  get pid() {
    return this.backendPid
  }
  transactionSince(): number | null {
    return this.closing ? null : this.txSinceAt
  }
  lastStatement(): string {
    return this.lastSql
  }
  async rollback(): Promise<void> {
    if (this.txSinceAt !== null) await this.query('ROLLBACK')
  }

  protected inTurn<T>(fn: () => Promise<T>): Promise<T> {
    const turn = this.lane.then(fn, fn)
    this.lane = turn.catch(() => {})
    return turn
  }

  protected lost(message: string) {
    if (this.closing) return
    this.closing = true
    this.unregister()
    for (const l of this.lostListeners) l(message)
  }
}
