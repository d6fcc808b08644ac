import { ENGINES } from '../../src-shared/engines'
import { validateModel } from '../../src-shared/model/validate'
import { AppError } from '../../src-shared/errors'
import type { ModelDocument } from '../../src-shared/model/document'
import type { Driver } from '../db/driver'
import { planMigration, type MigrationPlan } from './migrate'
import { schemaToModel } from './reverse'
import { refuseInvalid } from './apply-model'

/** The migration from what the database is now to the model: read the database, then plan. */
export async function planAgainstDatabase(d: Driver, doc: ModelDocument): Promise<MigrationPlan> {
  const live = await d.dialect.introspect(d)
  const views = live.tables
    .filter((t) => t.kind === 'view' && t.definition)
    .map((t) => ({ schema: t.schema, name: t.name, definition: t.definition! }))
  const plan = planMigration(schemaToModel(live, d.dialect), doc, d.dialect, views)
  // Names the engine would cut are said in the preview, before Apply refuses them.
  const tooLong = validateModel(doc, {
    maxIdentifierBytes: d.dialect.maxIdentifierBytes,
    engineLabel: ENGINES[d.dialect.name].label,
  }).filter((p) => p.level === 'error' && / bytes long; /.test(p.message))
  return tooLong.length ? { ...plan, warnings: [...tooLong.map((p) => p.message), ...plan.warnings] } : plan
}

/**
 * Run a migration in one transaction: any failure (or a foreign key the moved data breaks)
 * rolls all of it back, and the error says which statement failed.
 */
export async function applyMigration(d: Driver, doc: ModelDocument): Promise<MigrationPlan & { ran: number }> {
  refuseInvalid(doc, d.dialect)
  const plan = await planAgainstDatabase(d, doc)
  if (plan.steps.length === 0) return { ...plan, ran: 0 }
  for (const s of plan.before) await d.query(s)
  let current = plan.steps[0]
  let ran = 0
  try {
    await d.query('BEGIN')
    try {
      for (const st of plan.steps) {
        current = st
        await d.query(st.sql)
        ran++
      }
      if (plan.check) {
        const bad = await d.query(plan.check)
        if (bad.rows.length)
          throw new AppError(
            'CONSTRAINT_VIOLATION',
            `After the migration ${bad.rows.length} row(s) break a foreign key (first in ${String(bad.rows[0][0])}). Nothing was changed.`,
          )
      }
      await d.query('COMMIT')
    } catch (e) {
      await d.query('ROLLBACK').catch(() => undefined)
      if (e instanceof AppError && e.code === 'CONSTRAINT_VIOLATION' && e.message.includes('Nothing was changed'))
        throw e
      const msg = e instanceof Error ? e.message : String(e)
      // Where DDL commits by itself (MariaDB), the statements before the failed one stay.
      const outcome = d.dialect.capabilities.transactionalDdl
        ? 'Nothing was changed.'
        : ran
          ? `The ${ran} statement${ran === 1 ? '' : 's'} before it stay applied: ${ENGINES[d.dialect.name].label} commits each DDL statement by itself.`
          : 'Nothing was changed.'
      throw new AppError(e instanceof AppError ? e.code : 'SQL_ERROR', `${msg}, at "${current.note}". ${outcome}`, {
        statement: current.sql,
      })
    }
  } finally {
    for (const s of plan.after) await d.query(s).catch(() => undefined)
  }
  return { ...plan, ran }
}
