import { basename } from 'node:path'
import type { ModelDocument } from '../../src-shared/model/document'
import { reportWarnings, type ImportNote, type ImportReport } from '../../src-shared/model/import-report'
import { collectSources, Project } from './sqlalchemy/project'
import { readProject } from './sqlalchemy/reader'

/**
 * SQLAlchemy declarations read into a model, from one module's text or from files and folders
 * (a package whose modules import each other). Parsed by a real Python parser, interpreted as
 * SQLAlchemy would build them, never run: see ./sqlalchemy/reader.ts.
 */
export interface SqlalchemyImport {
  doc: ModelDocument
  warnings: string[]
  report: ImportReport
}

export function importSqlalchemy(code: string, name = 'Imported model', file = 'models.py'): SqlalchemyImport {
  const module = basename(file).replace(/\.py$/i, '') || 'models'
  const { doc, report } = readProject(new Project([{ file, code, module, isPackage: false }]), name)
  return { doc, report, warnings: reportWarnings(report) }
}

export async function importSqlalchemyFiles(paths: string[], name: string): Promise<SqlalchemyImport> {
  const notes: ImportNote[] = []
  const sources = await collectSources(paths, notes)
  const { doc, report } = readProject(new Project(sources), name)
  report.skipped.unshift(...notes)
  return { doc, report, warnings: reportWarnings(report) }
}
