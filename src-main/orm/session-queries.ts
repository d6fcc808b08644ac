import type { Cell } from '../../src-shared/values'
import { bulkDelete, bulkUpdate } from './bulk'
import { createEntity, setLoaded, writeColumn } from './entity'
import { InvalidRequestError } from './errors'
import { identityKey, relatedStates, stateOf, type InstanceState } from './instance-state'
import { compileSelect, hydrate, lazyLoad, processJoinedRows, selectinLoad, strategies, subqueryLoad } from './loading'
import type { Mapper, Relationship } from './mapper'
import { Result } from './result'
import type { Session } from './session'
import { Select, type Statement, type SynchronizeSession } from './statements'

/*
 * The session's query API, one of its three seams (with the identity map in ./session.ts and the
 * transaction in ./session-transaction.ts): reading objects by key or statement, loading
 * relationships, refreshing what expired, and merging detached objects in. Session's methods of
 * the same names call these.
 */

/**
 * Read everything that has expired again, now: the columns of every expired object (one SELECT
 * per table) and, with `relationships`, the relationships they had loaded (one SELECT each, as
 * selectin). It stands in for SQLAlchemy's reload on attribute access (`user.posts` after a
 * commit, as in the course notes), which a TypeScript getter cannot do: it cannot wait for a
 * query. Returns how many objects were read again.
 */
export async function refreshAll(s: Session, options: { relationships?: boolean } = {}): Promise<number> {
  s.assertOpen()
  await s.autoflushNow()
  const expired = [...s.identityMap.values()].filter((st) => st.status === 'persistent' && !!st.expired?.size)
  // Relationships first: their SELECTs bring the related objects' columns back as well.
  if (options.relationships ?? true) {
    const wanted = new Map<Relationship, InstanceState[]>()
    for (const st of s.identityMap.values()) {
      if (st.status !== 'persistent' || !st.expiredRelations) continue
      for (const name of st.expiredRelations) {
        const rel = st.mapper.relationships.get(name)
        if (rel && !st.related.has(name)) wanted.set(rel, [...(wanted.get(rel) ?? []), st])
      }
      st.expiredRelations = null
    }
    for (const [rel, states] of wanted) await selectinLoad(s, states, rel)
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
      const r = await s.run(
        `SELECT ${m.columns.map((_, i) => `${m.sqlName}.${m.quoted(i)}`).join(', ')} FROM ${m.sqlName} WHERE ${part.map(one).join(' OR ')}`,
        params,
      )
      for (const row of r.rows) hydrate(s, m, row, 0)
    }
  }
  return expired.filter((st) => !st.expired?.size).length
}

/** Expire, then load every column again now (autoflush first). */
export async function refresh(s: Session, obj: object): Promise<void> {
  const st = stateOf(obj)
  if (st.session !== s || st.status !== 'persistent')
    throw new InvalidRequestError(`Instance is not persistent in this session (${st.status})`)
  await s.autoflushNow()
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
    const r = await s.run(
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
export async function merge<T extends object>(s: Session, obj: T, options: { load?: boolean } = {}): Promise<T> {
  // As in SQLAlchemy, nothing is flushed while merging: a half-merged graph must not reach the database.
  return s.noAutoflush(async () => (await mergeState(s, stateOf(obj), options.load ?? true, new Map())).obj as T)
}

async function mergeState(
  s: Session,
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
    target = s.identityMap.get(identityKey(m, pk))
    if (!target && load) {
      const found = await s.get(m, pk.length === 1 ? pk[0] : pk)
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
      s,
      m,
      m.columns.map((_, i) => (src.values[i] ?? null) as Cell),
      0,
    )!
  } else if (!target) {
    target = stateOf(createEntity(m))
    s.add(target.obj)
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
    if (load && target.status === 'persistent' && !target.related.has(rel.name)) await lazyLoad(s, target, rel)
    const merged: InstanceState[] = []
    for (const c of relatedStates(src, rel)) merged.push(await mergeState(s, c, load, memo))
    if (clean) setLoaded(target, rel, rel.uselist ? merged : (merged[0] ?? null))
    else
      (target.obj as Record<string, unknown>)[rel.name] = rel.uselist
        ? merged.map((s) => s.obj)
        : (merged[0]?.obj ?? null)
  }
  return target
}

/** By primary key: the identity map first, a SELECT only when the object is not there. */
export async function get<T extends object = Record<string, unknown>>(
  s: Session,
  mapper: Mapper | string,
  pk: unknown,
): Promise<T | null> {
  const m = typeof mapper === 'string' ? s.registry.get(mapper) : mapper
  const values = Array.isArray(pk) ? pk : [pk]
  if (values.length !== m.pk.length)
    throw new InvalidRequestError(`${m.name} has a ${m.pk.length}-column primary key; got ${values.length} value(s)`)
  const hit = s.identityMap.get(identityKey(m, values))
  if (hit && !hit.expired) return hit.obj as T
  const stmt = new Select(m).where(
    ...m.pk.map((i, k) => ({
      op: 'cmp' as const,
      column: m.columns[i],
      cmp: '=' as const,
      value: values[k] as never,
    })),
  )
  const r = await s.execute(stmt)
  return (r.scalars().first() as T | null) ?? null
}

/** Run a statement: ORM select (objects), bulk update/delete, or text (values). */
export async function execute(
  s: Session,
  stmt: Statement,
  options: { synchronizeSession?: SynchronizeSession } = {},
): Promise<Result> {
  s.assertOpen()
  await s.autoflushNow()
  switch (stmt.kind) {
    case 'select':
      return executeSelect(s, stmt)
    case 'update':
      return bulkUpdate(s, stmt, options.synchronizeSession ?? 'auto')
    case 'delete':
      return bulkDelete(s, stmt, options.synchronizeSession ?? 'auto')
    case 'text': {
      const r = await s.run(stmt.sql, stmt.params)
      s.wroteInTx = true
      return new Result(r.rows, r.rowCount)
    }
  }
}

async function executeSelect(s: Session, stmt: Select): Promise<Result> {
  const strat = strategies(stmt)
  const joined = [...strat].filter(([, how]) => how === 'joined').map(([r]) => r)
  const { sql, params, offsets } = compileSelect(stmt, joined)
  const r = await s.run(sql, params)
  const parents = joined.length
    ? processJoinedRows(s, stmt, joined, offsets, r.rows)
    : r.rows.map((row) => hydrate(s, stmt.mapper, row, 0)).filter((st): st is InstanceState => st !== null)
  for (const [rel, how] of strat) {
    if (how === 'selectin') await selectinLoad(s, parents, rel)
    else if (how === 'subquery') await subqueryLoad(s, stmt, parents, rel)
  }
  return new Result(parents.map((p) => [p.obj]))
}

/** Load one relationship of one object now (lazy="select"), and return it. */
export async function load<T = unknown>(s: Session, obj: object, relationship: string): Promise<T> {
  const st = stateOf(obj)
  const rel = st.mapper.relationships.get(relationship)
  if (!rel) throw new InvalidRequestError(`${st.mapper.name} has no relationship ${relationship}`)
  if (!st.related.has(rel.name)) {
    if (st.status === 'persistent') {
      await s.autoflushNow()
      await lazyLoad(s, st, rel)
    } else setLoaded(st, rel, rel.uselist ? [] : null)
  }
  return (obj as Record<string, unknown>)[relationship] as T
}

/** Load a relationship for many objects at once with the given strategy. */
export async function loadAll(
  s: Session,
  objs: object[],
  relationship: string,
  strategy: 'selectin' | 'select' = 'selectin',
): Promise<void> {
  const states = objs.map(stateOf)
  const rel = states[0]?.mapper.relationships.get(relationship)
  if (!rel) return
  if (strategy === 'selectin') await selectinLoad(s, states, rel)
  else for (const st of states) if (!st.related.has(rel.name)) await lazyLoad(s, st, rel)
}

const toBool = (v: unknown) =>
  v === null || v === undefined ? null : v === true || v === 1 || v === '1' || v === 't' || v === 'true'
