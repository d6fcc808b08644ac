import type { ConnectionConfig, Engine, ServerConfig, SqliteConfig } from './connection'

export type { Engine }

/**
 * The engine registry: what each engine is called, what it can do and where its databases live.
 * Shared by main and the renderer, so the renderer asks a capability ("can this engine show row
 * versions?") and never compares engine names. Engine-specific code (SQL, drivers, catalog
 * queries) lives in `src-main/db/<engine>/`; this file holds only facts. Together with that
 * folder and the main-side table in `src-main/db/open-driver.ts`, it is everything an engine adds.
 */
export interface EngineCapabilities {
  /** UPDATE ... RETURNING (and INSERT/DELETE ... RETURNING). */
  returning: boolean
  /** INSERT ... RETURNING and DELETE ... RETURNING, even where UPDATE has none (MariaDB 10.5+). */
  insertDeleteReturning: boolean
  /** DDL statements take part in transactions and roll back with them. */
  transactionalDdl: boolean
  /** Schemas (namespaces) beyond one database file. */
  schemas: boolean
  /** ALTER TABLE can change a column's type or drop constraints in place (else the table is rebuilt). */
  alterColumn: boolean
  /**
   * A table's columns can be put in another order: in place (MariaDB's MODIFY ... AFTER) or by
   * rebuilding the table (SQLite). PostgreSQL keeps a column's position for the table's life.
   */
  reorderColumns: boolean
  /** The driver can report the rowid of each INSERT without RETURNING (SQLite's lastInsertRowid). */
  lastInsertId: boolean
  /** A table's single INTEGER PRIMARY KEY is its row id and always autoincrements (SQLite). */
  rowidKeys: boolean
  /** CREATE TABLE may name a table not created yet in REFERENCES (SQLite); otherwise such keys are added by ALTER TABLE afterwards. */
  forwardReferences: boolean
  /** An error inside a transaction aborts it: every later statement fails until ROLLBACK (PostgreSQL). */
  errorAbortsTransaction: boolean
  /** Row versions (xmin, xmax, ctid) can be shown: the engine keeps several versions of a row (MVCC). */
  rowVersions: boolean
  /** The locks each transaction holds can be listed (record, gap, next-key, insert intention: InnoDB). */
  heldLocks: boolean
  /** EXPLAIN ANALYZE runs the statement and reports real times and row counts. */
  explainAnalyze: boolean
  /** BEGIN takes READ ONLY and DEFERRABLE. */
  readOnlyDeferrable: boolean
  /** A server of this engine can parse SQL DDL for an import (its own parser, in a scratch database). */
  parsesSql: boolean
  /**
   * The server says whether one session is blocked by given others, the way PostgreSQL's own
   * isolation tester asks it (pg_isolation_test_session_is_blocked): specs run through the exact
   * tester (src-main/tx/isolation-tester.ts), byte for byte. Elsewhere they run on the step engine.
   */
  isolationTester: boolean
}

export interface EngineInfo {
  name: Engine
  /** What people read: "PostgreSQL". */
  label: string
  /** The icon in the sidebar and the connection dialog. */
  icon: 'database' | 'elephant'
  /** Where a database lives: one file the app opens, or a server it connects to. */
  location: 'file' | 'server'
  /** The SQL dialect the editor highlights and completes with (a name exported by @codemirror/lang-sql). */
  editorDialect: 'SQLite' | 'PostgreSQL' | 'MySQL' | 'MariaSQL'
  /** Isolation choices for BEGIN, the engine's own names, weakest first. */
  isolationLevels: readonly string[]
  /** Levels the engine accepts but runs as another (PostgreSQL's READ UNCOMMITTED), with what to tell the user. */
  levelNotes: Readonly<Record<string, string>>
  /** How the engine's isolation works, in a few sentences (the console's level tooltip). */
  isolationSummary: string
  capabilities: EngineCapabilities
  /** For a file engine: the endings of its database files (opened when dropped on the window). */
  fileExtensions?: readonly string[]
  /** For a server engine: the defaults of a new connection. */
  serverDefaults?: { port: number; user: string; database: string }
}

export const ENGINES: { readonly [E in Engine]: EngineInfo & { name: E } } = {
  sqlite: {
    name: 'sqlite',
    label: 'SQLite',
    icon: 'database',
    location: 'file',
    editorDialect: 'SQLite',
    isolationLevels: ['DEFERRED', 'IMMEDIATE', 'EXCLUSIVE'],
    levelNotes: {},
    isolationSummary:
      'SQLite is serializable: one writer at a time. BEGIN DEFERRED takes locks as it goes, IMMEDIATE takes the write lock at BEGIN, EXCLUSIVE also keeps readers out (in rollback-journal mode). PRAGMA read_uncommitted needs a shared cache, which this build of SQLite leaves out (SQLITE_OMIT_SHARED_CACHE), so dirty reads cannot happen here.',
    fileExtensions: ['.sqlite', '.sqlite3', '.db'],
    capabilities: {
      returning: true,
      insertDeleteReturning: true,
      transactionalDdl: true,
      schemas: false,
      alterColumn: false,
      reorderColumns: true,
      lastInsertId: true,
      rowidKeys: true,
      forwardReferences: true,
      errorAbortsTransaction: false,
      rowVersions: false,
      heldLocks: false,
      explainAnalyze: false,
      readOnlyDeferrable: false,
      parsesSql: false,
      isolationTester: false,
    },
  },
  postgres: {
    name: 'postgres',
    label: 'PostgreSQL',
    icon: 'elephant',
    location: 'server',
    editorDialect: 'PostgreSQL',
    isolationLevels: ['READ UNCOMMITTED', 'READ COMMITTED', 'REPEATABLE READ', 'SERIALIZABLE'],
    isolationSummary:
      'PostgreSQL: READ UNCOMMITTED behaves as READ COMMITTED; REPEATABLE READ is snapshot isolation (a lost update fails with 40001); SERIALIZABLE adds SSI, which aborts one transaction of a dangerous cycle.',
    levelNotes: {
      'READ UNCOMMITTED': 'PostgreSQL runs READ UNCOMMITTED as READ COMMITTED: it never shows uncommitted rows.',
    },
    capabilities: {
      returning: true,
      insertDeleteReturning: true,
      transactionalDdl: true,
      schemas: true,
      alterColumn: true,
      reorderColumns: false,
      lastInsertId: false,
      rowidKeys: false,
      forwardReferences: false,
      errorAbortsTransaction: true,
      rowVersions: true,
      heldLocks: false,
      explainAnalyze: true,
      readOnlyDeferrable: true,
      parsesSql: true,
      isolationTester: true,
    },
    serverDefaults: { port: 5432, user: 'postgres', database: 'postgres' },
  },
  mariadb: {
    name: 'mariadb',
    label: 'MariaDB',
    icon: 'database',
    location: 'server',
    editorDialect: 'MariaSQL',
    isolationLevels: ['READ UNCOMMITTED', 'READ COMMITTED', 'REPEATABLE READ', 'SERIALIZABLE'],
    isolationSummary:
      'MariaDB (InnoDB): READ UNCOMMITTED really shows uncommitted rows; READ COMMITTED takes a fresh snapshot per statement; REPEATABLE READ (the default) reads one snapshot, but UPDATE, DELETE and SELECT ... FOR UPDATE read the latest committed row, so a lost update is allowed where PostgreSQL aborts; SERIALIZABLE turns plain SELECTs into locking reads, so conflicts block or deadlock instead of aborting. Gap and next-key locks block inserts into a range another transaction read with a lock.',
    levelNotes: {
      'READ UNCOMMITTED':
        'InnoDB really reads uncommitted rows here: dirty reads happen (neither PostgreSQL nor SQLite ever shows them).',
      'REPEATABLE READ':
        'Plain SELECTs read the first snapshot, but UPDATE, DELETE and locking reads see the latest committed row: a lost update is allowed (PostgreSQL aborts it with 40001).',
      SERIALIZABLE:
        'Every plain SELECT takes shared locks (LOCK IN SHARE MODE): a conflicting write waits, and a cycle ends in a deadlock error for one transaction, not a serialization failure.',
    },
    capabilities: {
      // INSERT and DELETE take RETURNING on MariaDB, but UPDATE does not.
      returning: false,
      insertDeleteReturning: true,
      transactionalDdl: false,
      schemas: false,
      alterColumn: true,
      reorderColumns: true,
      lastInsertId: true,
      rowidKeys: false,
      forwardReferences: false,
      errorAbortsTransaction: false,
      rowVersions: false,
      heldLocks: true,
      explainAnalyze: true,
      readOnlyDeferrable: false,
      parsesSql: false,
      isolationTester: false,
    },
    serverDefaults: { port: 3306, user: 'root', database: 'mysql' },
  },
}

/** Every engine, in the order the app offers them. */
export const ENGINE_LIST: readonly EngineInfo[] = Object.values(ENGINES)

export function engineInfo(engine: Engine): EngineInfo {
  return ENGINES[engine]
}

export function isEngine(name: string): name is Engine {
  return Object.hasOwn(ENGINES, name)
}

/** The file engine whose database files end like `name`, if any. */
export function engineForFile(name: string): Engine | null {
  const lower = name.toLowerCase()
  return ENGINE_LIST.find((e) => e.fileExtensions?.some((x) => lower.endsWith(x)))?.name ?? null
}

/** The database file of a file engine's connection; null for a server. */
export function fileOf(c: ConnectionConfig): string | null {
  return 'path' in c ? (c as SqliteConfig).path : null
}

/** The server settings of a server engine's connection; null for a file. */
export function serverOf(c: ConnectionConfig): ServerConfig | null {
  return 'host' in c ? (c as ServerConfig) : null
}

/** A connection to a database file of a file engine. */
export function fileConfig(engine: Engine, path: string, create: boolean): ConnectionConfig {
  if (ENGINES[engine].location !== 'file') throw new Error(`${ENGINES[engine].label} databases are not files`)
  return { engine: engine as SqliteConfig['engine'], path, create, readOnly: false }
}

/** A connection to a server engine, with that engine's defaults for what is not given. */
export function serverConfig(engine: Engine, fields: Partial<Omit<ServerConfig, 'engine'>>): ConnectionConfig {
  const d = ENGINES[engine].serverDefaults
  if (!d) throw new Error(`${ENGINES[engine].label} is not a server`)
  return {
    engine: engine as ServerConfig['engine'],
    host: '127.0.0.1',
    port: d.port,
    user: d.user,
    database: d.database,
    sslMode: 'prefer',
    ...fields,
  }
}

/** Where a connection goes, short: the file's name, or host:port/database. */
export function shortLocation(c: ConnectionConfig): string {
  const file = fileOf(c)
  if (file !== null) return file.split(/[\\/]/).pop() || file
  const s = serverOf(c)!
  return `${s.host}:${s.port}/${s.database}`
}

/** Where a connection goes, in full: the file's path, or user@host:port/database. */
export function describeConfig(c: ConnectionConfig): string {
  const file = fileOf(c)
  if (file !== null) return file
  const s = serverOf(c)!
  return `${s.user}@${s.host}:${s.port}/${s.database}`
}

/** Engines the app can run a local playground server of (a private instance in the data directory). */
export const PLAYGROUND_ENGINES = ['postgres', 'mariadb'] as const
export type PlaygroundEngine = (typeof PLAYGROUND_ENGINES)[number]
