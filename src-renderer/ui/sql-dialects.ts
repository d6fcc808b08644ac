import * as langSql from '@codemirror/lang-sql'
import type { SQLDialect } from '@codemirror/lang-sql'
import { ENGINES, type Engine } from '../../src-shared/engines'

/** The CodeMirror SQL dialect an engine's registry entry names (highlighting and completion). */
export function editorDialect(engine: Engine): SQLDialect {
  return langSql[ENGINES[engine].editorDialect]
}
