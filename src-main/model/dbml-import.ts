import { Parser } from '@dbml/core'
import { AppError } from '../../src-shared/errors'
import type { ReferentialAction } from '../../src-shared/schema'
import { REFERENTIAL_ACTIONS } from '../../src-shared/schema'
import {
  blankTable,
  emptyModel,
  newId,
  type ModelColumn,
  type ModelDocument,
  type ModelTable,
} from '../../src-shared/model/document'
import { newColumn } from '../../src-shared/model/edit'
import { autoLayout } from '../../src-shared/model/layout'
import { className } from '../../src-shared/naming'
import { neutralFromNative } from '../db/type-names'

/**
 * DBML read by @dbml/core, the parser dbdiagram.io itself uses, and mapped to a model: tables
 * (schemas, aliases, partials, notes), columns with their settings, composite keys, indexes,
 * checks, refs with every action, many-to-many `<>` refs as association tables, and enums as
 * SQLAlchemy's non-native `Enum` realises them (a varchar as long as the longest value with a
 * CHECK (column IN (...)), which both engines enforce). What a model cannot hold (an expression
 * index, table groups, records) is said in `warnings`; syntax errors name their line and column.
 */

interface DbmlEndpoint {
  schemaName: string | null
  tableName: string
  fieldNames: string[]
  relation: '1' | '*'
}
interface DbmlDefault {
  type: 'string' | 'number' | 'boolean' | 'expression'
  value: string | number
}
interface DbmlField {
  name: string
  type: { schemaName: string | null; type_name: string; args: string | null }
  pk?: boolean
  unique?: boolean
  not_null?: boolean
  increment?: boolean
  dbdefault?: DbmlDefault
  note?: string | null
  checks?: { expression: string; name?: string | null }[]
}
interface DbmlTable {
  name: string
  note?: string | null
  fields: DbmlField[]
  indexes: {
    columns: { type: 'column' | 'expression'; value: string }[]
    name?: string | null
    unique?: boolean
    pk?: boolean
    token?: { start: { line: number } }
  }[]
  checks?: { expression: string; name?: string | null }[]
  records?: unknown[]
  token?: { start: { line: number } }
}
interface DbmlSchema {
  name: string
  tables: DbmlTable[]
  enums: { name: string; values: { name: string }[] }[]
  refs: {
    name: string | null
    onDelete?: string | null
    onUpdate?: string | null
    endpoints: [DbmlEndpoint, DbmlEndpoint]
  }[]
  tableGroups: { name: string }[]
}

const sqlIdent = (n: string) => (/^[a-z_][a-z0-9_]*$/.test(n) ? n : `"${n.replaceAll('"', '""')}"`)
const schemaOf = (s: string | null | undefined) => (!s || s === 'public' ? null : s)

function action(a: string | null | undefined): ReferentialAction {
  const v = (a ?? 'no action').toUpperCase() as ReferentialAction
  if (!(REFERENTIAL_ACTIONS as readonly string[]).includes(v))
    throw new AppError('BAD_REQUEST', `DBML: unknown referential action "${a}"`)
  return v
}

/** The parser's diagnostics as one message that names each line and column. */
function syntaxError(e: unknown): AppError {
  const diags = (e as { diags?: { message: string; location?: { start?: { line: number; column: number } } }[] }).diags
  if (!diags?.length)
    return new AppError('BAD_REQUEST', `DBML could not be read: ${e instanceof Error ? e.message : String(e)}`)
  const where = (d: (typeof diags)[number]) =>
    d.location?.start ? `DBML line ${d.location.start.line}, column ${d.location.start.column}` : 'DBML'
  return new AppError('BAD_REQUEST', diags.map((d) => `${where(d)}: ${d.message}`).join('; '), {
    diagnostics: diags.map((d) => ({
      message: d.message,
      line: d.location?.start?.line ?? null,
      column: d.location?.start?.column ?? null,
    })),
  })
}

function columnOf(f: DbmlField): ModelColumn {
  const args = f.type.args && !f.type.type_name.includes('(') ? `(${f.type.args})` : ''
  const native = `${f.type.type_name}${args}`
  const nt = neutralFromNative(native)
  // An array keeps its own type (PostgreSQL's int[], text[]); it used to turn silently into its element type.
  const array = /\[\]$/.test(f.type.type_name)
  const c: ModelColumn = newColumn(f.name, array ? 'unknown' : nt.type, {
    nativeType: array || nt.type === 'unknown' ? native : '',
  })
  if (!array && nt.length != null) c.length = nt.length
  if (!array && nt.scale != null) c.scale = nt.scale
  if (f.pk) Object.assign(c, { primaryKey: 1, nullable: false })
  if (f.not_null) c.nullable = false
  if (f.unique) c.unique = true
  if (f.increment) c.autoincrement = true
  const d = f.dbdefault
  if (d && !(d.type === 'boolean' && d.value === 'null'))
    c.serverDefault = d.type === 'string' ? `'${String(d.value).replaceAll("'", "''")}'` : String(d.value)
  if (f.note) c.comment = f.note
  return c
}

/** Where enums and tables are found: `schema.name`, the default schema as empty. */
const key = (schema: string | null | undefined, table: string) => `${schemaOf(schema) ?? ''}.${table}`

export function importDbml(src: string, name = 'Imported model', warnings: string[] = []): ModelDocument {
  let db: { schemas: DbmlSchema[] }
  try {
    db = Parser.parse(src, 'dbmlv2') as unknown as { schemas: DbmlSchema[] }
  } catch (e) {
    throw syntaxError(e)
  }
  const doc = emptyModel(name)
  const enums = new Map<string, string[]>()
  for (const s of db.schemas)
    for (const e of s.enums)
      enums.set(
        `${schemaOf(s.name) ?? ''}.${e.name}`,
        e.values.map((v) => v.name),
      )
  const tables = new Map<string, ModelTable>()

  for (const s of db.schemas) {
    for (const g of s.tableGroups ?? [])
      warnings.push(`TableGroup ${g.name} was read past: Schemist models have no table groups.`)
    for (const dt of s.tables) {
      const t = tableOf(dt, s.name, enums, warnings)
      tables.set(key(s.name, dt.name), t)
      doc.tables.push(t)
    }
  }

  const find = (e: DbmlEndpoint) =>
    tables.get(key(e.schemaName, e.tableName)) ??
    tables.get(key(null, e.tableName)) ??
    (() => {
      throw new AppError('BAD_REQUEST', `DBML: a ref names ${e.tableName}, which is not a table here`)
    })()
  for (const s of db.schemas) {
    for (const r of s.refs) {
      const [a, b] = r.endpoints
      if (a.relation === '*' && b.relation === '*') {
        // Many-to-many: an association table, as the designer would draw it.
        const assoc = associationOf(a, find(a), b, find(b))
        doc.tables.push(assoc)
        continue
      }
      // The '*' side holds the key; in a one-to-one ('-'), the side written first does.
      const [child, parent] = b.relation === '*' && a.relation === '1' ? [b, a] : [a, b]
      const t = find(child)
      const p = find(parent)
      for (const c of child.fieldNames)
        if (!t.columns.some((x) => x.name === c))
          throw new AppError('BAD_REQUEST', `DBML: ${t.name} has no column ${c}`)
      if (a.relation === '1' && b.relation === '1' && child.fieldNames.length === 1)
        t.columns = t.columns.map((c) =>
          c.name === child.fieldNames[0] && c.primaryKey === 0 ? { ...c, unique: true } : c,
        )
      t.foreignKeys.push({
        id: newId('f'),
        name: r.name ?? null,
        columns: child.fieldNames,
        refSchema: p.schema,
        refTable: p.name,
        refColumns: parent.fieldNames,
        onDelete: action(r.onDelete),
        onUpdate: action(r.onUpdate),
      })
    }
  }
  if (doc.tables.length === 0) throw new AppError('BAD_REQUEST', 'DBML: no tables')
  return autoLayout(doc)
}

/** One DBML table: its columns (an enum-typed one as varchar with a CHECK of the values), checks and indexes. */
function tableOf(
  dt: DbmlSchema['tables'][number],
  schemaName: string,
  enums: Map<string, string[]>,
  warnings: string[],
): ModelTable {
  const t = blankTable({
    name: dt.name,
    className: className(dt.name),
    nameLocked: true,
    schema: schemaOf(schemaName),
    columns: [],
  })
  if (dt.note) t.comment = dt.note
  const enumChecks: ModelTable['checks'] = []
  for (const f of dt.fields) {
    const c = columnOf(f)
    const values =
      enums.get(key(f.type.schemaName ?? schemaName, f.type.type_name)) ?? enums.get(key(null, f.type.type_name))
    if (values) {
      // The column keeps its name and settings; its type becomes the values' varchar and a CHECK.
      Object.assign(c, { type: 'varchar', nativeType: '', length: Math.max(...values.map((v) => v.length)) })
      delete c.scale
      enumChecks.push({
        name: null,
        expression: `${sqlIdent(c.name)} IN (${values.map((v) => `'${v.replaceAll("'", "''")}'`).join(', ')})`,
      })
    }
    t.columns.push(c)
    for (const ck of f.checks ?? []) t.checks.push({ name: ck.name ?? null, expression: ck.expression })
  }
  // Column checks, then table checks, then the enums': the order the designer writes them back.
  for (const ck of dt.checks ?? []) t.checks.push({ name: ck.name ?? null, expression: ck.expression })
  t.checks.push(...enumChecks)
  for (const ix of dt.indexes) {
    const exprs = ix.columns.filter((c) => c.type === 'expression')
    if (exprs.length) {
      warnings.push(
        `${dt.name}: the index on ${exprs.map((c) => `\`${c.value}\``).join(', ')}${ix.token ? ` (line ${ix.token.start.line})` : ''} was read past: Schemist indexes are on columns; create it with SQL.`,
      )
      continue
    }
    const cols = ix.columns.map((c) => c.value)
    for (const c of cols)
      if (!t.columns.some((x) => x.name === c))
        throw new AppError('BAD_REQUEST', `DBML: an index of ${dt.name} names ${c}, which is not one of its columns`)
    if (ix.pk)
      for (const [i, c] of cols.entries())
        Object.assign(
          t.columns.find((x) => x.name === c)!,
          { primaryKey: i + 1, nullable: false },
        )
    else if (ix.unique && !ix.name) t.uniques.push({ name: null, columns: cols })
    else
      t.indexes.push({
        name: ix.name ?? `ix_${dt.name}_${cols.join('_')}`,
        columns: cols,
        unique: !!ix.unique,
        where: null,
      })
  }
  if (dt.records?.length)
    warnings.push(`${dt.name}: its records (sample rows) were read past; import data into the tables once they exist.`)
  return t
}

/** A many-to-many ref as the association table the designer draws: both keys, both foreign keys. */
function associationOf(a: DbmlEndpoint, ta: ModelTable, b: DbmlEndpoint, tb: ModelTable): ModelTable {
  const cols = [...a.fieldNames.map((c) => [ta, c] as const), ...b.fieldNames.map((c) => [tb, c] as const)]
  const assoc = blankTable({
    name: `${ta.name}_${tb.name}`,
    className: className(`${ta.name}_${tb.name}`),
    nameLocked: true,
    columns: [],
  })
  for (const [i, [t, c]] of cols.entries()) {
    const srcCol = t.columns.find((x) => x.name === c)
    if (!srcCol) throw new AppError('BAD_REQUEST', `DBML: ${t.name} has no column ${c}`)
    assoc.columns.push({
      ...newColumn(`${t.name}_${c}`, srcCol.type),
      length: srcCol.length,
      scale: srcCol.scale,
      nullable: false,
      primaryKey: i + 1,
    })
  }
  for (const c of assoc.columns) for (const k of ['length', 'scale'] as const) if (c[k] === undefined) delete c[k]
  assoc.foreignKeys = [
    {
      id: newId('f'),
      name: null,
      columns: a.fieldNames.map((c) => `${ta.name}_${c}`),
      refSchema: ta.schema,
      refTable: ta.name,
      refColumns: a.fieldNames,
      onDelete: 'CASCADE',
      onUpdate: 'NO ACTION',
    },
    {
      id: newId('f'),
      name: null,
      columns: b.fieldNames.map((c) => `${tb.name}_${c}`),
      refSchema: tb.schema,
      refTable: tb.name,
      refColumns: b.fieldNames,
      onDelete: 'CASCADE',
      onUpdate: 'NO ACTION',
    },
  ]
  assoc.association = { names: [tb.name, ta.name], lazy: 'select' }
  return assoc
}
