import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { inject } from 'vitest'
import type { PostgresConfig, SqliteConfig } from '../../src-shared/connection'
import { parsePostgresUrl } from '../db/connection-parsers'
import { PostgresDriver } from '../db/postgres/pg-driver'
import { SqliteDriver } from '../db/sqlite/sqlite-driver'
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

/** Open a fresh empty database of each engine, for suites that must behave the same on both. */
export const ENGINES: { name: 'sqlite' | 'postgres'; open: () => Promise<Driver> }[] = [
  { name: 'sqlite', open: () => SqliteDriver.open(sqliteConfig()) },
  { name: 'postgres', open: async () => PostgresDriver.open(await freshPgDatabase()) },
]
