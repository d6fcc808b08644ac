import { engineSchema } from '../connection'
import { z } from 'zod'
import { importReportSchema } from '../model/import-report'
import { modelDocumentSchema } from '../model/document'
import { method, none, handle, migrationPlanSchema } from './kit'

/** Models. */
export const modelMethods = {
  'model.ddl': method({
    doc: 'The DDL that creates the model on an engine: tables in dependency order, keys that close a cycle afterwards, indexes, onupdate triggers.',
    input: z.object({ doc: modelDocumentSchema, engine: engineSchema }),
    output: z.object({ statements: z.array(z.string()), script: z.string() }),
  }),
  'model.scratch': method({
    doc: "A new scratch SQLite database with the model's tables (in the app's data folder, emptied when the app starts), to try the model's mappers in the ORM playground.",
    input: z.object({ doc: modelDocumentSchema }),
    output: z.object({ path: z.string() }),
  }),
  'model.apply': method({
    doc: "Create the model's tables the database lacks, in one transaction (create_all); tables that exist are skipped and listed.",
    input: z.object({ handle, doc: modelDocumentSchema }),
    output: z.object({ created: z.array(z.string()), skipped: z.array(z.string()), statements: z.array(z.string()) }),
  }),
  'model.diff': method({
    doc: 'The migration from what the connected database is now to the model: a summary, warnings, the statements and the script. Nothing runs.',
    input: z.object({ handle, doc: modelDocumentSchema }),
    output: migrationPlanSchema,
  }),
  'model.migrate': method({
    doc: 'Plan and run the migration to the model in one transaction (SQLite rebuilds tables with foreign keys off, checked before commit).',
    input: z.object({ handle, doc: modelDocumentSchema }),
    output: migrationPlanSchema.extend({ ran: z.number() }),
  }),
  'model.diffModels': method({
    doc: "The migration between two versions of a model, in an engine's dialect.",
    input: z.object({ from: modelDocumentSchema, to: modelDocumentSchema, engine: engineSchema }),
    output: migrationPlanSchema,
  }),
  'model.alembic': method({
    doc: "A diff as an Alembic revision script (upgrade() and downgrade() of op.* calls, batch_alter_table for SQLite's rebuilds): from the connected database to the model, its down_revision read from the database's alembic_version; or from one model to another.",
    input: z.object({
      doc: modelDocumentSchema,
      message: z.string().min(1).max(200),
      handle: handle.optional(),
      from: modelDocumentSchema.optional(),
      downRevision: z.string().max(64).nullable().default(null),
    }),
    output: z.object({
      code: z.string(),
      revision: z.string(),
      filename: z.string(),
      downRevision: z.string().nullable(),
      warnings: z.array(z.string()),
    }),
  }),
  'model.reverse': method({
    doc: 'A live database as a new model, laid out automatically.',
    input: z.object({ handle }),
    output: modelDocumentSchema,
  }),
  'model.export': method({
    doc: "The model as code: SQLAlchemy 2.0 declarative models in the notes' style, or TypeScript types.",
    input: z.object({ doc: modelDocumentSchema, format: z.enum(['sqlalchemy', 'typescript', 'dbml']) }),
    output: z.object({ code: z.string() }),
  }),
  'model.import': method({
    doc: 'Read SQLAlchemy declarative models (Python parsed, never run; a file, several files or a package folder, its imports followed), CREATE TABLE statements (parsed by SQLite, or by PostgreSQL in a scratch database on the playground server: `auto` tries SQLite first) or DBML into a model, from a file or text.',
    input: z.object({
      format: z.enum(['sqlalchemy', 'sql', 'dbml']),
      path: z.string().optional(),
      paths: z.array(z.string()).max(64).optional(),
      text: z.string().optional(),
      sqlDialect: z.union([z.literal('auto'), engineSchema]).default('auto'),
    }),
    output: z.object({ doc: modelDocumentSchema, warnings: z.array(z.string()), report: importReportSchema }),
  }),
  'model.open': method({
    doc: 'Read a model file.',
    input: z.object({ path: z.string().min(1) }),
    output: z.object({ path: z.string(), doc: modelDocumentSchema }),
  }),
  'model.save': method({
    doc: 'Write a model file atomically (temporary file, then rename).',
    input: z.object({ path: z.string().min(1), doc: modelDocumentSchema }),
    output: z.object({ path: z.string() }),
  }),
  'model.recent': method({
    doc: 'Recently opened or saved model files, newest first.',
    input: none,
    output: z.array(z.string()),
  }),
} as const
