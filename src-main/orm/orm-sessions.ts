import { randomUUID } from 'node:crypto'
import { AppError } from '../../src-shared/errors'
import type { MapperInfo, OrmAction, SessionSnapshot } from '../../src-shared/orm'
import type { Expr } from '../../src-shared/expr'
import type { EventBus } from '../events/event-bus'
import type { ConnectionManager } from '../db/connection-manager'
import type { Driver } from '../db/driver'
import { openDriver } from '../db/open-driver'
import { RelatedList } from './entity'
import { FlushError } from './flush'
import { stateOf } from './instance-state'
import { CASCADES, parseCascade, type LoadStrategy, type Mapper } from './mapper'
import { Registry } from './registry'
import { registryFromModel } from './model-registry'
import type { ModelDocument } from '../../src-shared/model/document'
import { Session, type SessionOptions } from './session'
import { Select, type LoaderOption } from './statements'
import { logView, ObjectRefs, snapshotSession } from './snapshot'

interface Open {
  session: Session
  driver: Driver
  /** The connection handle it was opened from (its config opens a fresh connection). */
  handle: string
  registry: Registry
  refs: ObjectRefs
  unsubscribe: () => void
}

export function mapperInfo(m: Mapper): MapperInfo {
  return {
    table: m.table.name,
    columns: m.table.columns.map((c) => ({
      name: c.name,
      type: c.nativeType || c.type,
      pk: c.primaryKey > 0,
      serverDefault: c.serverDefault,
      nullable: c.nullable,
    })),
    relationships: m.relationshipList.map((r) => ({
      name: r.name,
      kind: r.kind,
      target: r.target.table.name,
      backPopulates: r.backPopulates,
      cascade: CASCADES.filter((c) => r.cascade.has(c)),
      passiveDeletes: r.passiveDeletes,
      lazy: r.lazy,
      secondary: r.secondary?.table.name ?? null,
    })),
  }
}

/**
 * ORM sessions opened from the renderer, each on a connection of its own, with objects named by
 * small integer refs so the UI can point at them.
 */
export class OrmSessions {
  private open = new Map<string, Open>()

  constructor(
    private readonly connections: ConnectionManager,
    private readonly events: EventBus,
  ) {}

  /**
   * A session on its own connection to the handle's database. With a model, the mappers are the
   * model's (its relationship names and options) and the database must hold the model's tables.
   */
  async start(
    handle: string,
    options: SessionOptions,
    model?: ModelDocument,
  ): Promise<{ sessionId: string; mappers: MapperInfo[]; snapshot: SessionSnapshot }> {
    const base = this.connections.driver(handle)
    const schema = await base.dialect.introspect(base)
    if (model) {
      const missing = model.tables.filter(
        (t) => !schema.tables.some((x) => x.name === t.name && (t.schema === null || x.schema === t.schema)),
      )
      if (missing.length)
        throw new AppError(
          'NOT_FOUND',
          `The database lacks ${missing.map((t) => t.name).join(', ')} of the model: apply the model to it first`,
        )
    }
    const driver = await openDriver(this.connections.config(handle), 'the ORM playground session')
    const registry = model ? registryFromModel(model, driver.dialect) : new Registry(schema, driver.dialect)
    const session = new Session(driver, registry, options)
    const sessionId = randomUUID()
    const unsubscribe = session.log.onEntry((e) => this.events.emit('onSessionLog', { sessionId, entry: logView(e) }))
    this.open.set(sessionId, { session, driver, handle, registry, refs: new ObjectRefs(), unsubscribe })
    return { sessionId, mappers: [...registry.mappers.values()].map(mapperInfo), snapshot: this.snapshot(sessionId) }
  }

  private get(id: string): Open {
    const o = this.open.get(id)
    if (!o) throw new AppError('NOT_FOUND', 'This ORM session is closed')
    return o
  }

  snapshot(id: string): SessionSnapshot {
    return snapshotSession(this.get(id).session, id, this.get(id).refs)
  }

  async query(
    id: string,
    q: {
      table: string
      where?: Expr
      orderBy: { column: string; desc: boolean }[]
      limit?: number
      loaders: { relationship: string; strategy: LoadStrategy }[]
    },
  ) {
    const o = this.get(id)
    let stmt = new Select(o.registry.get(q.table))
    if (q.where) stmt = stmt.where(q.where)
    for (const ob of q.orderBy) stmt = stmt.orderBy(ob.column, ob.desc ? 'desc' : 'asc')
    if (q.limit) stmt = stmt.limit(q.limit)
    if (q.loaders.length)
      stmt = stmt.options(
        ...q.loaders.map((l): LoaderOption => ({ relationship: l.relationship, strategy: l.strategy })),
      )
    const r = await o.session.execute(stmt)
    return {
      refs: r
        .scalars()
        .all()
        .map((x) => o.refs.ref(stateOf(x as object))),
      snapshot: this.snapshot(id),
    }
  }

  async act(
    id: string,
    a: OrmAction,
  ): Promise<{
    ref: number | null
    snapshot: SessionSnapshot
    error: { code: string; message: string; refs: number[] } | null
  }> {
    const o = this.get(id)
    const s = o.session
    let ref: number | null = null
    try {
      switch (a.op) {
        case 'create': {
          const obj = s.create(a.table, a.values)
          s.add(obj)
          ref = o.refs.ref(stateOf(obj))
          break
        }
        case 'set': {
          const st = o.refs.state(a.ref)
          if (!st.mapper.colIndex.has(a.column))
            throw new AppError('BAD_REQUEST', `${st.mapper.name} has no column ${a.column}`)
          ;(st.obj as Record<string, unknown>)[a.column] = a.value
          break
        }
        case 'delete':
          s.delete(o.refs.state(a.ref).obj)
          break
        case 'expunge':
          s.expunge(o.refs.state(a.ref).obj)
          break
        case 'expire':
          s.expire(o.refs.state(a.ref).obj)
          break
        case 'refresh':
          await s.refresh(o.refs.state(a.ref).obj)
          break
        case 'load':
          await s.load(o.refs.state(a.ref).obj, a.relationship)
          break
        case 'link':
        case 'unlink': {
          const st = o.refs.state(a.ref)
          const rel = st.mapper.relationships.get(a.relationship)
          if (!rel) throw new AppError('BAD_REQUEST', `${st.mapper.name} has no relationship ${a.relationship}`)
          const target = a.target === null ? null : o.refs.state(a.target).obj
          if (rel.uselist) {
            const list = (await s.load(st.obj, rel.name)) as RelatedList
            if (!target) throw new AppError('BAD_REQUEST', 'Pick an object to add to the collection')
            if (a.op === 'link') list.push(target)
            else list.remove(target)
          } else {
            if (st.status === 'persistent') await s.load(st.obj, rel.name)
            ;(st.obj as Record<string, unknown>)[rel.name] = a.op === 'unlink' ? null : target
          }
          break
        }
        case 'flush':
          await s.flush()
          break
        case 'commit':
          await s.commit()
          break
        case 'rollback':
          await s.rollback()
          break
        case 'expireAll':
          s.expireAll()
          break
        case 'refreshAll':
          await s.refreshAll()
          break
        case 'clearLog':
          s.log.clear()
          break
        case 'configure': {
          const dot = a.relationship.lastIndexOf('.')
          const rel = o.registry.get(a.relationship.slice(0, dot)).relationships.get(a.relationship.slice(dot + 1))
          if (!rel) throw new AppError('BAD_REQUEST', `No relationship ${a.relationship}`)
          if (a.cascade !== undefined) rel.cascade = parseCascade(a.cascade)
          if (a.passiveDeletes !== undefined) rel.passiveDeletes = a.passiveDeletes
          if (a.lazy !== undefined) rel.lazy = a.lazy
          break
        }
      }
      return { ref, snapshot: this.snapshot(id), error: null }
    } catch (e) {
      if (!(e instanceof AppError)) throw e
      const refs = e instanceof FlushError ? e.objects.map((x) => o.refs.ref(stateOf(x))) : []
      return { ref, snapshot: this.snapshot(id), error: { code: e.code, message: e.message, refs } }
    }
  }

  /**
   * A fresh connection for a session whose connection dropped. Pending changes are kept, unless
   * the lost transaction had flushed some: those are gone with it (see Session.reconnected).
   */
  async reconnect(id: string): Promise<{ rolledBack: boolean; snapshot: SessionSnapshot }> {
    const o = this.get(id)
    const driver = await openDriver(this.connections.config(o.handle), 'the ORM playground session')
    const old = o.driver
    o.driver = driver
    const { rolledBack } = o.session.reconnected(driver)
    void old.close().catch(() => {})
    return { rolledBack, snapshot: this.snapshot(id) }
  }

  async close(id: string) {
    const o = this.open.get(id)
    if (!o) return
    this.open.delete(id)
    o.unsubscribe()
    await o.session.close().catch(() => {})
    await o.driver.close().catch(() => {})
  }

  async closeAll() {
    await Promise.all([...this.open.keys()].map((k) => this.close(k)))
  }

  /** The registry of a session, for other services (the data grid) that edit through it. */
  registryOf(id: string): Registry {
    return this.get(id).registry
  }
}
