import type { BatchStep, Driver } from '../../db/driver'
import { Registry } from '../registry'
import { Session } from '../session'
import { stateOf } from '../instance-state'
import { select } from '../statements'
import type { Scenario } from './scenarios'

export interface RunOutcome {
  statements: { sql: string; params: unknown[] }[]
  states: Record<string, string>
  keys: Record<string, unknown>
  tables: Record<string, unknown[][]>
  error: string | null
}

/** The app's relationship options that match the reference models. */
export const PARITY_OPTIONS = {
  relationships: {
    'users.posts': { cascade: 'all, delete-orphan' },
    'users.profile': { cascade: 'all, delete-orphan', passiveDeletes: true },
    'nodes.node_children': { cascade: 'all, delete-orphan' },
  },
}

/** A driver that writes down every statement with its parameters (one entry per executemany row). */
function recording(d: Driver, out: RunOutcome['statements']): Driver {
  return new Proxy(d, {
    get(target, prop, recv) {
      if (prop === 'query')
        return (sql: string, params: unknown[] = [], o?: unknown) => (
          out.push({ sql, params: [...params] }),
          target.query(sql, params, o as never)
        )
      if (prop === 'runBatch')
        // Written down when the batch answers: a flush sends a child table's rows before its
        // parent's keys are known, and the driver fills them in (BatchStep.refs) by then.
        return (steps: BatchStep[]) => {
          const note = (upto: number) => {
            for (const s of steps.slice(0, upto)) for (const p of s.params) out.push({ sql: s.sql, params: [...p] })
          }
          return target.runBatch(steps).then(
            (r) => (note(steps.length), r),
            (e) => {
              const d = (e as { details?: { step?: number; skipped?: boolean } }).details
              note(d?.skipped ? (d.step ?? 0) : steps.length)
              throw e
            },
          )
        }
      return Reflect.get(target, prop, recv)
    },
  })
}

/** Runs a scenario through Schemist's session manager on an open connection. */
export async function runSchemist(driver: Driver, scenario: Scenario): Promise<RunOutcome> {
  const outcome: RunOutcome = { statements: [], states: {}, keys: {}, tables: {}, error: null }
  const d = recording(driver, outcome.statements)
  const registry = new Registry(await driver.dialect.introspect(driver), driver.dialect, PARITY_OPTIONS)
  const options = { autoflush: scenario.autoflush ?? true }
  let s = new Session(d, registry, options)
  const env = new Map<string, Record<string, unknown> | null>()
  const obj = (name: unknown) => env.get(String(name))!
  const nested = new Map<string, { commit(): Promise<void>; rollback(): Promise<void> }>()
  // SQLAlchemy loads a relationship when it is touched; Schemist's are loaded explicitly.
  const loaded = async (o: Record<string, unknown>, rel: string) => {
    const st = stateOf(o)
    if (st.mapper.relationships.has(rel) && !st.related.has(rel)) await s.load(o, rel)
  }
  try {
    for (const [kind, ...a] of scenario.ops) {
      if (kind === 'get') env.set(String(a[0]), await s.get(String(a[1]), a[2]))
      else if (kind === 'query')
        env.set(
          String(a[0]),
          ((await s.execute(select(registry.get(String(a[1]))).filterBy(a[2] as Record<string, unknown>)))
            .scalars()
            .first() as Record<string, unknown>) ?? null,
        )
      else if (kind === 'load') await loaded(obj(a[0])!, String(a[1]))
      else if (kind === 'set' || kind === 'read') {
        const o = obj(a[0])!
        if (stateOf(o).expired) await s.refresh(o)
        if (kind === 'set') o[String(a[1])] = a[2]
      } else if (kind === 'setref') obj(a[0])![String(a[1])] = a[2] === null ? null : obj(a[2])
      else if (kind === 'new')
        env.set(String(a[0]), s.create<Record<string, unknown>>(String(a[1]), a[2] as Record<string, unknown>))
      else if (kind === 'add') s.add(obj(a[0])!)
      else if (kind === 'append' || kind === 'remove') {
        const o = obj(a[0])!
        await loaded(o, String(a[1]))
        const list = o[String(a[1])] as unknown[] & { remove(x: unknown): void }
        if (kind === 'append') list.push(obj(a[2]))
        else list.remove(obj(a[2]))
      } else if (kind === 'delete') s.delete(obj(a[0])!)
      else if (kind === 'flush') await s.flush()
      else if (kind === 'commit') await s.commit()
      else if (kind === 'rollback') await s.rollback()
      else if (kind === 'expunge') s.expunge(obj(a[0])!)
      else if (kind === 'close') await s.close()
      else if (kind === 'new_session') s = new Session(d, registry, options)
      else if (kind === 'merge') env.set(String(a[0]), (await s.merge(obj(a[1])!)) as Record<string, unknown>)
      else if (kind === 'refresh') await s.refresh(obj(a[0])!)
      else if (kind === 'expire') s.expire(obj(a[0])!)
      else if (kind === 'nested_begin') nested.set(String(a[0]), await s.beginNested())
      else if (kind === 'nested_commit') await nested.get(String(a[0]))!.commit()
      else if (kind === 'nested_rollback') await nested.get(String(a[0]))!.rollback()
      else throw new Error(`unknown op ${kind}`)
    }
  } catch (e) {
    outcome.error = (e as Error).name
  }
  for (const [name, o] of env) {
    if (!o) continue
    const st = stateOf(o)
    outcome.states[name] = st.status
    const i = st.mapper.columns.indexOf('id')
    // The key as the session knows it (its identity), else what the object holds.
    const known =
      st.status === 'persistent' || st.status === 'deleted' || st.status === 'detached'
        ? (st.committed ?? st.values)
        : st.values
    outcome.keys[name] = i >= 0 ? (known[i] ?? null) : null
  }
  await s.close()
  for (const t of ['users', 'posts', 'profiles', 'cities', 'city_user', 'nodes'])
    outcome.tables[t] = (await driver.query(`SELECT * FROM ${t} ORDER BY 1, 2`)).rows
  return outcome
}
