import type { Driver } from '../db/driver'
import { Registry, type RegistryOptions } from '../orm/registry'
import { Session, type SessionOptions } from '../orm/session'
import { loadSample } from '../sample/load-sample'
import { openDriver } from '../db/open-driver'
import type { ConnectionConfig } from '../../src-shared/connection'
import { freshConfig, type TestEngine } from './databases'

export interface OrmFixture {
  engine: TestEngine
  driver: Driver
  registry: Registry
  session(o?: SessionOptions): Session
  /** A session on a connection of its own (two sessions cannot share one transaction). */
  ownSession(o?: SessionOptions): Promise<Session>
  /** Ask a second connection, which sees only what is committed. */
  scalar(sql: string, params?: unknown[]): Promise<unknown>
  /** Open another connection to the same database. */
  connect(): Promise<Driver>
  close(): Promise<void>
}

/** A fresh database with the sample schema on the given engine, and its mappers. */
export async function ormFixture(
  engine: TestEngine,
  options: RegistryOptions = {},
  setup?: (d: Driver) => Promise<void>,
): Promise<OrmFixture> {
  const config: ConnectionConfig = await freshConfig(engine)
  const driver = await openDriver(config)
  const outside = await openDriver({ ...config, create: false } as ConnectionConfig)
  if (setup) await setup(driver)
  else await loadSample(driver)
  const registry = new Registry(await driver.dialect.introspect(driver), driver.dialect, options)
  const sessions: Session[] = []
  return {
    engine,
    driver,
    registry,
    session(o) {
      const s = new Session(driver, registry, o)
      sessions.push(s)
      return s
    },
    async scalar(sql, params = []) {
      const r = await outside.query(sql, params)
      const v = r.rows[0]?.[0]
      // PostgreSQL's count(*) is a bigint, which arrives as text.
      return typeof v === 'string' && /^-?\d+$/.test(v) ? Number(v) : v
    },
    connect: () => openDriver(config),
    async ownSession(o) {
      const d = await openDriver(config)
      const s = new Session(d, registry, o)
      const close = s.close.bind(s)
      s.close = async () => {
        await close()
        await d.close()
      }
      sessions.push(s)
      return s
    },
    async close() {
      for (const s of sessions) await s.close().catch(() => {})
      await outside.close()
      await driver.close()
    },
  }
}

/**
 * A session's statements as the tests read them: MariaDB's backquoted names written with the
 * double quotes the other engines use, so one pattern checks the SQL the ORM sent on every engine.
 */
export function statementsOf(s: { log: { statements(): string[] } }): string[] {
  return s.log.statements().map((x) => x.replace(/`((?:[^`]|``)*)`/g, (_, n: string) => `"${n.replaceAll('``', '`')}"`))
}
