import {
  primaryKeyColumns,
  type CheckConstraint,
  type Column,
  type ForeignKey,
  type Index,
  type Table,
  type UniqueConstraint,
} from '../schema'
import type { ModelTable } from './document'

/**
 * Schema changes as operations. Everything that changes a database's structure says what it
 * wants as a list of these (the designer's apply and migrations, structure editing,
 * normalization, the bundled sample, the isolation scenarios' set-up), and one DDL compiler
 * in main (`src-main/db/ddl-compiler.ts`, with per-engine overrides) turns the list into SQL.
 * Operations name tables by their names at the moment the operation runs, so a list reads top
 * to bottom like the script it becomes.
 */

export interface TableRef {
  schema: string | null
  name: string
}

/** One change of one table's shape, in place (an engine that cannot do it rebuilds the table). */
export type TableChange =
  | { op: 'renameColumn'; column: string; name: string }
  | { op: 'addColumn'; column: Column }
  | { op: 'dropColumn'; column: string }
  /** Type, nullability, default, identity or single-column uniqueness: `from` and `to` say which. */
  | { op: 'alterColumn'; from: Column; to: Column }
  | { op: 'dropPrimaryKey'; name: string | null; columns: string[] }
  | { op: 'addPrimaryKey'; name: string | null; columns: string[] }
  | { op: 'dropUnique'; unique: UniqueConstraint }
  | { op: 'addUnique'; unique: UniqueConstraint }
  | { op: 'dropCheck'; check: CheckConstraint }
  | { op: 'addCheck'; check: CheckConstraint }
  | { op: 'dropIndex'; index: Index }
  | { op: 'createIndex'; index: Index }
  /** Stop setting the column on UPDATE; `nameTable` is the table's name when the trigger was made (it is named after it). */
  | { op: 'dropOnUpdate'; column: string; nameTable: string }
  | { op: 'setOnUpdate'; column: string; expression: string; key: string[] }
  /**
   * The columns in the order the table should have them; `from` is the order the changes before
   * this one leave (kept columns as they were, added ones last), by their new names.
   */
  | { op: 'reorderColumns'; columns: Column[]; from: string[] }

export type SchemaOp = (
  | { op: 'createSchema'; schema: string }
  | { op: 'setTableSchema'; table: TableRef; schema: string }
  | { op: 'renameTable'; table: TableRef; name: string }
  /** CREATE TABLE with its constraints and the foreign keys given, then its indexes. */
  | { op: 'createTable'; table: Table; ifNotExists?: boolean }
  | { op: 'createView'; view: TableRef; definition: string }
  | { op: 'dropView'; view: TableRef }
  | { op: 'dropTable'; table: TableRef; ifExists?: boolean }
  | { op: 'createIndex'; table: TableRef; index: Index }
  /** Drop a plain column (in no key, index or constraint), which every engine does in place. */
  | { op: 'dropColumn'; table: TableRef; column: string }
  | { op: 'setOnUpdate'; table: TableRef; column: string; expression: string; key: string[] }
  | { op: 'addForeignKey'; table: TableRef; foreignKey: ForeignKey }
  | { op: 'dropForeignKey'; table: TableRef; foreignKey: ForeignKey }
  /**
   * Fill a table from another's rows: `columns` pairs a target column with its source column,
   * `casts` gives the target column's shape where the value changes type on the way.
   */
  | {
      op: 'copyRows'
      into: TableRef
      from: TableRef
      columns: [string, string][]
      distinct: boolean
      /** Source columns that must not be NULL for a row to be copied (a key of the target). */
      notNull: string[]
      casts?: Record<string, Column>
    }
  /** Literal rows (the sample, a scenario's set-up). */
  | { op: 'insertRows'; table: TableRef; columns: string[]; rows: (string | number | null)[][] }
  /**
   * A kept table changes shape. `table` is its new shape and `sources` says, for each of its
   * columns that existed before, the old column it is filled from: what an engine that rebuilds
   * tables (SQLite) needs; an engine that alters in place runs `changes` one by one.
   */
  | { op: 'alterTable'; table: Table; sources: Record<string, Column>; changes: TableChange[] }
) & {
  /** What the statement is for, in words, where the compiler's own words would not say it. */
  note?: string
}

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

/** A table given only its columns (a scenario's scratch table, a normalization part): no indexes, no checks. */
export function plainTable(
  ref: TableRef,
  columns: Pick<Column, 'name' | 'type' | 'nativeType' | 'nullable' | 'primaryKey'>[],
  foreignKeys: ForeignKey[] = [],
): Table {
  return {
    ...ref,
    kind: 'table',
    columns: columns.map((c) => ({ autoincrement: false, unique: false, serverDefault: null, ...c })),
    primaryKeyName: null,
    foreignKeys,
    uniques: [],
    checks: [],
    indexes: [],
    definition: null,
    hasRowid: true,
  }
}

/** A table's identity in a map: its schema and name (a table without a schema is in the default one). */
export const tableRefKey = (t: { schema?: string | null; name: string }) => `${t.schema ?? ''}\u0000${t.name}`

/**
 * Tables ordered so each comes after the tables it references. Foreign keys that close a cycle
 * (or reference a table later in the order) are returned apart, to be added once every table exists.
 */
export function dependencyOrder(tables: ModelTable[]): {
  order: ModelTable[]
  deferred: { table: ModelTable; fk: number }[]
} {
  const byKey = new Map(tables.map((t) => [tableRefKey(t), t]))
  const state = new Map<string, 'visiting' | 'done'>()
  const order: ModelTable[] = []
  const deferred: { table: ModelTable; fk: number }[] = []
  const visit = (t: ModelTable) => {
    state.set(t.id, 'visiting')
    t.foreignKeys.forEach((f, i) => {
      const ref = byKey.get(tableRefKey({ schema: f.refSchema, name: f.refTable }))
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

/** What a model needs of the engine it is written for: facts from the engine registry, no SQL. */
export interface SchemaTarget {
  /** What the engine is called, in warnings ("PostgreSQL"). */
  engine: string
  schemas: boolean
  defaultSchema: string | null
  forwardReferences: boolean
  rowidKeys: boolean
  /** Columns can change their order (else a new order in the model stays a warning). */
  reorderColumns: boolean
}

/**
 * The operations that create a model from nothing (SQLAlchemy's `create_all`): schemas, tables
 * in dependency order, foreign keys that close a cycle afterwards where the engine needs that,
 * and the triggers that realise `onupdate` columns.
 */
export function createAllOps(tables: ModelTable[], target: SchemaTarget): SchemaOp[] {
  const { order, deferred } = dependencyOrder(tables)
  const ops: SchemaOp[] = []
  if (target.schemas)
    for (const s of new Set(tables.map((t) => t.schema)))
      if (s != null && s !== target.defaultSchema) ops.push({ op: 'createSchema', schema: s })
  const late = target.forwardReferences ? new Set<string>() : new Set(deferred.map((x) => `${x.table.id}:${x.fk}`))
  const after: SchemaOp[] = []
  for (const t of order) {
    const table = toSchemaTable(t)
    ops.push({
      op: 'createTable',
      table: { ...table, foreignKeys: table.foreignKeys.filter((_, i) => !late.has(`${t.id}:${i}`)) },
    })
    table.foreignKeys.forEach((foreignKey, i) => {
      if (late.has(`${t.id}:${i}`))
        after.push({ op: 'addForeignKey', table: { schema: t.schema, name: t.name }, foreignKey })
    })
    const key = primaryKeyColumns(t)
    for (const c of t.columns)
      if (c.onUpdate)
        after.push({
          op: 'setOnUpdate',
          table: { schema: t.schema, name: t.name },
          column: c.name,
          expression: c.onUpdate,
          key,
        })
  }
  return [...ops, ...after]
}
