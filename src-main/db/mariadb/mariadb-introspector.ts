import type { Column, DatabaseSchema, ReferentialAction, Table } from '../../../src-shared/schema'
import type { Cell } from '../../../src-shared/values'
import type { Driver } from '../driver'
import { mariadbNeutral } from './mariadb-types'

type Row = Record<string, Cell>

async function rows(driver: Driver, sql: string): Promise<Row[]> {
  const r = await driver.query(sql)
  return r.rows.map((cells) => Object.fromEntries(r.columns.map((c, i) => [c.name.toLowerCase(), cells[i]])))
}

const TABLES = `SELECT table_name AS name, table_type AS kind FROM information_schema.tables
  WHERE table_schema = DATABASE() ORDER BY table_name`

const COLUMNS = `SELECT table_name AS tbl, column_name AS name, column_type AS type, is_nullable AS nullable,
    column_default AS dflt, extra, column_comment AS comment, column_key AS ckey
  FROM information_schema.columns WHERE table_schema = DATABASE() ORDER BY table_name, ordinal_position`

const KEYS = `SELECT k.table_name AS tbl, k.constraint_name AS name, c.constraint_type AS type, k.column_name AS col,
    k.referenced_table_name AS ref_table, k.referenced_column_name AS ref_col, r.delete_rule AS on_delete, r.update_rule AS on_update
  FROM information_schema.key_column_usage k
  JOIN information_schema.table_constraints c ON c.constraint_schema = k.constraint_schema
    AND c.table_name = k.table_name AND c.constraint_name = k.constraint_name
  LEFT JOIN information_schema.referential_constraints r ON r.constraint_schema = k.constraint_schema
    AND r.constraint_name = k.constraint_name AND r.table_name = k.table_name
  WHERE k.table_schema = DATABASE() ORDER BY k.table_name, c.constraint_type, k.constraint_name, k.ordinal_position`

const CHECKS = `SELECT table_name AS tbl, constraint_name AS name, check_clause AS expr
  FROM information_schema.check_constraints WHERE constraint_schema = DATABASE() ORDER BY table_name, constraint_name`

const INDEXES = `SELECT s.table_name AS tbl, s.index_name AS name, s.non_unique AS non_unique, s.column_name AS col
  FROM information_schema.statistics s WHERE s.table_schema = DATABASE()
    AND NOT EXISTS (SELECT 1 FROM information_schema.table_constraints c WHERE c.constraint_schema = s.table_schema
      AND c.table_name = s.table_name AND c.constraint_name = s.index_name)
  ORDER BY s.table_name, s.index_name, s.seq_in_index`

const VIEWS = `SELECT table_name AS name, view_definition AS definition FROM information_schema.views WHERE table_schema = DATABASE()`

const TRIGGERS = `SELECT event_object_table AS tbl, trigger_name AS name, action_statement AS body
  FROM information_schema.triggers WHERE trigger_schema = DATABASE() AND trigger_name LIKE '%\\_touch'`

const ACTIONS: Record<string, ReferentialAction> = {
  'NO ACTION': 'NO ACTION',
  // InnoDB checks NO ACTION at once, as RESTRICT, and reports an unspecified action as RESTRICT:
  // one action, read as the standard's default.
  RESTRICT: 'NO ACTION',
  CASCADE: 'CASCADE',
  'SET NULL': 'SET NULL',
  'SET DEFAULT': 'SET DEFAULT',
}

/** Read a MariaDB (or MySQL) database's schema from information_schema: the connection's current database. */
export async function introspectMariadb(driver: Driver): Promise<DatabaseSchema> {
  const byName = new Map<string, Table>()
  for (const r of await rows(driver, TABLES)) byName.set(String(r.name), tableOf(r))
  const views = new Map((await rows(driver, VIEWS)).map((v) => [String(v.name), String(v.definition ?? '')]))
  for (const [name, definition] of views) {
    const t = byName.get(name)
    if (t) t.definition = definition
  }
  const checks = await rows(driver, CHECKS)
  for (const c of await rows(driver, COLUMNS)) byName.get(String(c.tbl))?.columns.push(columnOf(c, checks))
  readKeys(byName, await rows(driver, KEYS))
  for (const c of checks) {
    const t = byName.get(String(c.tbl))
    const expr = String(c.expr ?? '')
    // MariaDB's JSON type is LONGTEXT with a json_valid check: the type says it.
    if (!t || /^json_valid\(`[^`]+`\)$/i.test(expr)) continue
    t.checks.push({ name: String(c.name), expression: expr })
  }
  readIndexes(byName, await rows(driver, INDEXES))
  for (const tr of await rows(driver, TRIGGERS)) {
    const t = byName.get(String(tr.tbl))
    const m = /^SET NEW\.`((?:[^`]|``)+)` = ([\s\S]+)$/.exec(String(tr.body ?? ''))
    const col = m && t?.columns.find((c) => c.name === m[1].replaceAll('``', '`'))
    if (col && String(tr.name) === `${t!.name}_${col.name}_touch`) col.onUpdate = m![2]
  }
  const db = await driver.query('SELECT DATABASE()')
  return { engine: 'mariadb', database: String(db.rows[0][0]), tables: [...byName.values()] }
}

function tableOf(r: Row): Table {
  return {
    schema: null,
    name: String(r.name),
    kind: String(r.kind) === 'VIEW' ? 'view' : 'table',
    columns: [],
    primaryKeyName: null,
    foreignKeys: [],
    uniques: [],
    checks: [],
    indexes: [],
    definition: null,
    hasRowid: false,
  }
}

function columnOf(c: Row, checks: Row[]): Column {
  const nativeType = String(c.type)
  const isJson = checks.some(
    (k) => k.tbl === c.tbl && String(k.expr ?? '').toLowerCase() === `json_valid(\`${String(c.name)}\`)`.toLowerCase(),
  )
  const nt = isJson ? { type: 'json' as const } : mariadbNeutral(nativeType)
  const extra = String(c.extra ?? '').toLowerCase()
  const col: Column = {
    name: String(c.name),
    type: nt.type,
    nativeType: isJson ? 'json' : nativeType,
    nullable: c.nullable === 'YES',
    serverDefault: defaultOf(c.dflt),
    autoincrement: extra.includes('auto_increment'),
    primaryKey: 0,
    unique: false,
  }
  if ('length' in nt && nt.length != null) col.length = nt.length
  if ('scale' in nt && nt.scale != null) col.scale = nt.scale
  if (c.comment != null && String(c.comment) !== '') col.comment = String(c.comment)
  return col
}

/** MariaDB reports a default as an expression (`'text'`, `current_timestamp()`, `NULL`): no default is NULL. */
function defaultOf(v: Cell): string | null {
  if (v === null) return null
  const s = String(v)
  return s === 'NULL' ? null : s
}

/** Rows of one constraint or index together: the catalog lists them a column per row. */
function byTableAndName(rows: Row[]): Row[][] {
  const groups = new Map<string, Row[]>()
  for (const r of rows) {
    const id = `${String(r.tbl)}\u0000${String(r.name)}`
    const g = groups.get(id)
    if (g) g.push(r)
    else groups.set(id, [r])
  }
  return [...groups.values()]
}

function readKeys(byName: Map<string, Table>, keys: Row[]): void {
  for (const g of byTableAndName(keys)) {
    const t = byName.get(String(g[0].tbl))
    if (!t) continue
    const columns = g.map((k) => String(k.col))
    const type = String(g[0].type)
    if (type === 'PRIMARY KEY')
      columns.forEach((cn, i) => {
        const col = t.columns.find((c) => c.name === cn)
        if (col) col.primaryKey = i + 1
      })
    else if (type === 'UNIQUE') {
      const col = columns.length === 1 ? t.columns.find((c) => c.name === columns[0]) : undefined
      if (col && !col.unique && String(g[0].name) === columns[0]) col.unique = true
      else t.uniques.push({ name: String(g[0].name), columns })
    } else if (type === 'FOREIGN KEY')
      t.foreignKeys.push({
        name: String(g[0].name),
        columns,
        refSchema: null,
        refTable: String(g[0].ref_table),
        refColumns: g.map((k) => String(k.ref_col)),
        onDelete: ACTIONS[String(g[0].on_delete)] ?? 'NO ACTION',
        onUpdate: ACTIONS[String(g[0].on_update)] ?? 'NO ACTION',
      })
  }
  for (const t of byName.values()) t.foreignKeys.sort((a, b) => a.columns.join().localeCompare(b.columns.join()))
}

/** Plain indexes (not a key's own); MariaDB makes one for each foreign key, named after it, which is the key's. */
function readIndexes(byName: Map<string, Table>, idx: Row[]): void {
  for (const g of byTableAndName(idx)) {
    const t = byName.get(String(g[0].tbl))
    if (!t) continue
    const columns = g.map((k) => String(k.col))
    // The index InnoDB made for a foreign key that had none: named after the key, or after its
    // first column when the key had no name. It belongs to the key, not to the model.
    const forKey = t.foreignKeys.some(
      (f) =>
        Number(g[0].non_unique) === 1 &&
        (String(g[0].name) === f.name || String(g[0].name) === f.columns[0]) &&
        f.columns.join() === columns.join(),
    )
    if (forKey) continue
    t.indexes.push({
      name: String(g[0].name),
      columns,
      unique: Number(g[0].non_unique) === 0,
      where: null,
    })
  }
}
