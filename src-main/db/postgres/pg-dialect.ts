import { ENGINES } from '../../../src-shared/engines'
import { AppError } from '../../../src-shared/errors'
import type { Dialect } from '../dialect'
import { neutralFromNative } from '../type-names'
import { introspectPostgres } from './pg-introspector'
import { explainPostgres } from './pg-explain'
import { PG_MAX_IDENTIFIER_BYTES } from './pg-names'
import { PgDdl } from './pg-ddl'

const TYPE_SQL: Record<string, string> = {
  integer: 'integer',
  bigint: 'bigint',
  smallint: 'smallint',
  real: 'real',
  double: 'double precision',
  numeric: 'numeric',
  boolean: 'boolean',
  text: 'text',
  varchar: 'character varying',
  date: 'date',
  time: 'time without time zone',
  timestamp: 'timestamp without time zone',
  timestamptz: 'timestamp with time zone',
  json: 'jsonb',
  uuid: 'uuid',
  blob: 'bytea',
  unknown: 'text',
}

// The one quoting rule for PostgreSQL identifiers.
const pgIdent = (name: string) => `"${name.replaceAll('"', '""')}"`
const pgQualify = (schema: string | null, name: string) =>
  schema && schema !== 'public' ? `${pgIdent(schema)}.${pgIdent(name)}` : pgIdent(name)

export const postgresDialect: Dialect = {
  name: 'postgres',
  defaultSchema: 'public',
  capabilities: ENGINES.postgres.capabilities,
  quoteIdent: pgIdent,
  qualify: pgQualify,
  quoteLiteral: (v) => `'${v.replaceAll("'", "''")}'`,
  placeholder: (n) => `$${n}`,
  sqlLiteral(v) {
    if (v === null) return 'NULL'
    if (typeof v === 'number') return String(v)
    if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE'
    if (typeof v === 'object') return '$bigint' in v ? v.$bigint : `'\\x${v.$blob}'::bytea`
    return this.quoteLiteral(v)
  },
  limitClause: (limit, offset) => (limit ? ` LIMIT ${limit}` : '') + (offset ? ` OFFSET ${offset}` : ''),
  insertMany(table, columns, returning, rowCount) {
    const q = (n: string) => this.quoteIdent(n)
    const ret = returning.length ? ` RETURNING ${returning.map(q).join(', ')}` : ''
    if (columns.length === 0) return { sql: `INSERT INTO ${table} DEFAULT VALUES${ret}`, rows: 1 }
    const cols = columns.map((c) => q(c.name)).join(', ')
    const n = columns.length
    if (!returning.length) {
      const rows = Array.from(
        { length: rowCount },
        (_, r) => `(${columns.map((_, j) => `$${r * n + j + 1}`).join(', ')})`,
      )
      return { sql: `INSERT INTO ${table} (${cols}) VALUES ${rows.join(', ')}`, rows: rowCount }
    }
    // VALUES params are untyped, so each is cast to its column's type; the sentinel orders them.
    const rows = Array.from(
      { length: rowCount },
      (_, r) => `(${columns.map((c, j) => `$${r * n + j + 1}::${c.nativeType}`).join(', ')}, ${r})`,
    )
    const names = columns.map((_, j) => `p${j}`)
    return {
      sql: `INSERT INTO ${table} (${cols}) SELECT ${names.join(', ')} FROM (VALUES ${rows.join(', ')}) AS sen_data (${names.join(', ')}, sen_counter) ORDER BY sen_counter${ret}`,
      rows: rowCount,
    }
  },
  insertPageSize: (n) => Math.max(1, Math.min(1000, Math.floor(32000 / Math.max(1, n)))),
  rowidColumn: null,
  columnDefaultSql: () => 'DEFAULT',
  lockTimeoutSql: (ms) => `SET lock_timeout = '${Math.round(ms)}ms'`,
  async estimateRows(driver, schema, name) {
    const r = await driver.query(
      'SELECT c.reltuples::float8 AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace WHERE s.nspname = $1 AND c.relname = $2',
      [schema ?? 'public', name],
    )
    const n = Number(r.rows[0]?.[0] ?? -1)
    return n >= 0 ? Math.round(n) : null
  },
  explain: explainPostgres,
  orderTerm: (x, desc) => `${x} ${desc ? 'DESC NULLS FIRST' : 'ASC NULLS LAST'}`,
  randomFunction: 'random()',
  keyType: (t) => t,
  ilike: (l, r) => `${l} ILIKE ${r}`,
  isolationLevels: ENGINES.postgres.isolationLevels,
  writeTransactionLevel: null,
  snapshotSql: () => null,
  maxIdentifierBytes: PG_MAX_IDENTIFIER_BYTES,
  beginSql(level, options = {}) {
    const l = level?.toUpperCase()
    if (l && !this.isolationLevels.includes(l))
      throw new AppError('BAD_REQUEST', `Unknown PostgreSQL isolation level ${level}`)
    const modes = [
      l ? `ISOLATION LEVEL ${l}` : '',
      options.readOnly ? 'READ ONLY' : '',
      options.deferrable ? 'DEFERRABLE' : '',
    ].filter(Boolean)
    return modes.length ? `BEGIN ${modes.join(' ')}` : 'BEGIN'
  },
  get ddl() {
    return pgDdl
  },
  journalMode: async () => null,
  async triggersOf(driver, schema, table) {
    const r = await driver.query(
      'SELECT tgname FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal ORDER BY tgname',
      [this.qualify(schema, table)],
    )
    return r.rows.map((x) => String(x[0]))
  },
  async resolveOrigins(driver, ids) {
    const out = new Map<string, { schema: string | null; table: string; column: string }>()
    if (ids.length === 0) return out
    const oids = [...new Set(ids.map((x) => String(x.table)))]
    const r = await driver.query(
      'SELECT c.oid::int8, n.nspname, c.relname, a.attnum, a.attname FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE a.attrelid = ANY($1::oid[]) AND a.attnum > 0',
      [oids],
    )
    for (const [oid, schema, table, num, column] of r.rows)
      out.set(`${Number(oid)}:${Number(num)}`, { schema: String(schema), table: String(table), column: String(column) })
    return out
  },
  columnTypeSql(c) {
    let base = TYPE_SQL[c.type] ?? 'text'
    if ((c.type === 'varchar' || c.type === 'numeric') && c.length != null) {
      base = `${base}(${c.length}${c.scale != null ? `,${c.scale}` : ''})`
    }
    return c.autoincrement ? `${base} GENERATED BY DEFAULT AS IDENTITY` : base
  },
  neutralType: neutralFromNative,
  introspect: introspectPostgres,
}

const pgDdl = new PgDdl(postgresDialect)
