import type { Driver } from '../db/driver'
import type { Registry } from './registry'
import { Session, type SessionOptions } from './session'

export interface SessionFactoryOptions extends SessionOptions {
  /** Opens the connection a new session runs on; the session closes it when it closes. */
  connect: () => Promise<Driver>
  registry: Registry
}

/**
 * SQLAlchemy's `sessionmaker`: a factory with defaults, plus `withSession`, the notes'
 * `@connection(isolation_level, commit)` decorator: open a session, run, commit on success,
 * roll back on error; with `commit: false` nothing is committed.
 */
export function sessionmaker(defaults: SessionFactoryOptions) {
  async function open(overrides: SessionOptions = {}): Promise<Session & { closeAll(): Promise<void> }> {
    const driver = await defaults.connect()
    const session = new Session(driver, defaults.registry, { ...defaults, ...overrides }) as Session & {
      closeAll(): Promise<void>
    }
    session.closeAll = async () => {
      await session.close()
      await driver.close()
    }
    return session
  }

  async function withSession<T>(
    options: SessionOptions & { commit?: boolean },
    fn: (session: Session) => Promise<T>,
  ): Promise<T> {
    const session = await open(options)
    try {
      const result = await fn(session)
      // Without commit, closing the session ends the transaction (nothing is written).
      if (options.commit ?? true) await session.commit()
      return result
    } catch (e) {
      await session.rollback().catch(() => {})
      throw e
    } finally {
      await session.closeAll()
    }
  }

  return { open, withSession, options: defaults }
}

export type SessionMaker = ReturnType<typeof sessionmaker>
