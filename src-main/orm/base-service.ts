import { stateOf } from './instance-state'
import type { Mapper } from './mapper'
import type { SessionMaker } from './session-factory'
import { select, update } from './statements'

/**
 * The notes' `BaseService`: generic CRUD over one model, each method in its own session through
 * the `@connection` wrapper (`withSession`), so each call commits on its own.
 */
export class BaseService<T extends object = Record<string, unknown>> {
  constructor(
    readonly model: Mapper,
    private readonly sessions: SessionMaker,
  ) {}

  findAll(filterBy: Record<string, unknown> = {}): Promise<T[]> {
    return this.sessions.withSession(
      { commit: false },
      async (s) => (await s.execute(select(this.model).filterBy(filterBy))).scalars().all() as T[],
    )
  }

  findOneOrNone(filterBy: Record<string, unknown>): Promise<T | null> {
    return this.sessions.withSession(
      { commit: false },
      async (s) => (await s.execute(select(this.model).filterBy(filterBy))).scalarOneOrNone() as T | null,
    )
  }

  /** Insert one row and return it with the keys and defaults the database assigned. */
  add(values: Record<string, unknown>): Promise<T> {
    return this.sessions.withSession({ expireOnCommit: false }, async (s) => {
      const obj = s.create<T>(this.model, values)
      s.add(obj)
      await s.flush()
      return obj
    })
  }

  /** `UPDATE ... WHERE filter` with synchronize_session='fetch'; returns the row count. */
  update(filterBy: Record<string, unknown>, values: Record<string, unknown>): Promise<number> {
    return this.sessions.withSession({}, async (s) => {
      const r = await s.execute(update(this.model).filterBy(filterBy).values(values), { synchronizeSession: 'fetch' })
      await s.flush()
      return r.rowcount
    })
  }

  /** The object's columns as a plain object (the notes' `to_dict`). */
  toDict(obj: T): Record<string, unknown> {
    const st = stateOf(obj)
    return Object.fromEntries(st.mapper.columns.map((c, i) => [c, st.values[i] ?? null]))
  }
}
