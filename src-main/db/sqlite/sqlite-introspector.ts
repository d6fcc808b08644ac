import type {
  Column,
  DatabaseSchema,
  ForeignKey,
  Index,
  ReferentialAction,
  Table,
  UniqueConstraint,
} from '../../../src-shared/schema'
import type { Cell } from '../../../src-shared/values'
import type { Driver } from '../driver'
import { neutralFromNative } from '../type-names'
import { parseChecks, parsePartialWhere } from './sqlite-ddl-parser'

type Row = Record<string, Cell>

async function rows(driver: Driver, sql: string, params: unknown[] = []): Promise<Row[]> {
  const r = await driver.query(sql, params)
  return r.rows.map((cells) => Object.fromEntries(r.columns.map((c, i) => [c.name, cells[i]])))
}

const ACTIONS: Record<string, ReferentialAction> = {
  'NO ACTION': 'NO ACTION',
  RESTRICT: 'RESTRICT',
  CASCADE: 'CASCADE',
  'SET NULL': 'SET NULL',
  'SET DEFAULT': 'SET DEFAULT',
}

/** Read a SQLite database's schema through the PRAGMA table-valued functions. */
export async function introspectSqlite(driver: Driver): Promise<DatabaseSchema> {
  const objects = await rows(
    driver,
    `SELECT name, type, sql FROM sqlite_master WHERE type IN ('table','view') AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name`,
  )
  const tables: Table[] = []
  for (const o of objects) {
    const name = String(o.name)
    const kind = o.type === 'view' ? 'view' : 'table'
    const sql = o.sql == null ? '' : String(o.sql)
    const withoutRowid = /\bWITHOUT\s+ROWID\s*;?\s*$/i.test(sql)
    const columns = await readColumns(driver, name, kind, sql, withoutRowid)
    const uniques: UniqueConstraint[] = []
    const indexes: Index[] = []
    if (kind === 'table') await readIndexes(driver, name, columns, uniques, indexes)
    tables.push({
      schema: null,
      name,
      kind,
      columns,
      primaryKeyName: null,
      foreignKeys: kind === 'table' ? await readForeignKeys(driver, name) : [],
      uniques,
      checks: kind === 'table' ? parseChecks(sql) : [],
      indexes,
      definition: kind === 'view' ? sql : null,
      hasRowid: kind === 'table' && !withoutRowid,
    })
  }
  // Schemist's touch triggers (`<table>_<column>_touch`) are a column's onupdate, read back.
  const triggers = await rows(
    driver,
    `SELECT name, tbl_name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%\\_touch' ESCAPE '\\'`,
  )
  for (const tr of triggers) {
    const t = tables.find((x) => x.name === String(tr.tbl_name))
    const m = /\bBEGIN UPDATE .+? SET "((?:[^"]|"")+)" = ([\s\S]+) WHERE [\s\S]*; END$/.exec(String(tr.sql ?? ''))
    const col = m && t?.columns.find((c) => c.name === m[1].replaceAll('""', '"'))
    if (col && String(tr.name) === `${t!.name}_${col.name}_touch`) col.onUpdate = m![2]
  }
  return { engine: 'sqlite', database: driver.database, tables }
}

async function readColumns(
  driver: Driver,
  name: string,
  kind: 'table' | 'view',
  sql: string,
  withoutRowid: boolean,
): Promise<Column[]> {
  const cols = await rows(
    driver,
    'SELECT name, type, "notnull" AS nn, dflt_value, pk, hidden FROM pragma_table_xinfo(?)',
    [name],
  )
  const pkCount = cols.filter((c) => Number(c.pk) > 0).length
  const autoincrementKeyword = /\bAUTOINCREMENT\b/i.test(sql)
  return cols
    .filter((c) => Number(c.hidden) === 0 || Number(c.hidden) === 2 || Number(c.hidden) === 3)
    .map((c) => {
      const nativeType = String(c.type ?? '')
      const nt = neutralFromNative(nativeType)
      const pk = Number(c.pk)
      const rowidAlias =
        kind === 'table' && !withoutRowid && pk === 1 && pkCount === 1 && nativeType.toUpperCase() === 'INTEGER'
      const col: Column = {
        name: String(c.name),
        type: nt.type,
        nativeType,
        nullable: Number(c.nn) === 0 && !rowidAlias && !(withoutRowid && pk > 0),
        serverDefault: c.dflt_value == null ? null : String(c.dflt_value),
        autoincrement: rowidAlias || (autoincrementKeyword && pk > 0 && pkCount === 1),
        primaryKey: pk,
        unique: false,
      }
      if (nt.length != null) col.length = nt.length
      if (nt.scale != null) col.scale = nt.scale
      return col
    })
}

async function readForeignKeys(driver: Driver, name: string): Promise<ForeignKey[]> {
  const foreignKeys: ForeignKey[] = []
  const fkRows = await rows(
    driver,
    'SELECT id, seq, "table" AS ref, "from" AS col, "to" AS refcol, on_update, on_delete FROM pragma_foreign_key_list(?) ORDER BY id, seq',
    [name],
  )
  const byId = new Map<number, Row[]>()
  for (const r of fkRows) byId.set(Number(r.id), [...(byId.get(Number(r.id)) ?? []), r])
  for (const group of byId.values()) {
    const refTable = String(group[0].ref)
    let refColumns = group.map((r) => (r.refcol == null ? null : String(r.refcol)))
    if (refColumns.some((c) => c == null)) {
      // `REFERENCES t` without columns means t's primary key.
      const refPk = await rows(driver, 'SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk', [refTable])
      refColumns = refPk.map((r) => String(r.name))
    }
    foreignKeys.push({
      name: null,
      columns: group.map((r) => String(r.col)),
      refSchema: null,
      refTable,
      refColumns: refColumns as string[],
      onDelete: ACTIONS[String(group[0].on_delete).toUpperCase()] ?? 'NO ACTION',
      onUpdate: ACTIONS[String(group[0].on_update).toUpperCase()] ?? 'NO ACTION',
    })
  }
  // Lists FKs in declaration order (pragma lists them last-first).
  return foreignKeys.reverse()
}

/** A one-column UNIQUE marks its column; wider ones are table uniques; the rest are indexes. */
async function readIndexes(
  driver: Driver,
  name: string,
  columns: Column[],
  uniques: UniqueConstraint[],
  indexes: Index[],
): Promise<void> {
  const idxRows = await rows(
    driver,
    'SELECT name, "unique" AS uq, origin, partial FROM pragma_index_list(?) ORDER BY seq DESC',
    [name],
  )
  for (const ix of idxRows) {
    const ixName = String(ix.name)
    const ixCols = (await rows(driver, 'SELECT name FROM pragma_index_info(?) ORDER BY seqno', [ixName])).map((r) =>
      r.name == null ? '<expr>' : String(r.name),
    )
    if (ix.origin === 'pk') continue
    if (ix.origin === 'u') {
      if (ixCols.length === 1) {
        const col = columns.find((c) => c.name === ixCols[0])
        if (col) col.unique = true
      } else uniques.push({ name: null, columns: ixCols })
      continue
    }
    const sqlRow = await rows(driver, "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?", [ixName])
    indexes.push({
      name: ixName,
      columns: ixCols,
      unique: Number(ix.uq) === 1,
      where: Number(ix.partial) === 1 ? parsePartialWhere(sqlRow[0]?.sql == null ? null : String(sqlRow[0].sql)) : null,
    })
  }
}
