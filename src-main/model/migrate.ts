import type { ModelDocument } from '../../src-shared/model/document'
import { diffModels } from '../../src-shared/model/schema-diff'
import type { Dialect } from '../db/dialect'
import { schemaTarget, type DdlStep, type LiveView } from '../db/ddl-compiler'

export type { LiveView } from '../db/ddl-compiler'

/**
 * A migration from one model to another (a live database read as a model, or an older version
 * of the document) that keeps the data: the difference as schema operations
 * (`src-shared/model/schema-diff.ts`), written by the engine's DDL compiler, which alters tables
 * in place or, on SQLite, rebuilds those ALTER cannot change.
 */

export type MigrationStep = DdlStep

export interface MigrationPlan {
  /** Run before BEGIN (SQLite turns foreign keys off to rebuild tables). */
  before: string[]
  /** Inside one transaction. */
  steps: MigrationStep[]
  /** A query run before COMMIT that returns rows when the data breaks a foreign key. */
  check: string | null
  after: string[]
  warnings: string[]
  /** One line per change, for the preview. */
  summary: string[]
  /** The whole script as text. */
  script: string
}

export function planMigration(
  from: ModelDocument,
  to: ModelDocument,
  d: Dialect,
  views: LiveView[] = [],
): MigrationPlan {
  const diff = diffModels(from, to, schemaTarget(d))
  const ddl = d.ddl.compile(diff.ops, { views })
  const script = [
    ...ddl.before.map((s) => `${s};`),
    ddl.steps.length ? 'BEGIN;' : '',
    ...ddl.steps.map((s) => `-- ${s.note}\n${s.sql};`),
    ddl.check ? `-- must return no rows:\n${ddl.check};` : '',
    ddl.steps.length ? 'COMMIT;' : '',
    ...ddl.after.map((s) => `${s};`),
  ]
    .filter(Boolean)
    .join('\n')
  return {
    before: ddl.before,
    steps: ddl.steps,
    check: ddl.check,
    after: ddl.after,
    warnings: [...diff.warnings, ...ddl.warnings],
    summary: diff.summary,
    script: script + '\n',
  }
}
