import type { Column, DatabaseSchema, ReferentialAction, Table } from '../../../src-shared/schema'
import type { Cell } from '../../../src-shared/values'
import type { Driver } from '../driver'
import { touchName } from './pg-names'
import { neutralFromNative } from '../type-names'

type Row = Record<string, Cell>

async function rows(driver: Driver, sql: string): Promise<Row[]> {
  const r = await driver.query(sql)
  return r.rows.map((cells) => Object.fromEntries(r.columns.map((c, i) => [c.name, cells[i]])))
}

const USER_NS = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`

const ACTION: Record<string, ReferentialAction> = {
  a: 'NO ACTION',
  r: 'RESTRICT',
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
}

/** A text[] column: cells carry arrays as JSON text; the `{a,b}` form is accepted too. */
function names(v: Cell | unknown): string[] {
  if (Array.isArray(v)) return v.map(String)
  if (typeof v !== 'string') return []
  if (v.startsWith('[')) return (JSON.parse(v) as unknown[]).map(String)
  return v
    .replace(/^\{|\}$/g, '')
    .split(',')
    .filter(Boolean)
    .map((s) => s.replace(/^"|"$/g, '').replaceAll('\\"', '"'))
}

const RELATIONS = `SELECT c.oid::int8 AS oid, n.nspname AS schema, c.relname AS name, c.relkind AS kind,
            CASE WHEN c.relkind IN ('v','m') THEN pg_get_viewdef(c.oid, true) END AS definition
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relkind IN ('r','p','v','m') AND ${USER_NS}
      ORDER BY n.nspname, c.relname`

const COLUMNS = `SELECT a.attrelid::int8 AS oid, a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS notnull, pg_get_expr(d.adbin, d.adrelid) AS dflt, a.attidentity AS identity,
            a.attgenerated AS generated, col_description(a.attrelid, a.attnum) AS comment
       FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attnum > 0 AND NOT a.attisdropped AND c.relkind IN ('r','p','v','m') AND ${USER_NS}
      ORDER BY a.attrelid, a.attnum`

const CONSTRAINTS = `SELECT con.conrelid::int8 AS oid, con.conname AS name, con.contype AS type,
            ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(num, ord)
                    JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS columns,
            rn.nspname AS ref_schema, rc.relname AS ref_table,
            ARRAY(SELECT a.attname FROM unnest(con.confkey) WITH ORDINALITY k(num, ord)
                    JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.ord)::text[] AS ref_columns,
            con.confdeltype AS on_delete, con.confupdtype AS on_update,
            CASE WHEN con.contype = 'c' THEN pg_get_expr(con.conbin, con.conrelid) END AS check_expr
       FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       LEFT JOIN pg_class rc ON rc.oid = con.confrelid LEFT JOIN pg_namespace rn ON rn.oid = rc.relnamespace
      WHERE con.contype IN ('p','u','f','c') AND ${USER_NS}
      ORDER BY con.conrelid, con.contype, con.conname`

const INDEXES = `SELECT i.indrelid::int8 AS oid, ic.relname AS name, i.indisunique AS uniq,
            ARRAY(SELECT pg_get_indexdef(i.indexrelid, k.ord::int, true) FROM generate_subscripts(i.indkey, 1) WITH ORDINALITY k(sub, ord)
                   WHERE k.ord <= i.indnkeyatts ORDER BY k.ord)::text[] AS columns,
            pg_get_expr(i.indpred, i.indrelid) AS predicate
       FROM pg_index i JOIN pg_class ic ON ic.oid = i.indexrelid JOIN pg_class c ON c.oid = i.indrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE ${USER_NS} AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.contype IN ('p','u','x'))
      ORDER BY ic.relname`

/** Schemist's touch triggers (`<table>_<column>_touch`, hashed when that is too long) are a column's onupdate, read back. */
const TOUCH_TRIGGERS = `SELECT t.tgrelid::text AS oid, t.tgname AS name, p.prosrc AS src FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid WHERE NOT t.tgisinternal AND t.tgname LIKE '%\\_touch'`

/** Read a PostgreSQL database's schema from pg_catalog, a handful of queries in all. */
export async function introspectPostgres(driver: Driver): Promise<DatabaseSchema> {
  const byOid = new Map<string, Table>()
  for (const r of await rows(driver, RELATIONS)) byOid.set(String(r.oid), tableOf(r))
  for (const c of await rows(driver, COLUMNS)) byOid.get(String(c.oid))?.columns.push(columnOf(c))
  for (const k of await rows(driver, CONSTRAINTS)) {
    const t = byOid.get(String(k.oid))
    if (t) addConstraint(t, k)
  }
  for (const ix of await rows(driver, INDEXES)) {
    byOid.get(String(ix.oid))?.indexes.push({
      name: String(ix.name),
      columns: names(ix.columns).map((c) => c.replace(/^"(.*)"$/, '$1').replaceAll('""', '"')),
      unique: ix.uniq === true,
      where: ix.predicate == null ? null : String(ix.predicate),
    })
  }
  // Declaration order for foreign keys is not kept by PostgreSQL; sort by column for stable output.
  for (const t of byOid.values()) t.foreignKeys.sort((a, b) => a.columns.join().localeCompare(b.columns.join()))
  for (const tr of await rows(driver, TOUCH_TRIGGERS)) {
    const t = byOid.get(String(tr.oid))
    if (t) readTouchTrigger(t, tr)
  }
  const db = await rows(driver, 'SELECT current_database() AS db')
  return { engine: 'postgres', database: String(db[0].db), tables: [...byOid.values()] }
}

function tableOf(r: Row): Table {
  return {
    schema: String(r.schema),
    name: String(r.name),
    kind: r.kind === 'v' || r.kind === 'm' ? 'view' : 'table',
    columns: [],
    primaryKeyName: null,
    foreignKeys: [],
    uniques: [],
    checks: [],
    indexes: [],
    definition: r.definition == null ? null : String(r.definition).trim(),
    hasRowid: false,
  }
}

function columnOf(c: Row): Column {
  const nativeType = String(c.type)
  const nt = neutralFromNative(nativeType)
  let dflt = c.dflt == null ? null : String(c.dflt)
  const serial = dflt != null && /^nextval\('.*'::regclass\)$/.test(dflt)
  if (serial) dflt = null
  const col: Column = {
    name: String(c.name),
    type: nt.type,
    nativeType,
    nullable: c.notnull !== true && c.notnull !== 't',
    serverDefault: c.generated ? null : dflt,
    autoincrement: serial || (c.identity != null && c.identity !== ''),
    primaryKey: 0,
    unique: false,
  }
  if (nt.length != null) col.length = nt.length
  if (nt.scale != null) col.scale = nt.scale
  if (c.comment != null) col.comment = String(c.comment)
  return col
}

function addConstraint(t: Table, k: Row): void {
  const columns = names(k.columns)
  const name = String(k.name)
  if (k.type === 'p') {
    t.primaryKeyName = name
    columns.forEach((cn, i) => {
      const col = t.columns.find((c) => c.name === cn)
      if (col) col.primaryKey = i + 1
    })
  } else if (k.type === 'u') {
    const col = columns.length === 1 ? t.columns.find((c) => c.name === columns[0]) : undefined
    if (col && !col.unique) col.unique = true
    else t.uniques.push({ name, columns })
  } else if (k.type === 'f') {
    t.foreignKeys.push({
      name,
      columns,
      refSchema: k.ref_schema == null ? null : String(k.ref_schema),
      refTable: String(k.ref_table),
      refColumns: names(k.ref_columns),
      onDelete: ACTION[String(k.on_delete)] ?? 'NO ACTION',
      onUpdate: ACTION[String(k.on_update)] ?? 'NO ACTION',
    })
  } else if (k.type === 'c') {
    let expr = String(k.check_expr ?? '')
    // pg_get_expr wraps the whole expression in one pair of parentheses.
    if (expr.startsWith('(') && expr.endsWith(')')) expr = expr.slice(1, -1)
    t.checks.push({ name, expression: expr })
  }
}

function readTouchTrigger(t: Table, tr: Row): void {
  const m = /NEW\.("(?:[^"]|"")+"|[A-Za-z_][A-Za-z0-9_$]*) := ([\s\S]+?); RETURN NEW;/.exec(String(tr.src ?? ''))
  const colName = m ? m[1].replace(/^"(.*)"$/, '$1').replaceAll('""', '"') : null
  const col = colName !== null ? t.columns.find((c) => c.name === colName) : undefined
  if (col && String(tr.name) === touchName(t.name, col.name)) col.onUpdate = m![2]
}
