import { AppError } from '../../src-shared/errors'
import type { ModelDocument } from '../../src-shared/model/document'
import { validateModel } from '../../src-shared/model/validate'
import type { Driver } from '../db/driver'
import type { Dialect } from '../db/dialect'
import { ENGINES } from '../../src-shared/engines'
import { modelDdl } from './model-ddl'

export interface ApplyModelResult {
  created: string[]
  /** Tables that already existed and were left as they are (create_all's checkfirst). */
  skipped: string[]
  statements: string[]
}

/**
 * The notes' `Base.metadata.create_all`: create every table of the model that the database does
 * not have yet, in one transaction, so a failure leaves the database exactly as it was. A model
 * with errors is refused before anything runs.
 */
export async function applyModel(d: Driver, doc: ModelDocument): Promise<ApplyModelResult> {
  refuseInvalid(doc, d.dialect)
  const live = await d.dialect.introspect(d)
  const exists = (schema: string | null, name: string) =>
    live.tables.some((t) => t.name === name && d.dialect.qualify(t.schema, t.name) === d.dialect.qualify(schema, name))
  const missing = doc.tables.filter((t) => !exists(t.schema, t.name))
  const skipped = doc.tables.filter((t) => exists(t.schema, t.name)).map((t) => t.name)
  const { statements } = modelDdl(doc, d.dialect, new Set(missing.map((t) => t.name)))
  if (statements.length === 0) return { created: [], skipped, statements }
  await d.query('BEGIN')
  let current = ''
  try {
    for (const sql of statements) {
      current = sql
      await d.query(sql)
    }
    await d.query('COMMIT')
  } catch (e) {
    await d.query('ROLLBACK').catch(() => undefined)
    // Where every CREATE commits at once (MariaDB), the rollback undid nothing: the tables made
    // before the failure are dropped again, newest first, so nothing is left of the attempt.
    if (!d.dialect.capabilities.transactionalDdl) await dropCreated(d, missing, live)
    const msg = e instanceof Error ? e.message : String(e)
    throw new AppError(
      e instanceof AppError ? e.code : 'SQL_ERROR',
      `${msg}. Nothing was created. The statement was: ${current.split('\n')[0]}${current.includes('\n') ? ' …' : ''}`,
      { statement: current },
    )
  }
  return { created: missing.map((t) => t.name), skipped, statements }
}

async function dropCreated(
  d: Driver,
  missing: ModelDocument['tables'],
  before: Awaited<ReturnType<Dialect['introspect']>>,
): Promise<void> {
  const now = await d.dialect.introspect(d).catch(() => null)
  if (!now) return
  const made = missing.filter(
    (t) => now.tables.some((x) => x.name === t.name) && !before.tables.some((x) => x.name === t.name),
  )
  for (const t of [...made].reverse())
    for (const sql of d.dialect.ddl.statements([
      { op: 'dropTable', table: { schema: t.schema, name: t.name }, ifExists: true },
    ]))
      await d.query(sql).catch(() => undefined)
}

/** Nothing runs for a model with errors: the message lists them. */
export function refuseInvalid(doc: ModelDocument, dialect?: Dialect): void {
  const errors = validateModel(doc, {
    maxIdentifierBytes: dialect?.maxIdentifierBytes,
    engineLabel: dialect ? ENGINES[dialect.name].label : undefined,
  }).filter((p) => p.level === 'error')
  if (errors.length)
    throw new AppError(
      'BAD_REQUEST',
      `The model has ${errors.length} error(s); fix them first: ${errors.map((e) => e.message).join(' ')}`,
      { problems: errors },
    )
}
