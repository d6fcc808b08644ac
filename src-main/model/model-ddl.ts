import { primaryKeyColumns, type Table } from '../../src-shared/schema'
import type { ModelDocument, ModelTable } from '../../src-shared/model/document'
import type { Dialect } from '../db/dialect'
import { createTableSql, foreignKeySql } from './ddl'

/** A model table as the shared schema model's table (what DDL, the ORM and introspection speak). */
export function toSchemaTable(t: ModelTable): Table {
  return {
    schema: t.schema,
    name: t.name,
    kind: 'table',
    columns: t.columns.map(({ id: _id, onUpdate: _o, ...c }) => c),
    primaryKeyName: t.primaryKeyName,
    foreignKeys: t.foreignKeys.map(({ id: _id, orm: _orm, ...f }) => f),
    uniques: t.uniques,
    checks: t.checks,
    indexes: t.indexes,
    definition: null,
    hasRowid: true,
  }
}

const key = (schema: string | null, name: string) => `${schema ?? ''}\u0000${name}`

/**
 * Tables ordered so each comes after the tables it references. Foreign keys that close a cycle
 * (or reference a table later in the order) are returned apart, to be added once every table exists.
 */
export function dependencyOrder(tables: ModelTable[]): {
  order: ModelTable[]
  deferred: { table: ModelTable; fk: number }[]
} {
  const byKey = new Map(tables.map((t) => [key(t.schema, t.name), t]))
  const state = new Map<string, 'visiting' | 'done'>()
  const order: ModelTable[] = []
  const deferred: { table: ModelTable; fk: number }[] = []
  const visit = (t: ModelTable) => {
    state.set(t.id, 'visiting')
    t.foreignKeys.forEach((f, i) => {
      const ref = byKey.get(key(f.refSchema, f.refTable))
      if (!ref || ref.id === t.id) return
      const s = state.get(ref.id)
      if (s === 'visiting') deferred.push({ table: t, fk: i })
      else if (s === undefined) visit(ref)
    })
    state.set(t.id, 'done')
    order.push(t)
  }
  for (const t of tables) if (!state.has(t.id)) visit(t)
  return { order, deferred }
}

export interface ModelDdl {
  statements: string[]
  /** The same statements as one script, each ending in a semicolon. */
  script: string
}

/**
 * The DDL that creates the model (SQLAlchemy's `create_all`): schemas, tables in dependency
 * order, foreign keys that close a cycle afterwards where the engine needs that, indexes, and
 * the triggers that realise `onupdate` columns.
 */
export function modelDdl(doc: ModelDocument, d: Dialect, only?: Set<string>): ModelDdl {
  const tables = only ? doc.tables.filter((t) => only.has(t.name)) : doc.tables
  const { order, deferred } = dependencyOrder(tables)
  const statements: string[] = []
  const schemas = [...new Set(tables.map((t) => t.schema).filter((s): s is string => s != null))]
  if (d.capabilities.schemas)
    for (const s of schemas) if (s !== 'public') statements.push(`CREATE SCHEMA IF NOT EXISTS ${d.quoteIdent(s)}`)
  const late = d.capabilities.forwardReferences
    ? new Set<string>()
    : new Set(deferred.map((x) => `${x.table.id}:${x.fk}`))
  const after: string[] = []
  for (const t of order) {
    const table = toSchemaTable(t)
    const inline = { ...table, foreignKeys: table.foreignKeys.filter((_, i) => !late.has(`${t.id}:${i}`)) }
    statements.push(...createTableSql(inline, d))
    table.foreignKeys.forEach((f, i) => {
      if (late.has(`${t.id}:${i}`)) after.push(`ALTER TABLE ${d.qualify(t.schema, t.name)} ADD ${foreignKeySql(f, d)}`)
    })
    const pk = primaryKeyColumns(t)
    for (const c of t.columns)
      if (c.onUpdate) after.push(...d.touchTriggerSql(t.schema, t.name, c.name, c.onUpdate, pk))
  }
  statements.push(...after)
  return { statements, script: statements.map((s) => `${s};`).join('\n\n') + (statements.length ? '\n' : '') }
}
