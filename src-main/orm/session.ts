import type { Cell } from '../../src-shared/values'
import type { QueryResult } from '../../src-shared/query'
import type { BatchStep, BatchStepResult, Driver } from '../db/driver'
import { compileExpr } from '../db/sql-expr'
import { bulkDelete, bulkUpdate } from './bulk'
import { createEntity, setLoaded, writeColumn } from './entity'
import { InvalidRequestError } from './errors'
import { flushSession } from './flush'
import { identityKey, InstanceState, relatedStates, stateOf } from './instance-state'
import {
  compileSelect,
  hydrate,
  lazyLoad,
  processJoinedRows,
  selectinLoad,
  strategies,
  subqueryLoad,
  type LoadContext,
} from './loading'
import type { Mapper, Relationship } from './mapper'
import type { Registry } from './registry'
import { Result } from './result'
import { Select, type Statement, type SynchronizeSession } from './statements'
import { SqlLog } from './sql-log'

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

interface NestedFrame {
  name: string
  /** SAVEPOINT is sent with the next statement, as SQLAlchemy does: not at all if none follows. */
  emitted: boolean
  /** Objects touched since the savepoint: expired if it rolls back. */
  touched: Set<InstanceState>
  /** Objects added since the savepoint: expunged if it rolls back. */
  added: Set<InstanceState>
}

export type TransactionState = 'idle' | 'active' | 'failed'

/**
 * SQLAlchemy's Session over one connection: identity map, the new/dirty/deleted sets, unit of
 * work, transactions with savepoints. Every statement it sends goes into `log`.
 */
export class Session implements LoadContext {
  readonly identityMap = new Map<string, InstanceState>()
  /** @internal pending objects, in add() order */
  readonly pendingSet = new Set<InstanceState>()
  /** @internal persistent objects that may have changes */
  readonly changedSet = new Set<InstanceState>()
  /** @internal objects marked with delete(), not yet flushed */
  readonly deleteSet = new Set<InstanceState>()
  /** @internal deleted by a flush in the current transaction */
  readonly flushedDeletes = new Set<InstanceState>()
  /** @internal objects inserted by a flush in the current transaction */
  readonly insertedInTx = new Set<InstanceState>()
  readonly log = new SqlLog()
  readonly autoflush: boolean
  readonly expireOnCommit: boolean
  readonly flushSavepoint: boolean
  readonly isolationLevel: string | undefined
  private txState: TransactionState = 'idle'
  /**
   * @internal The open transaction holds writes of the session's (a flush, a bulk or raw
   * statement that succeeded), which a lost connection takes with it.
   */
  wroteInTx = false
  private nested: NestedFrame[] = []
  private insertCounter = 0
  private noAutoflushDepth = 0
  private closed = false

  constructor(
    /** Replaced only by `reconnected`, after the connection dropped. */
    public driver: Driver,
    readonly registry: Registry,
    options: SessionOptions = {},
  ) {
    this.autoflush = options.autoflush ?? true
    this.expireOnCommit = options.expireOnCommit ?? true
    this.flushSavepoint = options.flushSavepoint ?? true
    this.isolationLevel = options.isolationLevel
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
    return this.txState
  }
  get inNestedTransaction(): boolean {
    return this.nested.length > 0
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
        this.top()?.added.add(st)
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
    if (st.related.size === 0) return
    for (const [name, value] of st.related) {
      if (!value) continue
      const rel = st.mapper.relationships.get(name)!
      if (!rel.cascade.has('save-update')) continue
      if (rel.uselist) {
        for (const o of value as object[]) {
          const c = stateOf(o)
          if (c.session !== this || c.status === 'transient') this.add(o)
        }
      } else {
        const c = stateOf(value as object)
        if (c.session !== this || c.status === 'transient') this.add(value as object)
      }
    }
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
    this.top()?.touched.add(st)
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
    this.cascadeDelete(st)
  }

  /**
   * The delete cascade runs now, over what is loaded, as in SQLAlchemy: `deleted` (and the
   * Session panel) lists every object that will go before the flush. Relationships not loaded
   * are followed at flush, where they are loaded (or left to the database, with passive_deletes).
   */
  private cascadeDelete(st: InstanceState) {
    if (this.deleteSet.has(st)) return
    this.deleteSet.add(st)
    this.top()?.touched.add(st)
    for (const rel of st.mapper.relationships.values()) {
      if (!rel.cascade.has('delete') || !st.related.has(rel.name)) continue
      for (const c of relatedStates(st, rel)) {
        if (c.session !== this) continue
        if (c.status === 'persistent') this.cascadeDelete(c)
        else if (c.status === 'pending') this.expunge(c.obj)
      }
    }
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

  private expireState(st: InstanceState, attrs: string[] | undefined, seen: Set<InstanceState>) {
    if (seen.has(st) || st.status === 'transient' || st.status === 'pending') return
    seen.add(st)
    const m = st.mapper
    const cols = attrs ? attrs.filter((a) => m.colIndex.has(a)).map((a) => m.col(a)) : m.columns.map((_, i) => i)
    if (cols.length) {
      st.expired ??= new Set()
      for (const i of cols) {
        st.expired.add(i)
        st.modified?.delete(i)
      }
    }
    for (const rel of m.relationships.values()) {
      if (attrs && !attrs.includes(rel.name)) continue
      if (rel.cascade.has('refresh-expire') && st.related.has(rel.name))
        for (const c of relatedStates(st, rel)) this.expireState(c, undefined, seen)
      if (st.related.delete(rel.name)) (st.expiredRelations ??= new Set()).add(rel.name)
    }
    if (!attrs) {
      st.added = null
      st.removed = null
    }
  }

  expireAll(): void {
    for (const st of this.identityMap.values()) this.expireState(st, undefined, new Set())
  }

  /**
   * Read everything that has expired again, now: the columns of every expired object (one SELECT
   * per table) and, with `relationships`, the relationships they had loaded (one SELECT each, as
   * selectin). It stands in for SQLAlchemy's reload on attribute access (`user.posts` after a
   * commit, as in the course notes), which a TypeScript getter cannot do: it cannot wait for a
   * query. Returns how many objects were read again.
   */
  async refreshAll(options: { relationships?: boolean } = {}): Promise<number> {
    this.assertOpen()
    await this.maybeAutoflush()
    const expired = [...this.identityMap.values()].filter((st) => st.status === 'persistent' && !!st.expired?.size)
    // Relationships first: their SELECTs bring the related objects' columns back as well.
    if (options.relationships ?? true) {
      const wanted = new Map<Relationship, InstanceState[]>()
      for (const st of this.identityMap.values()) {
        if (st.status !== 'persistent' || !st.expiredRelations) continue
        for (const name of st.expiredRelations) {
          const rel = st.mapper.relationships.get(name)
          if (rel && !st.related.has(name)) wanted.set(rel, [...(wanted.get(rel) ?? []), st])
        }
        st.expiredRelations = null
      }
      for (const [rel, states] of wanted) await selectinLoad(this, states, rel)
    }
    const byMapper = new Map<Mapper, InstanceState[]>()
    for (const st of expired) {
      if (!st.expired?.size) continue
      const l = byMapper.get(st.mapper)
      if (l) l.push(st)
      else byMapper.set(st.mapper, [st])
    }
    for (const [m, states] of byMapper) {
      for (let off = 0; off < states.length; off += 500) {
        const part = states.slice(off, off + 500)
        const params: unknown[] = []
        const one = (t: InstanceState) =>
          `(${m.pk.map((i) => (params.push((t.committed ?? t.values)[i]), `${m.sqlName}.${m.quoted(i)} = ${m.dialect.placeholder(params.length)}`)).join(' AND ')})`
        const r = await this.run(
          `SELECT ${m.columns.map((_, i) => `${m.sqlName}.${m.quoted(i)}`).join(', ')} FROM ${m.sqlName} WHERE ${part.map(one).join(' OR ')}`,
          params,
        )
        for (const row of r.rows) hydrate(this, m, row, 0)
      }
    }
    return expired.filter((st) => !st.expired?.size).length
  }

  /** Expire, then load every column again now (autoflush first). */
  async refresh(obj: object): Promise<void> {
    const st = stateOf(obj)
    if (st.session !== this || st.status !== 'persistent')
      throw new InvalidRequestError(`Instance is not persistent in this session (${st.status})`)
    await this.maybeAutoflush()
    const targets: InstanceState[] = []
    const collect = (s: InstanceState, seen: Set<InstanceState>) => {
      if (seen.has(s)) return
      seen.add(s)
      targets.push(s)
      for (const rel of s.mapper.relationships.values())
        if (rel.cascade.has('refresh-expire') && s.related.has(rel.name))
          for (const c of relatedStates(s, rel)) if (c.status === 'persistent') collect(c, seen)
    }
    collect(st, new Set())
    for (const t of targets) {
      const m = t.mapper
      const params: unknown[] = []
      const where = m.pk
        .map(
          (i) => (
            params.push(t.committed?.[i] ?? t.values[i]),
            `${m.sqlName}.${m.quoted(i)} = ${m.dialect.placeholder(params.length)}`
          ),
        )
        .join(' AND ')
      const r = await this.run(
        `SELECT ${m.columns.map((_, i) => `${m.sqlName}.${m.quoted(i)}`).join(', ')} FROM ${m.sqlName} WHERE ${where}`,
        params,
      )
      if (r.rows.length === 0)
        throw new InvalidRequestError(
          `Could not refresh instance ${m.name} ${JSON.stringify(t.identity)}: the row is gone`,
        )
      t.values = r.rows[0]
      for (const b of m.booleanColumns) t.values[b] = toBool(t.values[b])
      t.committed = t.values
      t.expired = null
      t.modified = null
      t.related.clear()
    }
  }

  /**
   * Copy the state of `obj` onto the session's object with the same key (loading it, or creating
   * a pending one), cascading along `merge`; returns that object. `obj` itself stays unattached.
   */
  async merge<T extends object>(obj: T, options: { load?: boolean } = {}): Promise<T> {
    // As in SQLAlchemy, nothing is flushed while merging: a half-merged graph must not reach the database.
    return this.noAutoflush(async () => (await this.mergeState(stateOf(obj), options.load ?? true, new Map())).obj as T)
  }

  private async mergeState(
    src: InstanceState,
    load: boolean,
    memo: Map<InstanceState, InstanceState>,
  ): Promise<InstanceState> {
    const done = memo.get(src)
    if (done) return done
    const m = src.mapper
    const pk = m.pk.map((i) => src.values[i])
    let target: InstanceState | undefined
    if (pk.every((v) => v !== undefined && v !== null)) {
      target = this.identityMap.get(identityKey(m, pk))
      if (!target && load) {
        const found = await this.get(m, pk.length === 1 ? pk[0] : pk)
        if (found) target = stateOf(found)
      }
    }
    if (!target && !load && pk.every((v) => v !== undefined && v !== null)) {
      // merge(load=False): the object is taken as the database has it (it must be clean), with no SQL.
      if (src.hasChanges())
        throw new InvalidRequestError(
          `merge() with load=False takes only objects without pending changes; ${m.name} ${JSON.stringify(pk)} has some`,
        )
      target = hydrate(
        this,
        m,
        m.columns.map((_, i) => (src.values[i] ?? null) as Cell),
        0,
      )!
    } else if (!target) {
      target = stateOf(createEntity(m))
      this.add(target.obj)
    }
    memo.set(src, target)
    const clean = !load
    src.values.forEach((v, i) => {
      if (v === undefined || (src.expired?.has(i) ?? false)) return
      if (clean) target!.values[i] = v
      else writeColumn(target!, i, v)
    })
    for (const rel of m.relationships.values()) {
      if (!rel.cascade.has('merge') || !src.related.has(rel.name)) continue
      // The target's own collection, loaded in one statement, so the members merge against the
      // identity map rather than one SELECT each (and assigning it records real history).
      if (load && target.status === 'persistent' && !target.related.has(rel.name)) await lazyLoad(this, target, rel)
      const merged: InstanceState[] = []
      for (const c of relatedStates(src, rel)) merged.push(await this.mergeState(c, load, memo))
      if (clean) setLoaded(target, rel, rel.uselist ? merged : (merged[0] ?? null))
      else
        (target.obj as Record<string, unknown>)[rel.name] = rel.uselist
          ? merged.map((s) => s.obj)
          : (merged[0]?.obj ?? null)
    }
    return target
  }

  // ---- reading -------------------------------------------------------------------------------

  /** By primary key: the identity map first, a SELECT only when the object is not there. */
  async get<T extends object = Record<string, unknown>>(mapper: Mapper | string, pk: unknown): Promise<T | null> {
    const m = typeof mapper === 'string' ? this.registry.get(mapper) : mapper
    const values = Array.isArray(pk) ? pk : [pk]
    if (values.length !== m.pk.length)
      throw new InvalidRequestError(`${m.name} has a ${m.pk.length}-column primary key; got ${values.length} value(s)`)
    const hit = this.identityMap.get(identityKey(m, values))
    if (hit && !hit.expired) return hit.obj as T
    const stmt = new Select(m).where(
      ...m.pk.map((i, k) => ({
        op: 'cmp' as const,
        column: m.columns[i],
        cmp: '=' as const,
        value: values[k] as never,
      })),
    )
    const r = await this.execute(stmt)
    return (r.scalars().first() as T | null) ?? null
  }

  /** Run a statement: ORM select (objects), bulk update/delete, or text (values). */
  async execute(stmt: Statement, options: { synchronizeSession?: SynchronizeSession } = {}): Promise<Result> {
    this.assertOpen()
    await this.maybeAutoflush()
    switch (stmt.kind) {
      case 'select':
        return this.executeSelect(stmt)
      case 'update':
        return bulkUpdate(this, stmt, options.synchronizeSession ?? 'auto')
      case 'delete':
        return bulkDelete(this, stmt, options.synchronizeSession ?? 'auto')
      case 'text': {
        const r = await this.run(stmt.sql, stmt.params)
        this.wroteInTx = true
        return new Result(r.rows, r.rowCount)
      }
    }
  }

  async scalars(stmt: Select) {
    return (await this.execute(stmt)).scalars()
  }

  private async executeSelect(stmt: Select): Promise<Result> {
    const strat = strategies(stmt)
    const joined = [...strat].filter(([, s]) => s === 'joined').map(([r]) => r)
    const { sql, params, offsets } = compileSelect(stmt, joined)
    const r = await this.run(sql, params)
    const parents = joined.length
      ? processJoinedRows(this, stmt, joined, offsets, r.rows)
      : r.rows.map((row) => hydrate(this, stmt.mapper, row, 0)).filter((s): s is InstanceState => s !== null)
    for (const [rel, s] of strat) {
      if (s === 'selectin') await selectinLoad(this, parents, rel)
      else if (s === 'subquery') await subqueryLoad(this, stmt, parents, rel)
    }
    return new Result(parents.map((p) => [p.obj]))
  }

  /** Load one relationship of one object now (lazy="select"), and return it. */
  async load<T = unknown>(obj: object, relationship: string): Promise<T> {
    const st = stateOf(obj)
    const rel = st.mapper.relationships.get(relationship)
    if (!rel) throw new InvalidRequestError(`${st.mapper.name} has no relationship ${relationship}`)
    if (!st.related.has(rel.name)) {
      if (st.status === 'persistent') {
        await this.maybeAutoflush()
        await lazyLoad(this, st, rel)
      } else setLoaded(st, rel, rel.uselist ? [] : null)
    }
    return (obj as Record<string, unknown>)[relationship] as T
  }

  /** Load a relationship for many objects at once with the given strategy. */
  async loadAll(objs: object[], relationship: string, strategy: 'selectin' | 'select' = 'selectin'): Promise<void> {
    const states = objs.map(stateOf)
    const rel = states[0]?.mapper.relationships.get(relationship)
    if (!rel) return
    if (strategy === 'selectin') await selectinLoad(this, states, rel)
    else for (const st of states) if (!st.related.has(rel.name)) await lazyLoad(this, st, rel)
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

  private async maybeAutoflush() {
    if (this.autoflush && this.noAutoflushDepth === 0) await this.flush()
  }

  /** Write pending changes in dependency order, inside the transaction (begun if needed). */
  async flush(): Promise<void> {
    this.assertOpen()
    await flushSession(this)
  }

  /** @internal autobegin */
  async ensureTransaction(): Promise<void> {
    if (this.txState !== 'idle') return
    await this.logged(this.driver.dialect.beginSql(this.isolationLevel), [], () =>
      this.driver.query(this.driver.dialect.beginSql(this.isolationLevel)),
    )
    this.txState = 'active'
    this.wroteInTx = false
  }

  /** @internal ROLLBACK the database transaction, leaving the objects as they are. */
  async abortTransaction(): Promise<void> {
    if (this.txState === 'idle') return
    await this.logged('ROLLBACK', [], () => this.driver.query('ROLLBACK')).catch(() => {})
    this.txState = 'idle'
  }

  async commit(): Promise<void> {
    this.assertOpen()
    if (this.nested.length) {
      // Committing the session commits the whole transaction, savepoints included.
      this.nested = []
    }
    await this.flush()
    if (this.txState !== 'idle') {
      await this.logged('COMMIT', [], () => this.driver.query('COMMIT'))
      this.txState = 'idle'
    }
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
    if (this.txState !== 'idle') {
      await this.logged('ROLLBACK', [], () => this.driver.query('ROLLBACK')).catch(() => {})
      this.txState = 'idle'
    }
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
    this.driver = driver
    const rolledBack = this.txState !== 'idle' && this.wroteInTx
    this.txState = 'idle'
    this.wroteInTx = false
    this.log.add({ sql: '-- reconnected: a fresh connection', params: [], executions: 1, rows: 0, durationMs: 0 })
    if (rolledBack) this.forgetTransaction()
    return { rolledBack }
  }

  /** What a rollback does to the objects, the database's side done (or lost) already. */
  private forgetTransaction() {
    this.nested = []
    for (const st of [...this.pendingSet, ...this.insertedInTx]) this.detachToTransient(st)
    this.pendingSet.clear()
    this.insertedInTx.clear()
    for (const st of this.flushedDeletes) {
      st.status = 'persistent'
      if (st.key) this.identityMap.set(st.key, st)
    }
    this.flushedDeletes.clear()
    this.deleteSet.clear()
    this.changedSet.clear()
    for (const st of this.identityMap.values()) {
      st.clearHistory()
      this.expireState(st, undefined, new Set())
    }
  }

  private detachToTransient(st: InstanceState) {
    if (st.key && this.identityMap.get(st.key) === st) this.identityMap.delete(st.key)
    st.status = 'transient'
    st.session = null
    st.key = null
    st.committed = null
    // The key the rolled-back INSERT generated stays on the object, as in SQLAlchemy.
  }

  /** SAVEPOINT: flushes first; the returned handle releases or rolls back to it. */
  async beginNested(): Promise<{ commit(): Promise<void>; rollback(): Promise<void> }> {
    await this.flush()
    const name = `sa_savepoint_${this.nested.length + 1}`
    const q = this.driver.dialect.quoteIdent(name)
    const frame: NestedFrame = { name, emitted: false, touched: new Set(), added: new Set() }
    this.nested.push(frame)
    const finish = () => {
      const i = this.nested.indexOf(frame)
      if (i < 0) throw new InvalidRequestError('This savepoint is no longer active')
      this.nested.splice(i)
    }
    return {
      commit: async () => {
        await this.flush()
        finish()
        if (frame.emitted)
          await this.logged(`RELEASE SAVEPOINT ${q}`, [], () => this.driver.query(`RELEASE SAVEPOINT ${q}`))
        // What was touched inside belongs to the enclosing frame now.
        const outer = this.top()
        if (outer) {
          for (const s of frame.touched) outer.touched.add(s)
          for (const s of frame.added) outer.added.add(s)
        }
      },
      rollback: async () => {
        finish()
        if (frame.emitted)
          await this.logged(`ROLLBACK TO SAVEPOINT ${q}`, [], () => this.driver.query(`ROLLBACK TO SAVEPOINT ${q}`))
        for (const st of frame.added) {
          this.pendingSet.delete(st)
          this.insertedInTx.delete(st)
          this.detachToTransient(st)
        }
        for (const st of frame.touched) {
          if (this.flushedDeletes.delete(st)) {
            st.status = 'persistent'
            if (st.key) this.identityMap.set(st.key, st)
          }
          this.deleteSet.delete(st)
          this.changedSet.delete(st)
          st.clearHistory()
          if (st.status === 'persistent') this.expireState(st, undefined, new Set())
        }
      },
    }
  }

  private top(): NestedFrame | undefined {
    return this.nested[this.nested.length - 1]
  }

  /**
   * End the transaction without committing and detach everything. As in SQLAlchemy, close()
   * does not expire objects: what was loaded stays readable on the detached objects.
   */
  async close(): Promise<void> {
    if (this.closed) return
    if (this.txState !== 'idle') {
      await this.logged('ROLLBACK', [], () => this.driver.query('ROLLBACK')).catch(() => {})
      this.txState = 'idle'
    }
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

  private assertOpen() {
    if (this.closed) throw new InvalidRequestError('This session is closed')
  }

  // ---- SQL, always logged ------------------------------------------------------------------

  /** Run one statement inside the session's transaction (begun if needed). */
  /** Savepoints begun but not sent yet go out before the next statement. */
  private async emitSavepoints() {
    for (const f of this.nested) {
      if (f.emitted) continue
      const q = this.driver.dialect.quoteIdent(f.name)
      await this.logged(`SAVEPOINT ${q}`, [], () => this.driver.query(`SAVEPOINT ${q}`))
      f.emitted = true
    }
  }

  async run(sql: string, params: unknown[] = []): Promise<QueryResult> {
    await this.ensureTransaction()
    await this.emitSavepoints()
    const r = await this.logged(sql, params, () => this.driver.query(sql, params))
    if (!/^\s*(SELECT|SAVEPOINT|RELEASE|ROLLBACK)\b/i.test(sql)) this.wroteInTx = true
    return r
  }

  /** @internal executemany steps, logged one entry per step */
  async runBatch(steps: BatchStep[]): Promise<BatchStepResult[]> {
    await this.ensureTransaction()
    await this.emitSavepoints()
    const started = performance.now()
    try {
      const out = await this.driver.runBatch(steps)
      this.wroteInTx = true
      const ms = (performance.now() - started) / steps.length
      steps.forEach((s, i) =>
        this.log.add({
          sql: s.sql,
          params: s.params.length === 1 ? [...s.params[0]] : (s.params as unknown[][]),
          executions: s.params.length,
          rows: out[i].changes.reduce((a, b) => a + b, 0),
          durationMs: ms,
        }),
      )
      return out
    } catch (e) {
      const step = (e as { details?: { step?: number } }).details?.step ?? 0
      steps.slice(0, step + 1).forEach((s, i) =>
        this.log.add({
          sql: s.sql,
          params: s.params.length === 1 ? [...s.params[0]] : (s.params as unknown[][]),
          executions: s.params.length,
          rows: 0,
          durationMs: performance.now() - started,
          ...(i === step ? { error: (e as Error).message } : {}),
        }),
      )
      throw e
    }
  }

  private async logged<T extends QueryResult>(sql: string, params: unknown[], fn: () => Promise<T>): Promise<T> {
    const started = performance.now()
    try {
      const r = await fn()
      this.log.add({ sql, params, executions: 1, rows: r.rowCount, durationMs: performance.now() - started })
      return r
    } catch (e) {
      this.log.add({
        sql,
        params,
        executions: 1,
        rows: 0,
        durationMs: performance.now() - started,
        error: (e as Error).message,
      })
      throw e
    }
  }

  /** @internal compile a WHERE for bulk statements */
  compileWhere(m: Mapper, exprs: import('../../src-shared/expr').Expr[], params: unknown[]): string {
    return exprs.length ? ` WHERE ${exprs.map((e) => compileExpr(e, m.dialect, params, m.sqlName)).join(' AND ')}` : ''
  }
}

const toBool = (v: unknown) =>
  v === null || v === undefined ? null : v === true || v === 1 || v === '1' || v === 't' || v === 'true'
