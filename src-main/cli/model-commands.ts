import { readFile } from 'node:fs/promises'
import { AppError } from '../../src-shared/errors'
import { parseModelDocument, type ModelDocument } from '../../src-shared/model/document'
import { validateModel } from '../../src-shared/model/validate'
import { dialectFor, openDriver } from '../db/open-driver'
import { writeFileAtomic } from '../db/atomic-write'
import { modelDdl } from '../model/model-ddl'
import { applyModel } from '../model/apply-model'
import { applyMigration, planAgainstDatabase } from '../model/apply-migration'
import { planMigration } from '../model/migrate'
import { schemaToModel } from '../model/reverse'
import { exportSqlalchemy } from '../model/sqlalchemy-export'
import { readSqlalchemy } from '../model/sqlalchemy-import'
import { exportTypescript } from '../model/typescript-export'
import { exportDbml } from '../model/dbml-export'
import { importDbml } from '../model/dbml-import'
import { importSqlDdl, readText } from '../model/sql-import'
import { modelSvg } from '../../src-shared/model/svg'
import { parseConnectionArg } from './connection-arg'

type Flags = Map<string, string | true>

async function readModel(path: string | undefined): Promise<ModelDocument> {
  if (!path) throw new AppError('BAD_REQUEST', 'Give a model file (.json saved by the designer)')
  const text = await readFile(path, 'utf8').catch(() => {
    throw new AppError('FILE_NOT_FOUND', `No such file: ${path}`)
  })
  try {
    return parseModelDocument(JSON.parse(text))
  } catch (e) {
    throw new AppError('BAD_REQUEST', `${path}: ${(e as Error).message}`)
  }
}

/** `schemist ddl <model> --dialect sqlite|postgres` */
export async function ddlCommand(path: string | undefined, flags: Flags, out: (s: string) => void): Promise<void> {
  const doc = await readModel(path)
  const dialect = (flags.get('dialect') as string | undefined) ?? 'sqlite'
  if (dialect !== 'sqlite' && dialect !== 'postgres') throw new AppError('BAD_REQUEST', `--dialect is sqlite or postgres, not ${dialect}`)
  const problems = validateModel(doc)
  for (const p of problems) process.stderr.write(`${p.level}: ${p.message}\n`)
  const ddl = modelDdl(doc, dialectFor(dialect))
  out(flags.has('json') ? JSON.stringify({ statements: ddl.statements, problems }, null, 2) : ddl.script.trimEnd())
}

/** `schemist export sqlalchemy <model>` */
export async function exportCommand(format: string | undefined, path: string | undefined, out: (s: string) => void): Promise<void> {
  const exporters: Record<string, (d: ModelDocument) => string> = { sqlalchemy: exportSqlalchemy, typescript: exportTypescript, svg: (d) => modelSvg(d), dbml: exportDbml }
  const fn = format ? exporters[format] : undefined
  if (!fn) throw new AppError('BAD_REQUEST', 'export sqlalchemy|typescript|dbml|svg <model>')
  out(fn(await readModel(path)).trimEnd())
}

/** `schemist reverse <connection> [--out model.json]`: a live database as a model document. */
export async function reverseCommand(conn: string | undefined, flags: Flags, out: (s: string) => void): Promise<void> {
  const d = await openDriver(parseConnectionArg(conn))
  try {
    const doc = schemaToModel(await d.dialect.introspect(d), d.dialect)
    const target = flags.get('out')
    if (typeof target === 'string') {
      await writeFileAtomic(target, JSON.stringify(doc, null, 2) + '\n', 0o644)
      out(`Wrote ${doc.tables.length} tables to ${target}`)
    } else out(JSON.stringify(doc, null, 2))
  } finally {
    await d.close()
  }
}

/** `schemist apply <model> --connection <c>`: create_all in one transaction. */
export async function applyCommand(path: string | undefined, flags: Flags, out: (s: string) => void): Promise<void> {
  const doc = await readModel(path)
  const d = await openDriver(parseConnectionArg(flags.get('connection') as string | undefined, { create: true }))
  try {
    const r = await applyModel(d, doc)
    out(flags.has('json') ? JSON.stringify(r, null, 2) : `Created ${r.created.length ? r.created.join(', ') : 'nothing'}${r.skipped.length ? `; already there: ${r.skipped.join(', ')}` : ''}`)
  } finally {
    await d.close()
  }
}

/**
 * `schemist diff <model> <connection|model2>`: the migration from the database (or from the
 * first model to the second) to the model; `--apply` runs it in one transaction.
 */
export async function diffCommand(modelPath: string | undefined, other: string | undefined, flags: Flags, out: (s: string) => void): Promise<void> {
  const doc = await readModel(modelPath)
  if (!other) throw new AppError('BAD_REQUEST', 'diff <model.json> <connection | other-model.json>')
  if (other.endsWith('.json')) {
    const to = await readModel(other)
    const dialect = (flags.get('dialect') as string | undefined) ?? 'sqlite'
    if (dialect !== 'sqlite' && dialect !== 'postgres') throw new AppError('BAD_REQUEST', `--dialect is sqlite or postgres, not ${dialect}`)
    const plan = planMigration(doc, to, dialectFor(dialect))
    out(flags.has('json') ? JSON.stringify(plan, null, 2) : formatPlan(plan))
    return
  }
  const d = await openDriver(parseConnectionArg(other))
  try {
    const plan = flags.has('apply') ? await applyMigration(d, doc) : await planAgainstDatabase(d, doc)
    out(flags.has('json') ? JSON.stringify(plan, null, 2) : formatPlan(plan) + (flags.has('apply') ? `\n-- applied: ${plan.steps.length} statement(s)` : ''))
  } finally {
    await d.close()
  }
}

function formatPlan(plan: { summary: string[]; warnings: string[]; script: string }): string {
  if (plan.summary.length === 0) return '-- The database already matches the model.'
  return [...plan.summary.map((s) => `-- ${s}`), ...plan.warnings.map((w) => `-- warning: ${w}`), '', plan.script.trimEnd()].join('\n')
}

/** `schemist import sqlalchemy <file.py> [--out model.json]` */
export async function importCommand(format: string | undefined, path: string | undefined, flags: Flags, out: (s: string) => void): Promise<void> {
  if (!['sqlalchemy', 'sql', 'dbml'].includes(format ?? '') || !path) throw new AppError('BAD_REQUEST', 'import sqlalchemy|sql|dbml <file> [--out model.json]')
  const { doc, warnings } =
    format === 'sqlalchemy' ? await readSqlalchemy({ path }) : { doc: format === 'sql' ? await importSqlDdl(await readText(path)) : importDbml(await readText(path)), warnings: [] as string[] }
  for (const w of warnings) process.stderr.write(`warning: ${w}\n`)
  const target = flags.get('out')
  if (typeof target === 'string') {
    await writeFileAtomic(target, JSON.stringify(doc, null, 2) + '\n', 0o644)
    out(`Wrote ${doc.tables.length} tables to ${target}`)
  } else out(JSON.stringify(doc, null, 2))
}
