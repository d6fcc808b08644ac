import type { ConnectionConfig, Engine } from '../../src-shared/connection'
import type { Dialect } from './dialect'
import type { Driver } from './driver'
import { PostgresDriver } from './postgres/pg-driver'
import { postgresDialect } from './postgres/pg-dialect'
import { SqliteDriver } from './sqlite/sqlite-driver'
import { sqliteDialect } from './sqlite/sqlite-dialect'

/** The registry of engines: the one place that knows which driver serves which config. */
const ENGINES: { [E in Engine]: { dialect: Dialect; open: (c: Extract<ConnectionConfig, { engine: E }>) => Promise<Driver> } } = {
  sqlite: { dialect: sqliteDialect, open: (c) => SqliteDriver.open(c) },
  postgres: { dialect: postgresDialect, open: (c) => PostgresDriver.open(c) },
}

/**
 * A new connection. `label` is what the user calls it ("console pane B"): a lock wait on another
 * connection names it as the holder.
 */
export async function openDriver(config: ConnectionConfig, label?: string): Promise<Driver> {
  const engine = ENGINES[config.engine] as { open: (c: ConnectionConfig) => Promise<Driver> }
  const d = await engine.open(config)
  if (label) d.label = label
  return d
}

export function dialectFor(engine: Engine): Dialect {
  return ENGINES[engine].dialect
}
