import { ENGINES } from '../../../src-shared/engines'
import { AppError } from '../../../src-shared/errors'
import type { Dialect } from '../dialect'
import { neutralFromNative } from '../type-names'
import { MariadbDdl } from './mariadb-ddl'
import { explainMariadb } from './mariadb-explain'
import { introspectMariadb } from './mariadb-introspector'

const TYPE_SQL: Record<string, string> = {
  integer: 'int',
  bigint: 'bigint',
  smallint: 'smallint',
  real: 'float',
  double: 'double',
  numeric: 'decimal',
  boolean: 'tinyint(1)',
  text: 'text',
  varchar: 'varchar',
  date: 'date',
  time: 'time',
  timestamp: 'datetime(6)',
  timestamptz: 'timestamp(6)',
  json: 'json',
  uuid: 'uuid',
  blob: 'longblob',
  unknown: 'text',
}

// The one quoting rule for MariaDB identifiers: backquotes, a backquote doubled.
const ident = (name: string) => `\`${name.replaceAll('`', '``')}\``
// One database is one schema here: names are never qualified by another database.
const qualify = (_schema: string | null, name: string) => ident(name)
const literal = (v: string) => `'${v.replaceAll('\\', '\\\\').replaceAll("'", "''")}'`

export const mariadbDialect: Dialect = {
  name: 'mariadb',
  defaultSchema: null,
  capabilities: ENGINES.mariadb.capabilities,
  quoteIdent: ident,
  qualify,
  quoteLiteral: literal,
  placeholder: () => '?',
  sqlLiteral(v) {
    if (v === null) return 'NULL'
    if (typeof v === 'number') return String(v)
    if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE'
    if (typeof v === 'object') return '$bigint' in v ? v.$bigint : `X'${v.$blob}'`
    return literal(v)
  },
  limitClause: (limit, offset) =>
    // MariaDB has no OFFSET without LIMIT: the largest row count stands for "all".
    limit
      ? ` LIMIT ${limit}${offset ? ` OFFSET ${offset}` : ''}`
      : offset
        ? ` LIMIT 18446744073709551615 OFFSET ${offset}`
        : '',
  insertMany(table, columns, returning, rowCount) {
    const q = (n: string) => ident(n)
    // INSERT ... RETURNING is MariaDB's (10.5+); its rows come back in VALUES order.
    const ret = returning.length ? ` RETURNING ${returning.map(q).join(', ')}` : ''
    if (columns.length === 0) return { sql: `INSERT INTO ${table} () VALUES ()${ret}`, rows: 1 }
    const row = `(${columns.map(() => '?').join(', ')})`
    return {
      sql: `INSERT INTO ${table} (${columns.map((c) => q(c.name)).join(', ')}) VALUES ${Array.from({ length: rowCount }, () => row).join(', ')}${ret}`,
      rows: rowCount,
    }
  },
  // Rows that need their new keys back go one per statement: LAST_INSERT_ID names only the first
  // of a multi-row INSERT (and RETURNING's order is not promised).
  insertPageSize: (n, returning) => (returning ? 1 : Math.max(1, Math.min(1000, Math.floor(60000 / Math.max(1, n))))),
  rowidColumn: null,
  columnDefaultSql: () => 'DEFAULT',
  lockTimeoutSql: (ms) => `SET SESSION innodb_lock_wait_timeout = ${Math.max(1, Math.ceil(ms / 1000))}`,
  async estimateRows(driver, _schema, name) {
    const r = await driver.query(
      'SELECT table_rows FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?',
      [name],
    )
    const n = Number(r.rows[0]?.[0] ?? -1)
    return n >= 0 ? n : null
  },
  explain: explainMariadb,
  // No NULLS FIRST/LAST here: `x IS NULL` (0 or 1) sorts the NULLs to their end first.
  orderTerm: (x, desc) => (desc ? `${x} IS NULL DESC, ${x} DESC` : `${x} IS NULL, ${x} ASC`),
  randomFunction: 'RAND()',
  // 255 characters: three such columns (utf8mb4, 4 bytes each) fit InnoDB's 3072-byte key; a longer value fails the copy, and the split is undone.
  keyType: (t) =>
    /^(tiny|medium|long)?text$/i.test(t.trim())
      ? 'VARCHAR(255)'
      : /^(tiny|medium|long)?blob$/i.test(t.trim())
        ? 'VARBINARY(255)'
        : t,
  ilike: (l, r) => `LOWER(${l}) LIKE LOWER(${r})`,
  isolationLevels: ENGINES.mariadb.isolationLevels,
  writeTransactionLevel: null,
  snapshotSql: () => null,
  maxIdentifierBytes: 64,
  beginSql(level, options = {}) {
    const l = level?.toUpperCase()
    if (l && !this.isolationLevels.includes(l))
      throw new AppError('BAD_REQUEST', `Unknown MariaDB isolation level ${level}`)
    if (options.deferrable) throw new AppError('BAD_REQUEST', 'MariaDB has no DEFERRABLE transactions')
    // SET TRANSACTION names the level of the next transaction only; the driver runs both statements.
    // BEGIN is MariaDB's alias of START TRANSACTION, and what the other engines send.
    const start = options.readOnly ? 'START TRANSACTION READ ONLY' : 'BEGIN'
    return l ? `SET TRANSACTION ISOLATION LEVEL ${l}; ${start}` : start
  },
  get ddl() {
    return ddl
  },
  journalMode: async () => null,
  async triggersOf(driver, _schema, table) {
    const r = await driver.query(
      'SELECT trigger_name FROM information_schema.triggers WHERE event_object_schema = DATABASE() AND event_object_table = ? ORDER BY trigger_name',
      [table],
    )
    return r.rows.map((x) => String(x[0]))
  },
  // The driver names each result column's table and column itself.
  resolveOrigins: async () => new Map(),
  columnTypeSql(c) {
    let base = TYPE_SQL[c.type] ?? 'text'
    if (c.type === 'varchar') base = `varchar(${c.length ?? 255})`
    else if (c.type === 'numeric' && c.length != null)
      base = `decimal(${c.length}${c.scale != null ? `,${c.scale}` : ''})`
    return base
  },
  neutralType: neutralFromNative,
  introspect: introspectMariadb,
}

const ddl = new MariadbDdl(mariadbDialect)
