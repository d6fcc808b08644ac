import { ENGINES } from '../../../src-shared/engines'
import { AppError } from '../../../src-shared/errors'
import type { Dialect } from '../dialect'
import { neutralFromNative } from '../type-names'
import { introspectPostgres } from './pg-introspector'
import { explainPostgres } from './pg-explain'
import { PG_MAX_IDENTIFIER_BYTES, touchName } from './pg-names'

/**
 * A body quoted with a dollar tag it does not contain: names inside it (a column called `$$a`)
 * cannot end the quote early. Tags stay letters only, as the statement splitter reads them.
 */
function dollarQuoted(body: string): string {
  let tag = '$$'
  for (let n = 0; body.includes(tag); n++) tag = `$${'q'.repeat(n + 1)}$`
  return `${tag}${body}${tag}`
}

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

// The one quoting rule for PostgreSQL identifiers, shared by the dialect and its ALTER builders.
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
  alter: {
    alterType: (t, c, type) => `ALTER TABLE ${t} ALTER COLUMN ${pgIdent(c)} TYPE ${type} USING ${pgIdent(c)}::${type}`,
    setNotNull: (t, c, on) => `ALTER TABLE ${t} ALTER COLUMN ${pgIdent(c)} ${on ? 'SET' : 'DROP'} NOT NULL`,
    setDefault: (t, c, e) =>
      `ALTER TABLE ${t} ALTER COLUMN ${pgIdent(c)} ${e == null ? 'DROP DEFAULT' : `SET DEFAULT ${e}`}`,
    setIdentity: (t, c, on) =>
      `ALTER TABLE ${t} ALTER COLUMN ${pgIdent(c)} ${on ? 'ADD GENERATED BY DEFAULT AS IDENTITY' : 'DROP IDENTITY IF EXISTS'}`,
    dropConstraint(schema, table, kind, name, columns) {
      const qt = pgQualify(schema, table)
      if (name) return `ALTER TABLE ${qt} DROP CONSTRAINT ${pgIdent(name)}`
      // The engine named it: find the constraint of that kind on exactly these columns, in order.
      const contype = { primary: 'p', unique: 'u', foreign: 'f', check: 'c' }[kind]
      const lit = (v: string) => `'${v.replaceAll("'", "''")}'`
      const rel = lit(qt)
      const cols = `ARRAY[${columns.map(lit).join(', ')}]::text[]`
      return `DO ${dollarQuoted(` DECLARE n text; BEGIN SELECT conname INTO n FROM pg_constraint WHERE conrelid = ${rel}::regclass AND contype = '${contype}' AND (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = conrelid AND a.attnum = k.n) = ${cols} LIMIT 1; IF n IS NULL THEN RAISE EXCEPTION 'no such constraint on %', ${rel}; END IF; EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', ${rel}, n); END `)}`
    },
  },
  rebuildGuards: { before: [], check: null, after: [] },
  touchTriggerSql(schema, table, column, expression) {
    const name = touchName(table, column)
    const fn = this.qualify(schema, name)
    return [
      `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS ${dollarQuoted(` BEGIN NEW.${this.quoteIdent(column)} := ${expression}; RETURN NEW; END `)}`,
      `DROP TRIGGER IF EXISTS ${this.quoteIdent(name)} ON ${this.qualify(schema, table)}`,
      `CREATE TRIGGER ${this.quoteIdent(name)} BEFORE UPDATE ON ${this.qualify(schema, table)} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    ]
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
  dropTouchTriggerSql(schema, table, nameTable, column) {
    const name = touchName(nameTable, column)
    return [
      `DROP TRIGGER IF EXISTS ${this.quoteIdent(name)} ON ${this.qualify(schema, table)}`,
      `DROP FUNCTION IF EXISTS ${this.qualify(schema, name)}()`,
    ]
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
