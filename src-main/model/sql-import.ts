import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { AppError } from '../../src-shared/errors'
import type { PostgresConfig } from '../../src-shared/connection'
import type { ModelDocument } from '../../src-shared/model/document'
import type { Driver } from '../db/driver'
import { PostgresDriver } from '../db/postgres/pg-driver'
import { SqliteDriver } from '../db/sqlite/sqlite-driver'
import { schemaToModel } from './reverse'

/** Which engine reads the statements: SQLite (always at hand), PostgreSQL (a server to borrow), or SQLite first and PostgreSQL when SQLite cannot. */
export type SqlParser = { engine: 'sqlite' } | { engine: 'postgres' | 'auto'; server: () => Promise<PostgresConfig> }

/**
 * CREATE TABLE statements read into a model. The statements are parsed by a real SQL parser, an
 * engine's own: they run in a scratch database, which is then reverse engineered, so what the
 * model holds is exactly what an engine understood. SQLite accepts any type name, so PostgreSQL
 * spellings (`character varying(40)`, `timestamptz`, `serial`) come through it; syntax only
 * PostgreSQL has (`GENERATED ... AS IDENTITY`, schemas, enum types) needs PostgreSQL, which
 * `auto` turns to when SQLite cannot read the script.
 */
export async function importSqlDdl(sql: string, name = 'Imported model', parser: SqlParser = { engine: 'sqlite' }): Promise<{ doc: ModelDocument; warnings: string[] }> {
  if (parser.engine === 'postgres') return { doc: await readWithPostgres(sql, name, await parser.server()), warnings: [] }
  try {
    return { doc: await readWithSqlite(sql, name), warnings: [] }
  } catch (e) {
    const sqliteSays = reasonOf(e)
    if (parser.engine !== 'auto' || sqliteSays === null) throw e
    // Syntax SQLite lacks (identity columns, schemas, enum types…): let PostgreSQL read it.
    try {
      const doc = await readWithPostgres(sql, name, await parser.server())
      return { doc, warnings: [`Read by PostgreSQL, since SQLite could not: ${sqliteSays}`] }
    } catch (pgError) {
      throw new AppError('BAD_REQUEST', `The SQL could not be read by SQLite (${sqliteSays}) nor by PostgreSQL (${reasonOf(pgError) ?? (pgError as Error).message})`)
    }
  }
}

/** The engine's own words for a script it could not run. */
function unreadable(prefix: string, e: unknown): AppError {
  const reason = (e as Error).message
  return new AppError('BAD_REQUEST', `${prefix}: ${reason}`, { reason })
}

/** What an engine said of the script, when that is why reading failed (null for any other failure). */
function reasonOf(e: unknown): string | null {
  return e instanceof AppError && typeof e.details?.reason === 'string' ? e.details.reason : null
}

/** Nothing read from a scratch database was ever in the database the model will be applied to. */
function fresh(doc: ModelDocument): ModelDocument {
  return { ...doc, tables: doc.tables.map((t) => ({ ...t, was: undefined, columns: t.columns.map((c) => ({ ...c, was: undefined })) })) }
}

async function modelOf(d: Driver, name: string): Promise<ModelDocument> {
  const schema = await d.dialect.introspect(d)
  if (!schema.tables.some((t) => t.kind === 'table')) throw new AppError('BAD_REQUEST', 'The SQL creates no tables.')
  return schemaToModel(schema, d.dialect, name)
}

/**
 * PostgreSQL reads the statements in a scratch database it creates on the server (the bundled
 * playground, in the app), and drops again, so its own parser decides what they mean: identity
 * columns, schemas, enum and domain types, `ALTER TABLE ... ADD CONSTRAINT` all come through.
 */
async function readWithPostgres(sql: string, name: string, server: PostgresConfig): Promise<ModelDocument> {
  const scratch = `schemist_import_${randomBytes(6).toString('hex')}`
  const admin = await PostgresDriver.open({ ...server, database: 'postgres' })
  try {
    await admin.query(`CREATE DATABASE ${scratch}`)
    try {
      const d = await PostgresDriver.open({ ...server, database: scratch })
      try {
        try {
          await d.execScript(sql)
        } catch (e) {
          throw unreadable('The SQL could not be read by PostgreSQL', e)
        }
        return fresh(await modelOf(d, name))
      } finally {
        await d.close()
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`).catch(() => {})
    }
  } finally {
    await admin.close()
  }
}

async function readWithSqlite(sql: string, name: string): Promise<ModelDocument> {
  const dir = mkdtempSync(join(tmpdir(), 'schemist-ddl-'))
  const d = await SqliteDriver.open({ engine: 'sqlite', path: join(dir, 'scratch.sqlite'), create: true, readOnly: false })
  try {
    try {
      await d.execScript(sql)
    } catch (e) {
      throw unreadable('The SQL could not be read', e)
    }
    const doc = await modelOf(d, name)
    // `serial` columns are PostgreSQL's autoincrementing integers.
    for (const t of doc.tables)
      for (const c of t.columns)
        if (/^(small|big)?serial$/i.test(c.nativeType)) Object.assign(c, { type: /^big/i.test(c.nativeType) ? 'bigint' : /^small/i.test(c.nativeType) ? 'smallint' : 'integer', autoincrement: true, nativeType: '' })
    return fresh(doc)
  } finally {
    await d.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
