import type { ModelDocument } from '../../src-shared/model/document'
import { createAllOps } from '../../src-shared/model/schema-ops'
import type { Dialect } from '../db/dialect'
import { schemaTarget } from '../db/ddl-compiler'

export interface ModelDdl {
  statements: string[]
  /** The same statements as one script, each ending in a semicolon. */
  script: string
}

/**
 * The DDL that creates the model (SQLAlchemy's `create_all`): its operations
 * (`createAllOps`) written by the engine's compiler.
 */
export function modelDdl(doc: ModelDocument, d: Dialect, only?: Set<string>): ModelDdl {
  const tables = only ? doc.tables.filter((t) => only.has(t.name)) : doc.tables
  const statements = d.ddl.statements(createAllOps(tables, schemaTarget(d)))
  return { statements, script: statements.map((s) => `${s};`).join('\n\n') + (statements.length ? '\n' : '') }
}
