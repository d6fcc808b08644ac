import { ENGINES, type Engine } from '../../../src-shared/engines'

/** How a migration runs on the engine, in words for a preview. */
export function migrationRunsAs(engine: Engine): string {
  const e = ENGINES[engine]
  if (e.capabilities.transactionalDdl)
    return `It runs in one transaction${e.capabilities.alterColumn ? '' : `; ${e.label} rebuilds a table where it cannot ALTER it, rows kept`}: if any statement fails, nothing changes.`
  return `${e.label} commits every DDL statement by itself, so this cannot run as one transaction: if a statement fails, the ones before it stay applied (the error says which ran).`
}
