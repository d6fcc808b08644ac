import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { AppError } from '../../src-shared/errors'
import type { ModelDocument } from '../../src-shared/model/document'
import { SqliteDriver } from '../db/sqlite/sqlite-driver'
import { schemaToModel } from './reverse'

/**
 * CREATE TABLE statements read into a model. The statements are parsed by a real SQL parser,
 * SQLite's own: they run in a scratch database, which is then reverse engineered, so what the
 * model holds is exactly what an engine understood. SQLite accepts any type name, so
 * PostgreSQL spellings (`character varying(40)`, `timestamptz`, `serial`) come through; syntax
 * only PostgreSQL has (`GENERATED ... AS IDENTITY`, schemas) is reported with SQLite's message.
 */
export async function importSqlDdl(sql: string, name = 'Imported model'): Promise<ModelDocument> {
  const dir = mkdtempSync(join(tmpdir(), 'schemist-ddl-'))
  const d = await SqliteDriver.open({ engine: 'sqlite', path: join(dir, 'scratch.sqlite'), create: true, readOnly: false })
  try {
    try {
      await d.execScript(sql)
    } catch (e) {
      throw new AppError('BAD_REQUEST', `The SQL could not be read: ${(e as Error).message}`)
    }
    const schema = await d.dialect.introspect(d)
    if (!schema.tables.some((t) => t.kind === 'table')) throw new AppError('BAD_REQUEST', 'The SQL creates no tables.')
    const doc = schemaToModel(schema, d.dialect, name)
    // `serial` columns are PostgreSQL's autoincrementing integers.
    for (const t of doc.tables)
      for (const c of t.columns)
        if (/^(small|big)?serial$/i.test(c.nativeType)) Object.assign(c, { type: /^big/i.test(c.nativeType) ? 'bigint' : /^small/i.test(c.nativeType) ? 'smallint' : 'integer', autoincrement: true, nativeType: '' })
    // Nothing here came from a database the model will be applied to.
    return { ...doc, tables: doc.tables.map((t) => ({ ...t, was: undefined, columns: t.columns.map((c) => ({ ...c, was: undefined })) })) }
  } finally {
    await d.close()
    rmSync(dir, { recursive: true, force: true })
  }
}
