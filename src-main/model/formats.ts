import { basename } from 'node:path'
import { stat } from 'node:fs/promises'
import type { ModelDocument } from '../../src-shared/model/document'
import type { ImportReport } from '../../src-shared/model/import-report'
import { reportWarnings } from '../../src-shared/model/import-report'
import { AppError } from '../../src-shared/errors'
import { modelSvg } from '../../src-shared/model/svg'
import { exportSqlalchemy } from './sqlalchemy-export'
import { importSqlalchemy, importSqlalchemyFiles } from './sqlalchemy-import'
import { exportTypescript } from './typescript-export'
import { exportDbml } from './dbml-export'
import { importDbml } from './dbml-import'
import { importSqlDdl, type SqlParser } from './sql-import'
import { readTextFile } from './model-files'

/** Every way a model leaves as text, in one place for the bridge and the CLI. */
export const EXPORTERS = {
  sqlalchemy: exportSqlalchemy,
  typescript: exportTypescript,
  dbml: exportDbml,
  svg: (doc: ModelDocument) => modelSvg(doc),
} as const
export type ExportFormat = keyof typeof EXPORTERS

export type ImportFormat = 'sqlalchemy' | 'sql' | 'dbml'

export interface ImportResult {
  doc: ModelDocument
  warnings: string[]
  report: ImportReport
}

/** The report of a format whose reader only says warnings (SQL, DBML): what it read, and the rest as notes. */
function reportOf(doc: ModelDocument, warnings: string[], source: string | null): ImportReport {
  const cols = doc.tables.reduce((n, t) => n + t.columns.length, 0)
  const fks = doc.tables.reduce((n, t) => n + t.foreignKeys.length, 0)
  return {
    read: [
      `${doc.tables.length} table${doc.tables.length === 1 ? '' : 's'}${source ? ` from ${source}` : ''}: ${cols} columns, ${fks} foreign keys`,
    ],
    approximated: [],
    skipped: warnings.map((message) => ({
      file: source,
      line: /line (\d+)/.exec(message) ? Number(/line (\d+)/.exec(message)![1]) : null,
      message,
    })),
  }
}

/**
 * Read a model from a file (or its text) in one of the formats the designer imports. SQLAlchemy
 * also reads several files or a folder: a package whose modules import each other.
 */
export async function importModel(
  format: ImportFormat,
  o: { path?: string; paths?: string[]; text?: string; parser?: SqlParser },
): Promise<ImportResult> {
  const paths = o.paths?.length ? o.paths : o.path ? [o.path] : []
  const first = paths[0]
  const name = first ? basename(first).replace(/\.(py|sql|dbml)$/i, '') || 'Imported model' : 'Imported model'
  if (format === 'sqlalchemy') {
    if (o.text != null) return importSqlalchemy(o.text, name)
    if (!paths.length) throw new AppError('BAD_REQUEST', 'Nothing to import: give a file, several files or a folder')
    return importSqlalchemyFiles(paths, name)
  }
  if (paths.length > 1)
    throw new AppError('BAD_REQUEST', `${format === 'sql' ? 'SQL' : 'DBML'} is read from one file at a time`)
  if (
    first &&
    (await stat(first).then(
      (s) => s.isDirectory(),
      () => false,
    ))
  )
    throw new AppError('BAD_REQUEST', `${first} is a folder; ${format === 'sql' ? 'SQL' : 'DBML'} is read from a file`)
  const source = o.text ?? (await readTextFile(first))
  const file = first ? basename(first) : null
  if (format === 'sql') {
    const r = await importSqlDdl(source, name, o.parser)
    return { ...r, report: reportOf(r.doc, r.warnings, file) }
  }
  const warnings: string[] = []
  const doc = importDbml(source, name, warnings)
  const report = reportOf(doc, warnings, file)
  return { doc, warnings: reportWarnings(report).length ? warnings : [], report }
}
