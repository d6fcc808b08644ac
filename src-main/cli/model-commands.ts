import { AppError } from '../../src-shared/errors'
import type { ModelDocument } from '../../src-shared/model/document'
import { validateModel } from '../../src-shared/model/validate'
import { dialectFor, openDriver } from '../db/open-driver'
import { writeFileAtomic } from '../db/atomic-write'
import { modelDdl } from '../model/model-ddl'
import { applyModel } from '../model/apply-model'
import { alembicAgainstDatabase, alembicBetweenModels, type AlembicExport } from '../model/alembic-export'
import { applyMigration, planAgainstDatabase } from '../model/apply-migration'
import { planMigration } from '../model/migrate'
import { schemaToModel } from '../model/reverse'
import { EXPORTERS, importModel, type ExportFormat, type ImportFormat } from '../model/formats'
import { readModelFile } from '../model/model-files'
import type { SqlParser } from '../model/sql-import'
import { ENGINE_LIST, ENGINES, isEngine } from '../../src-shared/engines'
import { parseConnectionArg } from './connection-arg'
import { noteText, type ImportReport } from '../../src-shared/model/import-report'

/** An import's report as the CLI prints it (to stderr, so --out and pipes get the model alone). */
export function reportLines(r: ImportReport): string[] {
  return [
    ...r.read.map((x) => `read: ${x}`),
    ...r.approximated.map((n) => `approximated: ${noteText(n)}`),
    ...r.skipped.map((n) => `skipped: ${noteText(n)}`),
  ]
}

type Flags = Map<string, string | true>

/** Write a model to --out, or print it. */
async function emitModel(doc: ModelDocument, flags: Flags, out: (s: string) => void) {
  const target = flags.get('out')
  if (typeof target === 'string') {
    await writeFileAtomic(target, JSON.stringify(doc, null, 2) + '\n', 0o644)
    out(`Wrote ${doc.tables.length} tables to ${target}`)
  } else out(JSON.stringify(doc, null, 2))
}

/** `schemist ddl <model> --dialect sqlite|postgres` */
export async function ddlCommand(path: string | undefined, flags: Flags, out: (s: string) => void): Promise<void> {
  const doc = await readModelFile(path)
  const dialect = (flags.get('dialect') as string | undefined) ?? 'sqlite'
  if (!isEngine(dialect))
    throw new AppError('BAD_REQUEST', `--dialect is ${Object.keys(ENGINES).join(' or ')}, not ${dialect}`)
  const problems = validateModel(doc)
  for (const p of problems) process.stderr.write(`${p.level}: ${p.message}\n`)
  const ddl = modelDdl(doc, dialectFor(dialect))
  out(flags.has('json') ? JSON.stringify({ statements: ddl.statements, problems }, null, 2) : ddl.script.trimEnd())
}

/** `schemist export sqlalchemy|typescript|dbml|svg <model>` */
export async function exportCommand(
  format: string | undefined,
  path: string | undefined,
  out: (s: string) => void,
): Promise<void> {
  if (!format || !(format in EXPORTERS))
    throw new AppError('BAD_REQUEST', `export ${Object.keys(EXPORTERS).join('|')} <model>`)
  out(EXPORTERS[format as ExportFormat](await readModelFile(path)).trimEnd())
}

/** `schemist reverse <connection> [--out model.json]`: a live database as a model document. */
export async function reverseCommand(conn: string | undefined, flags: Flags, out: (s: string) => void): Promise<void> {
  const d = await openDriver(parseConnectionArg(conn))
  try {
    await emitModel(schemaToModel(await d.dialect.introspect(d), d.dialect), flags, out)
  } finally {
    await d.close()
  }
}

/** `schemist apply <model> --connection <c>`: create_all in one transaction. */
export async function applyCommand(path: string | undefined, flags: Flags, out: (s: string) => void): Promise<void> {
  const doc = await readModelFile(path)
  const d = await openDriver(parseConnectionArg(flags.get('connection') as string | undefined, { create: true }))
  try {
    const r = await applyModel(d, doc)
    out(
      flags.has('json')
        ? JSON.stringify(r, null, 2)
        : `Created ${r.created.length ? r.created.join(', ') : 'nothing'}${r.skipped.length ? `; already there: ${r.skipped.join(', ')}` : ''}`,
    )
  } finally {
    await d.close()
  }
}

/**
 * `schemist diff <model> <connection|model2>`: the migration from the database (or from the
 * first model to the second) to the model; `--apply` runs it in one transaction.
 */
export async function diffCommand(
  modelPath: string | undefined,
  other: string | undefined,
  flags: Flags,
  out: (s: string) => void,
): Promise<void> {
  const doc = await readModelFile(modelPath)
  if (!other) throw new AppError('BAD_REQUEST', 'diff <model.json> <connection | other-model.json>')
  // --alembic "message": the same diff as an Alembic revision script.
  const alembic = flags.get('alembic')
  const message = typeof alembic === 'string' ? alembic : 'schemist migration'
  const emitRevision = (r: AlembicExport) => {
    for (const w of r.warnings) process.stderr.write(`warning: ${w}\n`)
    out(flags.has('json') ? JSON.stringify(r, null, 2) : r.code.trimEnd())
  }
  if (other.endsWith('.json')) {
    const to = await readModelFile(other)
    if (alembic) {
      const down = flags.get('down-revision')
      emitRevision(alembicBetweenModels(doc, to, message, typeof down === 'string' ? down : null))
      return
    }
    const dialect = (flags.get('dialect') as string | undefined) ?? 'sqlite'
    if (!isEngine(dialect))
      throw new AppError('BAD_REQUEST', `--dialect is ${Object.keys(ENGINES).join(' or ')}, not ${dialect}`)
    const plan = planMigration(doc, to, dialectFor(dialect))
    out(flags.has('json') ? JSON.stringify(plan, null, 2) : formatPlan(plan))
    return
  }
  const d = await openDriver(parseConnectionArg(other))
  try {
    if (alembic) {
      emitRevision(await alembicAgainstDatabase(d, doc, message))
      return
    }
    const plan = flags.has('apply') ? await applyMigration(d, doc) : await planAgainstDatabase(d, doc)
    out(
      flags.has('json')
        ? JSON.stringify(plan, null, 2)
        : formatPlan(plan) + (flags.has('apply') ? `\n-- applied: ${plan.steps.length} statement(s)` : ''),
    )
  } finally {
    await d.close()
  }
}

function formatPlan(plan: { summary: string[]; warnings: string[]; script: string }): string {
  if (plan.summary.length === 0) return '-- The database already matches the model.'
  return [
    ...plan.summary.map((s) => `-- ${s}`),
    ...plan.warnings.map((w) => `-- warning: ${w}`),
    '',
    plan.script.trimEnd(),
  ].join('\n')
}

/** `schemist import sqlalchemy <file.py|folder>... [--out model.json]`: the report goes to stderr. */
export async function importCommand(
  format: string | undefined,
  paths: string[],
  flags: Flags,
  out: (s: string) => void,
): Promise<void> {
  if (!['sqlalchemy', 'sql', 'dbml'].includes(format ?? '') || !paths.length)
    throw new AppError(
      'BAD_REQUEST',
      'import sqlalchemy <file.py | folder>... | sql <file> | dbml <file> [--out model.json] [--connection postgres://… for SQL only PostgreSQL reads]',
    )
  // SQL that SQLite cannot read goes to PostgreSQL, in a scratch database on the server --connection names.
  const connection = flags.get('connection')
  let parser: SqlParser | undefined
  if (typeof connection === 'string') {
    const server = parseConnectionArg(connection)
    if (!ENGINES[server.engine].capabilities.parsesSql)
      throw new AppError(
        'BAD_REQUEST',
        `--connection for import sql names a server whose parser reads what SQLite cannot (${ENGINE_LIST.filter(
          (e) => e.capabilities.parsesSql,
        )
          .map((e) => e.label)
          .join(', ')}), not ${ENGINES[server.engine].label}`,
      )
    parser = { engine: 'auto', server: async () => server }
  }
  const { doc, report } = await importModel(format as ImportFormat, { paths, parser })
  for (const line of reportLines(report)) process.stderr.write(`${line}\n`)
  await emitModel(doc, flags, out)
}
