import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AppError } from '../../src-shared/errors'
import type { ConnectionConfig, Engine } from '../../src-shared/connection'
import { ENGINES, fileConfig } from '../../src-shared/engines'
import type { ModelDocument } from '../../src-shared/model/document'
import type { Driver } from '../db/driver'
import { engineRoles, openDriver } from '../db/open-driver'
import { schemaToModel } from './reverse'

/**
 * Which engine reads the statements: SQLite (always at hand, a scratch file), a server engine's
 * own parser (a server to borrow), or `auto`: SQLite first, and the server when SQLite cannot.
 */
export type SqlParser = { engine: Engine | 'auto'; server?: (() => Promise<ConnectionConfig>) | null }

/**
 * CREATE TABLE statements read into a model. The statements are parsed by a real SQL parser, an
 * engine's own: they run in a scratch database, which is then reverse engineered, so what the
 * model holds is exactly what an engine understood. SQLite accepts any type name, so PostgreSQL
 * spellings (`character varying(40)`, `timestamptz`, `serial`) come through it; syntax only
 * PostgreSQL has (`GENERATED ... AS IDENTITY`, schemas, enum types) needs PostgreSQL, which
 * `auto` turns to when SQLite cannot read the script.
 */
export async function importSqlDdl(
  sql: string,
  name = 'Imported model',
  parser: SqlParser = { engine: 'auto' },
): Promise<{ doc: ModelDocument; warnings: string[] }> {
  if (parser.engine !== 'auto' && ENGINES[parser.engine].location === 'server') {
    if (!parser.server)
      throw new AppError('BAD_REQUEST', `Reading SQL with ${ENGINES[parser.engine].label} needs a server`)
    return { doc: await readOnServer(sql, name, await parser.server()), warnings: [] }
  }
  try {
    return { doc: await readWithSqlite(sql, name), warnings: [] }
  } catch (e) {
    const sqliteSays = reasonOf(e)
    if (parser.engine !== 'auto' || !parser.server || sqliteSays === null) throw e
    // Syntax SQLite lacks (identity columns, schemas, enum types…): let the server read it.
    const server = await parser.server()
    const label = ENGINES[server.engine].label
    try {
      const doc = await readOnServer(sql, name, server)
      return { doc, warnings: [`Read by ${label}, since SQLite could not: ${sqliteSays}`] }
    } catch (serverError) {
      throw new AppError(
        'BAD_REQUEST',
        `The SQL could not be read by SQLite (${sqliteSays}) nor by ${label} (${reasonOf(serverError) ?? (serverError as Error).message})`,
      )
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
  return {
    ...doc,
    tables: doc.tables.map((t) => ({
      ...t,
      was: undefined,
      columns: t.columns.map((c) => ({ ...c, was: undefined })),
    })),
  }
}

async function modelOf(d: Driver, name: string): Promise<ModelDocument> {
  const schema = await d.dialect.introspect(d)
  if (!schema.tables.some((t) => t.kind === 'table')) throw new AppError('BAD_REQUEST', 'The SQL creates no tables.')
  return schemaToModel(schema, d.dialect, name)
}

/**
 * A server engine reads the statements in a scratch database it creates on the server (the
 * bundled playground, in the app), and drops again, so its own parser decides what they mean:
 * identity columns, schemas, enum and domain types, `ALTER TABLE ... ADD CONSTRAINT` all come
 * through.
 */
async function readOnServer(sql: string, name: string, server: ConnectionConfig): Promise<ModelDocument> {
  const make = engineRoles(server.engine).scratchDatabase
  const label = ENGINES[server.engine].label
  if (!make) throw new AppError('UNSUPPORTED', `${label} cannot lend a scratch database to read SQL in`)
  const { driver, drop } = await make(server)
  try {
    try {
      await driver.execScript(sql)
    } catch (e) {
      throw unreadable(`The SQL could not be read by ${label}`, e)
    }
    return fresh(await modelOf(driver, name))
  } finally {
    await drop()
  }
}

async function readWithSqlite(sql: string, name: string): Promise<ModelDocument> {
  const dir = mkdtempSync(join(tmpdir(), 'schemist-ddl-'))
  const d = await openDriver(fileConfig('sqlite', join(dir, 'scratch.sqlite'), true))
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
        if (/^(small|big)?serial$/i.test(c.nativeType))
          Object.assign(c, {
            type: /^big/i.test(c.nativeType) ? 'bigint' : /^small/i.test(c.nativeType) ? 'smallint' : 'integer',
            autoincrement: true,
            nativeType: '',
          })
    return fresh(doc)
  } finally {
    await d.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
