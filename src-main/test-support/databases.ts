import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { inject } from 'vitest'
import type { ConnectionConfig, MariadbConfig, PostgresConfig, SqliteConfig } from '../../src-shared/connection'
import { MariadbDriver } from '../db/mariadb/mariadb-driver'
import { openDriver } from '../db/open-driver'
import { ENGINES as ENGINE_REGISTRY } from '../../src-shared/engines'
import { parsePostgresUrl } from '../db/connection-parsers'
import { PostgresDriver } from '../db/postgres/pg-driver'
import type { Driver } from '../db/driver'

/** The shared test cluster's sample database. */
export function pgConfig(): PostgresConfig {
  return parsePostgresUrl(inject('pgUrl'))
}

/** A fresh, empty PostgreSQL database on the test cluster, for tests that write. */
export async function freshPgDatabase(): Promise<PostgresConfig> {
  const base = pgConfig()
  const name = `t_${randomBytes(5).toString('hex')}`
  const admin = await PostgresDriver.open(base)
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.close()
  }
  return { ...base, database: name }
}

export function tempSqlitePath(name = 'test.sqlite'): string {
  return join(mkdtempSync(join(tmpdir(), 'schemist-sqlite-')), name)
}

export function sqliteConfig(path = tempSqlitePath()): SqliteConfig {
  return { engine: 'sqlite', path, create: true, readOnly: false }
}

/** Why the tests have no MariaDB server (the machine lacks Debian's mariadb-server), or null when they have one. */
export function mariadbMissing(): string | null {
  const m = inject('mariadb')
  return 'missing' in m ? m.missing : null
}

/** A fresh, empty database on the tests' private MariaDB server. */
export async function freshMariadbDatabase(): Promise<MariadbConfig> {
  const m = inject('mariadb')
  if ('missing' in m) throw new Error(m.missing)
  const base = JSON.parse(m.config) as MariadbConfig
  const name = `t_${randomBytes(5).toString('hex')}`
  const admin = await MariadbDriver.open(base)
  try {
    await admin.query(`CREATE DATABASE ${name}`)
  } finally {
    await admin.close()
  }
  return { ...base, database: name }
}

export type TestEngine = 'sqlite' | 'postgres' | 'mariadb'

/** The engines suites run on: SQLite and PostgreSQL always, MariaDB where the machine has its server. */
export const TEST_ENGINES: TestEngine[] = ['sqlite', 'postgres', ...(mariadbMissing() ? [] : (['mariadb'] as const))]

/** A fresh, empty database of each test engine. */
const FRESH: Record<TestEngine, () => Promise<ConnectionConfig>> = {
  sqlite: async () => sqliteConfig(),
  postgres: freshPgDatabase,
  mariadb: freshMariadbDatabase,
}

/** A fresh, empty database on a test engine. */
export function freshConfig(engine: TestEngine): Promise<ConnectionConfig> {
  return FRESH[engine]()
}

/** Open a fresh empty database of each engine, for suites that must behave the same on every one. */
export const ENGINES: { name: TestEngine; open: () => Promise<Driver> }[] = TEST_ENGINES.map((name) => ({
  name,
  open: async () => openDriver(await freshConfig(name)),
}))

/**
 * The engines whose CREATE, ALTER and DROP roll back with a transaction: normalization's apply
 * checks a split inside one and needs that (on MariaDB it refuses, which its own test shows).
 */
export const DDL_IN_TRANSACTIONS = ENGINES.filter((e) => ENGINE_REGISTRY[e.name].capabilities.transactionalDdl)
