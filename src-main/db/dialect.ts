import type { EngineCapabilities } from '../../src-shared/engines'
import type { Column, DatabaseSchema, NeutralType } from '../../src-shared/schema'
import type { Engine } from '../../src-shared/connection'
import type { Driver } from './driver'
import type { DdlCompiler } from './ddl-compiler'
import type { ExplainResult } from '../../src-shared/plan'
import type { Cell } from '../../src-shared/values'

/** What differs between engines, in one place per engine (see `sqlite/` and `postgres/`). */
export interface Dialect {
  readonly name: Engine
  readonly capabilities: DialectCapabilities
  /** The schema an unqualified name lands in (public), or null where there are no schemas to move between. */
  readonly defaultSchema: string | null
  /** Quote an identifier. The only place identifiers are escaped for this engine. */
  quoteIdent(name: string): string
  /** Quote a possibly schema-qualified table name. */
  qualify(schema: string | null, name: string): string
  /** Quote a string literal (used only where the engine cannot take a parameter, e.g. DDL defaults). */
  quoteLiteral(value: string): string
  /** A value as an SQL literal, for scripts (INSERT statements exported to a file). */
  sqlLiteral(v: Cell): string
  /** Placeholder for the nth parameter (1-based). */
  placeholder(n: number): string
  /** LIMIT/OFFSET from already-rendered placeholders (either may be null). */
  limitClause(limit: string | null, offset: string | null): string
  /**
   * One ORDER BY term with NULLs placed: last when ascending, first when descending (the keyset
   * pager's order). `x ASC NULLS LAST` where the engine has NULLS, `x IS NULL, x ASC` elsewhere.
   */
  orderTerm(expr: string, desc: boolean): string
  /** A random number per row, for ORDER BY (a sample): random() or RAND(). */
  readonly randomFunction: string
  /**
   * The type a column of this native type takes where it is part of a key or a foreign key
   * (a split's new tables): the same, except where the engine cannot index it whole (MariaDB's
   * TEXT and BLOB need a length, so they become VARCHAR(255) and VARBINARY(255)).
   */
  keyType(nativeType: string): string
  /** Case-insensitive LIKE of two SQL operands. */
  ilike(left: string, right: string): string
  /** Isolation choices for BEGIN, the engine's own names, weakest first. */
  readonly isolationLevels: readonly string[]
  /**
   * The level a transaction that is sure to write begins at, so it waits for the write lock up
   * front instead of failing when it upgrades (SQLite's IMMEDIATE: a deferred transaction that
   * read first gets SQLITE_BUSY at once, without waiting, while another connection writes). Null
   * where the default already waits (PostgreSQL's row locks).
   */
  readonly writeTransactionLevel: string | null
  /** Identifiers longer than this (in UTF-8 bytes) are cut by the engine (PostgreSQL: 63); null when there is no limit. */
  readonly maxIdentifierBytes: number | null
  /**
   * The statement that opens a transaction at the given isolation level (or the default), with
   * PostgreSQL's READ ONLY and DEFERRABLE where asked (an engine without them refuses).
   */
  beginSql(isolationLevel?: string, options?: BeginOptions): string
  /**
   * INSERT for a page of rows that brings back `returning` for each row, correlated to the rows:
   * SQLite runs one row per statement (RETURNING order is not tied to VALUES order there);
   * PostgreSQL sends many rows at once, ordered by a sentinel, as SQLAlchemy's insertmanyvalues.
   */
  insertMany(
    table: string,
    columns: { name: string; nativeType: string }[],
    returning: string[],
    rowCount: number,
  ): { sql: string; rows: number }
  /** Most rows one insertMany statement may carry for this many columns. */
  insertPageSize(columnCount: number, returning: boolean): number
  /** The hidden row id a table without a primary key can be addressed by (SQLite's rowid), if any. */
  readonly rowidColumn: string | null
  /**
   * What `SET column = ...` writes to put a column back to its default: the DEFAULT keyword where
   * UPDATE takes it (PostgreSQL), else the column's default expression (SQLite), else NULL.
   */
  columnDefaultSql(serverDefault: string | null): string
  /** A cheap row-count estimate from the catalog, or null when the engine keeps none. */
  estimateRows(driver: Driver, schema: string | null, name: string): Promise<number | null>
  /**
   * The plan of a statement as a tree. With `analyze` (where the engine can), the statement
   * runs inside a transaction that is rolled back, on a connection opened by `connect`.
   */
  explain(driver: Driver, sql: string, analyze: boolean, connect: () => Promise<Driver>): Promise<ExplainResult>
  /** The statement that writes a consistent copy of the whole database to a file, where the engine keeps one (SQLite's VACUUM INTO); null otherwise. */
  snapshotSql(path: string): string | null
  /** A statement that bounds lock waits on this connection, or null where the driver does it (SQLite's busy timeout). */
  lockTimeoutSql(ms: number): string | null
  /** The journal mode (SQLite: delete, wal...), where the engine has one; null elsewhere. */
  journalMode(driver: Driver): Promise<string | null>
  /** The names of a table's own triggers (not the engine's internal ones), which a rebuild or split would lose. */
  triggersOf(driver: Driver, schema: string | null, table: string): Promise<string[]>
  /**
   * Names for result columns' origins reported as numbers (PostgreSQL's table OID and attribute
   * number), keyed `table:column`. Engines that report names directly (SQLite) return none.
   */
  resolveOrigins(
    driver: Driver,
    ids: { table: number; column: number }[],
  ): Promise<Map<string, { schema: string | null; table: string; column: string }>>
  /** Schema operations to SQL: the standard compiler with this engine's overrides (`<engine>-ddl.ts`). */
  readonly ddl: DdlCompiler
  /** Native type spelling for a column in CREATE TABLE. */
  columnTypeSql(
    column: Pick<Column, 'type' | 'length' | 'scale' | 'autoincrement' | 'primaryKey'>,
    singlePk: boolean,
  ): string
  /** Map an engine's native type name to the neutral type. */
  neutralType(native: string): { type: NeutralType; length?: number; scale?: number }
  /** Read the whole schema through an open connection. */
  introspect(driver: Driver): Promise<DatabaseSchema>
}

export interface BeginOptions {
  readOnly?: boolean
  /** Only with SERIALIZABLE READ ONLY: wait for a snapshot that cannot see an anomaly, then never abort. */
  deferrable?: boolean
}

/** The engine's capabilities, as the shared registry states them. */
export type DialectCapabilities = EngineCapabilities
