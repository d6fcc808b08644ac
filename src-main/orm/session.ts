import type { QueryResult } from '../../src-shared/query'
import type { BatchStep, BatchStepResult, Driver } from '../db/driver'
import { compileExpr } from '../db/sql-expr'
import { createEntity } from './entity'
import { InvalidRequestError } from './errors'
import { flushSession } from './flush'
import { relatedStates, stateOf, type IdentityKey, type InstanceState } from './instance-state'
import type { LoadContext } from './loading'
import type { Mapper, Relationship } from './mapper'
import type { Registry } from './registry'
import type { Result } from './result'
import * as bookkeeping from './session-bookkeeping'
import * as queries from './session-queries'
import { SessionTransaction, type TransactionState } from './session-transaction'
import type { SqlLog } from './sql-log'
import type { Select, Statement, SynchronizeSession } from './statements'

export interface SessionOptions {
  /** Flush before queries (SQLAlchemy's autoflush). Default true. */
  autoflush?: boolean
  /** Expire every object after commit. Default true, as in SQLAlchemy. */
  expireOnCommit?: boolean
  /** Isolation level (or SQLite BEGIN mode) for the transactions this session begins. */
  isolationLevel?: string
  /**
   * Run a flush inside a transaction that has already written in a savepoint of its own, so a
   * flush that fails undoes only itself and every pending change stays for a retry (SQLAlchemy
   * instead requires a rollback of the whole transaction). Default true; it costs two statements
   * per such flush, and none for a transaction's first write, where a failure rolls back nothing
   * the transaction had done.
   */
  flushSavepoint?: boolean
}

export type { TransactionState } from './session-transaction'

/**
 * SQLAlchemy's Session over one connection: identity map, the new/dirty/deleted sets, unit of
 * work, transactions with savepoints. Every statement it sends goes into `log`.
 */
export class Session implements LoadContext {
  readonly identityMap = new Map<IdentityKey, InstanceState>()
  /** @internal pending objects, in add() order */
  readonly pendingSet = new Set<InstanceState>()
  /** @internal persistent objects that may have changes */
  readonly changedSet = new Set<InstanceState>()
  /** @internal objects marked with delete(), not yet flushed */
  readonly deleteSet = new Set<InstanceState>()
  /** @internal deleted by a flush in the current transaction */
  readonly flushedDeletes = new Set<InstanceState>()
  /** @internal objects inserted by a flush in the current transaction */
  readonly insertedInTx = new bookkeeping.InsertedLog()
  readonly autoflush: boolean
  readonly expireOnCommit: boolean
  readonly flushSavepoint: boolean
  readonly isolationLevel: string | undefined
  /** @internal The transaction seam: connection, BEGIN/COMMIT/ROLLBACK, savepoints, the SQL log. */
  readonly tx: SessionTransaction
  private insertCounter = 0
  private noAutoflushDepth = 0
  private closed = false

  constructor(
    driver: Driver,
    readonly registry: Registry,
    options: SessionOptions = {},
  ) {
    this.autoflush = options.autoflush ?? true
    this.expireOnCommit = options.expireOnCommit ?? true
    this.flushSavepoint = options.flushSavepoint ?? true
    this.isolationLevel = options.isolationLevel
    this.tx = new SessionTransaction(driver, options.isolationLevel)
  }

  /** The connection; replaced only by `reconnected`, after the connection dropped. */
  get driver(): Driver {
    return this.tx.driver
  }
  /** Every statement the session sent. */
  get log(): SqlLog {
    return this.tx.log
  }
  /** @internal The open transaction holds writes of the session's, which a lost connection takes with it. */
  get wroteInTx(): boolean {
    return this.tx.wroteInTx
  }
  set wroteInTx(v: boolean) {
    this.tx.wroteInTx = v
  }

  // ---- the three sets, as SQLAlchemy exposes them ------------------------------------------

  get new(): object[] {
    return [...this.pendingSet].map((s) => s.obj)
  }
  get dirty(): object[] {
    return [...this.changedSet].filter((s) => s.status === 'persistent' && s.hasChanges()).map((s) => s.obj)
  }
  get deleted(): object[] {
    return [...this.deleteSet].map((s) => s.obj)
  }
  get transaction(): TransactionState {
    return this.tx.state
  }
  get inNestedTransaction(): boolean {
    return this.tx.nested.length > 0
  }

  /** A new transient object: SQLAlchemy's `User(name='x')`. */
  create<T extends object = Record<string, unknown>>(mapper: Mapper | string, values: Record<string, unknown> = {}): T {
    return createEntity<T>(typeof mapper === 'string' ? this.registry.get(mapper) : mapper, values)
  }

  // ---- object state changes ----------------------------------------------------------------

  add(obj: object): void {
    this.assertOpen()
    const st = stateOf(obj)
    if (st.session && st.session !== this)
      throw new InvalidRequestError(`Object is already attached to another session`)
    switch (st.status) {
      case 'transient':
        st.status = 'pending'
        st.session = this
        st.insertOrder = ++this.insertCounter
        this.pendingSet.add(st)
        this.tx.top()?.added.add(st)
        break
      case 'detached': {
        const key = st.key!
        if (this.identityMap.has(key) && this.identityMap.get(key) !== st)
          throw new InvalidRequestError(`Another object with key ${key} is already in this session; use merge()`)
        st.status = 'persistent'
        st.session = this
        this.identityMap.set(key, st)
        if (st.hasChanges()) this.changedSet.add(st)
        break
      }
      case 'deleted':
        throw new InvalidRequestError(
          'Object was deleted in this transaction; it cannot be added again until commit or rollback',
        )
      default:
        break
    }
    // save-update cascade: everything reachable through loaded relationships comes along.
    bookkeeping.cascadeAdd(this, st)
  }

  addAll(objs: Iterable<object>): void {
    for (const o of objs) this.add(o)
  }

  /** Called by relationship instrumentation when `child` joins `owner.rel`. @internal */
  cascadeSaveUpdate(owner: InstanceState, rel: Relationship, child: InstanceState): void {
    if (owner.session !== this || !rel.cascade.has('save-update')) return
    if (child.status === 'transient' || child.status === 'detached') this.add(child.obj)
  }

  /** @internal */
  markChanged(st: InstanceState): void {
    if (st.session !== this) return
    if (st.status === 'persistent') this.changedSet.add(st)
    this.tx.top()?.touched.add(st)
  }

  /** @internal */
  adopt(st: InstanceState): void {
    st.session = this
  }

  delete(obj: object): void {
    this.assertOpen()
    const st = stateOf(obj)
    if (st.status !== 'persistent' || st.session !== this)
      throw new InvalidRequestError(`Instance is not persisted (${st.status}); only persistent objects can be deleted`)
    bookkeeping.cascadeDelete(this, st)
  }

  expunge(obj: object): void {
    const st = stateOf(obj)
    if (st.session !== this) throw new InvalidRequestError('Instance is not present in this session')
    this.detach(st)
    for (const rel of st.mapper.relationships.values()) {
      if (!rel.cascade.has('expunge') || !st.related.has(rel.name)) continue
      for (const child of relatedStates(st, rel)) if (child.session === this) this.expunge(child.obj)
    }
  }

  private detach(st: InstanceState) {
    this.pendingSet.delete(st)
    this.changedSet.delete(st)
    this.deleteSet.delete(st)
    if (st.key && this.identityMap.get(st.key) === st) this.identityMap.delete(st.key)
    st.status = st.status === 'pending' || st.status === 'transient' ? 'transient' : 'detached'
    st.session = null
  }

  /** Mark attributes (all by default) as stale; reading them needs `refresh`. */
  expire(obj: object, attrs?: string[]): void {
    const st = stateOf(obj)
    this.expireState(st, attrs, new Set())
  }

  /** @internal */
  expireState(st: InstanceState, attrs: string[] | undefined, seen: Set<InstanceState>): void {
    bookkeeping.expireState(st, attrs, seen)
  }

  expireAll(): void {
    for (const st of this.identityMap.values()) this.expireState(st, undefined, new Set())
  }

  // ---- reading (./session-queries.ts) --------------------------------------------------------

  /**
   * Read everything that has expired again, now: the columns of every expired object (one SELECT
   * per table) and, with `relationships`, the relationships they had loaded (one SELECT each, as
   * selectin). It stands in for SQLAlchemy's reload on attribute access (`user.posts` after a
   * commit, as in the course notes), which a TypeScript getter cannot do: it cannot wait for a
   * query. Returns how many objects were read again.
   */
  refreshAll(options: { relationships?: boolean } = {}): Promise<number> {
    return queries.refreshAll(this, options)
  }

  /** Expire, then load every column again now (autoflush first). */
  refresh(obj: object): Promise<void> {
    return queries.refresh(this, obj)
  }

  /**
   * Copy the state of `obj` onto the session's object with the same key (loading it, or creating
   * a pending one), cascading along `merge`; returns that object. `obj` itself stays unattached.
   */
  merge<T extends object>(obj: T, options: { load?: boolean } = {}): Promise<T> {
    return queries.merge(this, obj, options)
  }

  /** By primary key: the identity map first, a SELECT only when the object is not there. */
  get<T extends object = Record<string, unknown>>(mapper: Mapper | string, pk: unknown): Promise<T | null> {
    return queries.get<T>(this, mapper, pk)
  }

  /** Run a statement: ORM select (objects), bulk update/delete, or text (values). */
  execute(stmt: Statement, options: { synchronizeSession?: SynchronizeSession } = {}): Promise<Result> {
    return queries.execute(this, stmt, options)
  }

  async scalars(stmt: Select) {
    return (await this.execute(stmt)).scalars()
  }

  /** Load one relationship of one object now (lazy="select"), and return it. */
  load<T = unknown>(obj: object, relationship: string): Promise<T> {
    return queries.load<T>(this, obj, relationship)
  }

  /** Load a relationship for many objects at once with the given strategy. */
  loadAll(objs: object[], relationship: string, strategy: 'selectin' | 'select' = 'selectin'): Promise<void> {
    return queries.loadAll(this, objs, relationship, strategy)
  }

  // ---- transactions --------------------------------------------------------------------------

  /** Suspend autoflush inside `fn` (SQLAlchemy's `with session.no_autoflush`). */
  async noAutoflush<T>(fn: () => Promise<T>): Promise<T> {
    this.noAutoflushDepth++
    try {
      return await fn()
    } finally {
      this.noAutoflushDepth--
    }
  }

  /** @internal flush now if autoflush is on and not suspended */
  async autoflushNow() {
    if (this.autoflush && this.noAutoflushDepth === 0) await this.flush()
  }

  /** Write pending changes in dependency order, inside the transaction (begun if needed). */
  async flush(): Promise<void> {
    this.assertOpen()
    await flushSession(this)
  }

  /** @internal autobegin */
  ensureTransaction(): Promise<void> {
    return this.tx.begin()
  }

  /** @internal ROLLBACK the database transaction, leaving the objects as they are. */
  abortTransaction(): Promise<void> {
    return this.tx.rollback()
  }

  async commit(): Promise<void> {
    this.assertOpen()
    // Committing the session commits the whole transaction, savepoints included.
    this.tx.nested = []
    await this.flush()
    await this.tx.commit()
    for (const st of this.flushedDeletes) {
      st.status = 'detached'
      st.session = null
    }
    this.flushedDeletes.clear()
    this.insertedInTx.clear()
    if (this.expireOnCommit) this.expireAll()
  }

  /**
   * ROLLBACK, then SQLAlchemy's bookkeeping: objects added in this transaction are expunged,
   * objects deleted in it are persistent again, and everything left is expired.
   */
  async rollback(): Promise<void> {
    this.assertOpen()
    await this.tx.rollback()
    this.forgetTransaction()
  }

  /**
   * The connection dropped, and `driver` is a fresh one. If the lost transaction had written
   * anything, the database threw it away: the session does its rollback bookkeeping (as SQLAlchemy
   * requires a rollback after a disconnect). If it had only read, or the loss came between
   * transactions (a failed flush puts everything back), every pending change is kept: nothing the
   * database held for the session was lost.
   */
  reconnected(driver: Driver): { rolledBack: boolean } {
    this.assertOpen()
    const rolledBack = this.tx.reconnected(driver).lostWrites
    if (rolledBack) this.forgetTransaction()
    return { rolledBack }
  }

  /** What a rollback does to the objects, the database's side done (or lost) already. */
  private forgetTransaction() {
    bookkeeping.forgetTransaction(this)
  }

  /** SAVEPOINT: flushes first; the returned handle releases or rolls back to it. */
  beginNested(): Promise<{ commit(): Promise<void>; rollback(): Promise<void> }> {
    return bookkeeping.beginNested(this)
  }

  /**
   * End the transaction without committing and detach everything. As in SQLAlchemy, close()
   * does not expire objects: what was loaded stays readable on the detached objects.
   */
  async close(): Promise<void> {
    if (this.closed) return
    await this.tx.rollback()
    for (const st of [...this.identityMap.values(), ...this.pendingSet]) {
      st.session = null
      st.status = st.status === 'pending' ? 'transient' : 'detached'
    }
    this.identityMap.clear()
    this.pendingSet.clear()
    this.changedSet.clear()
    this.deleteSet.clear()
    this.closed = true
  }

  /** @internal */
  assertOpen() {
    if (this.closed) throw new InvalidRequestError('This session is closed')
  }

  // ---- SQL, always logged (./session-transaction.ts) -----------------------------------------

  /** Run one statement inside the session's transaction (begun if needed). */
  run(sql: string, params: unknown[] = []): Promise<QueryResult> {
    return this.tx.run(sql, params)
  }

  /** @internal executemany steps, logged one entry per step */
  runBatch(steps: BatchStep[]): Promise<BatchStepResult[]> {
    return this.tx.runBatch(steps)
  }

  /** @internal compile a WHERE for bulk statements */
  compileWhere(m: Mapper, exprs: import('../../src-shared/expr').Expr[], params: unknown[]): string {
    return exprs.length ? ` WHERE ${exprs.map((e) => compileExpr(e, m.dialect, params, m.sqlName)).join(' AND ')}` : ''
  }
}
