import { basename } from 'node:path'
import type { ModelDocument } from '../../src-shared/model/document'
import { modelSvg } from '../../src-shared/model/svg'
import { exportSqlalchemy } from './sqlalchemy-export'
import { importSqlalchemy } from './sqlalchemy-import'
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

/** Read a model from a file (or its text) in one of the formats the designer imports. */
export async function importModel(format: ImportFormat, o: { path?: string; text?: string; parser?: SqlParser }): Promise<{ doc: ModelDocument; warnings: string[] }> {
  const source = o.text ?? (await readTextFile(o.path))
  const name = o.path ? basename(o.path).replace(/\.(py|sql|dbml)$/i, '') : 'Imported model'
  if (format === 'sqlalchemy') return importSqlalchemy(source, name)
  if (format === 'sql') return importSqlDdl(source, name, o.parser)
  const warnings: string[] = []
  return { doc: importDbml(source, name, warnings), warnings }
}
