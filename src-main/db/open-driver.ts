import type { ConnectionConfig, Engine } from '../../src-shared/connection'
import type { Dialect } from './dialect'
import type { Driver } from './driver'
import { PostgresDriver } from './postgres/pg-driver'
import { postgresDialect } from './postgres/pg-dialect'
import { SqliteDriver } from './sqlite/sqlite-driver'
import { sqliteDialect } from './sqlite/sqlite-dialect'
import { openSqliteProbe } from './sqlite/sqlite-lock-probe'
import { openPostgresProbe } from './postgres/pg-lock-probe'
import { postgresRowVersions } from './postgres/pg-row-versions'
import { postgresScratchDatabase } from './postgres/pg-scratch'
import type { LockProbeFactory } from './lock-probe'
import type { HeldLock, MvccView } from '../../src-shared/tx'
import { MariadbDriver } from './mariadb/mariadb-driver'
import { mariadbDialect } from './mariadb/mariadb-dialect'
import { openMariadbProbe } from './mariadb/mariadb-lock-probe'
import { MariadbPlayground } from './mariadb/mariadb-playground'
import { mariadbHeldLocks } from './mariadb/mariadb-held-locks'
import type { PlaygroundBase } from './playground-base'

/**
 * The main-side registry of engines: the one place that knows which folder serves which engine.
 * Each entry is made of role files in `./<engine>/` (the dialect, the driver, lock inspection,
 * row-version inspection where the engine keeps versions); the facts about an engine (label,
 * capabilities, isolation levels) are in the shared registry, src-shared/engines.ts.
 */
export interface EngineRoles<E extends Engine = Engine> {
  dialect: Dialect
  open: (c: Extract<ConnectionConfig, { engine: E }>) => Promise<Driver>
  lockProbe: LockProbeFactory
  /** The row versions behind a table, as one connection sees it (engines that keep versions). */
  rowVersions?: (d: Driver, table: { schema: string | null; name: string }) => Promise<MvccView>
  /** A scratch database on a server, to let the engine's own parser read a script (servers). */
  scratchDatabase?: (
    server: Extract<ConnectionConfig, { engine: E }>,
  ) => Promise<{ driver: Driver; drop: () => Promise<void> }>
  /** The locks each of these connections' transactions holds, read on a connection of its own (InnoDB). */
  heldLocks?: (config: ConnectionConfig, drivers: Driver[]) => Promise<{ locks: HeldLock[][]; note: string | null }>
  /**
   * A local playground server in the app's data directory, seeded by `seed`. PostgreSQL's is
   * made by the services directly (src-main/db/playground.ts), as it also parses SQL imports.
   */
  playground?: (dataDir: string, seed: (d: Driver) => Promise<void>, log: (m: string) => void) => PlaygroundBase
}

const ENGINES: { [E in Engine]: EngineRoles<E> } = {
  sqlite: { dialect: sqliteDialect, open: (c) => SqliteDriver.open(c), lockProbe: openSqliteProbe },
  postgres: {
    dialect: postgresDialect,
    open: (c) => PostgresDriver.open(c),
    lockProbe: openPostgresProbe,
    rowVersions: postgresRowVersions,
    scratchDatabase: postgresScratchDatabase,
  },
  mariadb: {
    dialect: mariadbDialect,
    open: (c) => MariadbDriver.open(c),
    lockProbe: openMariadbProbe,
    playground: (dataDir, seed) => new MariadbPlayground(dataDir, seed),
    heldLocks: mariadbHeldLocks,
  },
}

export function engineRoles(engine: Engine): EngineRoles {
  return ENGINES[engine] as unknown as EngineRoles
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
