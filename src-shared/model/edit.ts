import type { NeutralType, ReferentialAction } from '../schema'
import { className as classNameOf, plural, singular, snakeCase, tableNameFor, type TableNaming } from '../naming'
import {
  blankTable,
  positionOf,
  withPositions,
  newId,
  type ModelColumn,
  type ModelDocument,
  type ModelForeignKey,
  type ModelTable,
  type RelationshipOptions,
} from './document'

/**
 * Every designer edit as a pure function from one document to the next: the renderer keeps
 * the old documents for undo, the CLI and tests build models through the same calls, and
 * references (foreign keys, indexes, association tables) follow renames and deletions here.
 */

export type ColumnPatch = Partial<Omit<ModelColumn, 'id' | 'primaryKey'>>

export function tableById(doc: ModelDocument, id: string): ModelTable {
  const t = doc.tables.find((x) => x.id === id)
  if (!t) throw new Error(`No table with id ${id} in the model`)
  return t
}

function columnById(t: ModelTable, id: string): ModelColumn {
  const c = t.columns.find((x) => x.id === id)
  if (!c) throw new Error(`No column with id ${id} in ${t.name}`)
  return c
}

function mapTables(doc: ModelDocument, fn: (t: ModelTable) => ModelTable): ModelDocument {
  return { ...doc, tables: doc.tables.map(fn) }
}

function updateTableById(doc: ModelDocument, id: string, fn: (t: ModelTable) => ModelTable): ModelDocument {
  tableById(doc, id)
  return mapTables(doc, (t) => (t.id === id ? fn(t) : t))
}

const sameSchema = (a: string | null, b: string | null) => (a ?? null) === (b ?? null)

/** The first name not taken, trying `base`, `base2`, `base3`... */
export function uniqueName(base: string, taken: Iterable<string>): string {
  const used = new Set([...taken].map((n) => n.toLowerCase()))
  if (!used.has(base.toLowerCase())) return base
  for (let i = 2; ; i++) if (!used.has(`${base}${i}`.toLowerCase())) return `${base}${i}`
}

export function newColumn(name: string, type: NeutralType = 'text', extra: Partial<ModelColumn> = {}): ModelColumn {
  return {
    id: newId('c'),
    name,
    type,
    nativeType: '',
    nullable: true,
    serverDefault: null,
    autoincrement: false,
    primaryKey: 0,
    unique: false,
    ...extra,
  }
}

function idColumn(): ModelColumn {
  return newColumn('id', 'integer', { nullable: false, autoincrement: true, primaryKey: 1 })
}

export interface NewTableOptions {
  className?: string
  /** An explicit table name (locks it against the naming rule). */
  name?: string
  schema?: string | null
  position?: { x: number; y: number }
  /** Columns to start with; by default an autoincrementing `id` primary key. */
  columns?: ModelColumn[]
}

export function addTable(doc: ModelDocument, o: NewTableOptions = {}): { doc: ModelDocument; id: string } {
  const taken = doc.tables.map((t) => t.name)
  const cls = uniqueName(
    o.className ?? (o.name ? classNameOf(o.name) : 'NewTable'),
    doc.tables.map((t) => t.className),
  )
  const name = o.name ?? uniqueName(tableNameFor(cls, doc.naming), taken)
  const id = newId('t')
  const table = blankTable({
    id,
    schema: o.schema ?? null,
    name,
    className: cls,
    nameLocked: o.name != null && o.name !== tableNameFor(cls, doc.naming),
    columns: o.columns ?? [idColumn()],
  })
  const position = o.position ?? nextFreePosition(doc)
  return { doc: { ...doc, tables: [...doc.tables, table], layout: { ...doc.layout, [id]: position } }, id }
}

function nextFreePosition(doc: ModelDocument): { x: number; y: number } {
  if (doc.tables.length === 0) return { x: 40, y: 40 }
  const maxX = Math.max(...doc.tables.map((t) => positionOf(doc, t.id).x))
  const atMax = doc.tables.filter((t) => positionOf(doc, t.id).x === maxX)
  return { x: maxX + 300, y: Math.min(...atMax.map((t) => positionOf(doc, t.id).y)) }
}

/** Point every reference to a table at its new name, or its new schema (foreign keys elsewhere follow a rename or a move). */
function retargetReferences(
  doc: ModelDocument,
  schema: string | null,
  from: string,
  to: string,
  toSchema: string | null = schema,
): ModelDocument {
  if (from === to && sameSchema(schema, toSchema)) return doc
  const points = (f: ModelForeignKey) => f.refTable === from && sameSchema(f.refSchema, schema)
  return mapTables(doc, (t) =>
    t.foreignKeys.some(points)
      ? { ...t, foreignKeys: t.foreignKeys.map((f) => (points(f) ? { ...f, refTable: to, refSchema: toSchema } : f)) }
      : t,
  )
}

/** Set the table's name by hand; it no longer follows the class name. */
export function renameTable(doc: ModelDocument, id: string, name: string): ModelDocument {
  const t = tableById(doc, id)
  const next = updateTableById(doc, id, (x) => ({
    ...x,
    name,
    nameLocked: name !== tableNameFor(x.className, doc.naming),
  }))
  return retargetReferences(next, t.schema, t.name, name)
}

/** Put a table at another place in the document's order (the order code is exported in and the outline lists). */
export function moveTable(doc: ModelDocument, id: string, toIndex: number): ModelDocument {
  const from = doc.tables.findIndex((t) => t.id === id)
  if (from < 0) throw new Error('No such table')
  const to = Math.max(0, Math.min(doc.tables.length - 1, toIndex))
  if (to === from) return doc
  const tables = [...doc.tables]
  const [t] = tables.splice(from, 1)
  tables.splice(to, 0, t)
  return { ...doc, tables }
}

/** Move a table to another schema (null: the default one); foreign keys elsewhere follow it. */
export function setTableSchema(doc: ModelDocument, id: string, schema: string | null): ModelDocument {
  const t = tableById(doc, id)
  const to = schema?.trim() ? schema.trim() : null
  if (sameSchema(t.schema, to)) return doc
  return retargetReferences(
    updateTableById(doc, id, (x) => ({ ...x, schema: to })),
    t.schema,
    t.name,
    t.name,
    to,
  )
}

/** Rename the mapped class; the table name follows unless it was set by hand. */
export function renameClass(doc: ModelDocument, id: string, cls: string): ModelDocument {
  const t = tableById(doc, id)
  const name = t.nameLocked ? t.name : tableNameFor(cls, doc.naming)
  const next = updateTableById(doc, id, (x) => ({ ...x, className: cls, name }))
  return retargetReferences(next, t.schema, t.name, name)
}

/** Switch the naming rule; tables whose names were not typed by hand are renamed by it. */
export function setNaming(doc: ModelDocument, naming: TableNaming): ModelDocument {
  let next: ModelDocument = { ...doc, naming }
  if (naming === 'manual') return { ...next, tables: next.tables.map((t) => ({ ...t, nameLocked: true })) }
  for (const t of doc.tables) {
    if (t.nameLocked) continue
    const name = tableNameFor(t.className, naming)
    next = retargetReferences(
      updateTableById(next, t.id, (x) => ({ ...x, name })),
      t.schema,
      t.name,
      name,
    )
  }
  return next
}

/**
 * Remove tables. Foreign keys that pointed at them go too (their columns stay), and an
 * association table goes with either of the tables it linked.
 */
export function deleteTables(doc: ModelDocument, ids: string[]): ModelDocument {
  const gone = new Set(ids)
  const isGone = (f: ModelForeignKey, all: ModelTable[]) =>
    all.some((t) => gone.has(t.id) && t.name === f.refTable && sameSchema(t.schema, f.refSchema))
  for (const t of doc.tables)
    if (t.association && !gone.has(t.id) && t.foreignKeys.some((f) => isGone(f, doc.tables))) gone.add(t.id)
  const tables = doc.tables.filter((t) => !gone.has(t.id))
  const layout = Object.fromEntries(Object.entries(doc.layout).filter(([id]) => !gone.has(id)))
  return {
    ...doc,
    layout,
    tables: tables.map((t) =>
      t.foreignKeys.some((f) => isGone(f, doc.tables))
        ? { ...t, foreignKeys: t.foreignKeys.filter((f) => !isGone(f, doc.tables)) }
        : t,
    ),
  }
}

/** Tables moved on the canvas: only the layout changes, never a table entity. */
export function moveTables(doc: ModelDocument, positions: Record<string, { x: number; y: number }>): ModelDocument {
  return withPositions(doc, positions)
}

/** A table's colour on the canvas (undefined: the default). */
export function setTableColor(doc: ModelDocument, id: string, color: string | undefined): ModelDocument {
  const at = positionOf(doc, id)
  const { color: _old, ...rest } = doc.layout[id] ?? at
  return { ...doc, layout: { ...doc.layout, [id]: color ? { ...rest, color } : rest } }
}

export function updateTable(
  doc: ModelDocument,
  id: string,
  patch: Partial<
    Pick<
      ModelTable,
      'uniques' | 'checks' | 'indexes' | 'comment' | 'association' | 'schema' | 'primaryKeyName' | 'dependencies'
    >
  >,
): ModelDocument {
  return updateTableById(doc, id, (t) => ({ ...t, ...patch }))
}

export function addColumn(
  doc: ModelDocument,
  tableId: string,
  patch: ColumnPatch = {},
): { doc: ModelDocument; id: string } {
  const t = tableById(doc, tableId)
  const col = newColumn(
    patch.name ??
      uniqueName(
        'column',
        t.columns.map((c) => c.name),
      ),
    patch.type ?? 'text',
    patch,
  )
  return { doc: updateTableById(doc, tableId, (x) => ({ ...x, columns: [...x.columns, col] })), id: col.id }
}

const renameIn = (names: string[], from: string, to: string) => names.map((n) => (n === from ? to : n))

/** Change a column's options; a rename follows into constraints, indexes and foreign keys that reference it. */
export function updateColumn(doc: ModelDocument, tableId: string, columnId: string, patch: ColumnPatch): ModelDocument {
  const t = tableById(doc, tableId)
  const old = columnById(t, columnId)
  // Only integer columns autoincrement: a change of type takes the flag away rather than leave an error behind.
  const fixed =
    patch.type && !['integer', 'bigint', 'smallint'].includes(patch.type) && old.autoincrement
      ? { ...patch, autoincrement: false }
      : patch
  let next = updateTableById(doc, tableId, (x) => ({
    ...x,
    columns: x.columns.map((c) => (c.id === columnId ? { ...c, ...fixed } : c)),
  }))
  if (patch.name != null && patch.name !== old.name) {
    const [from, to] = [old.name, patch.name]
    next = updateTableById(next, tableId, (x) => ({
      ...x,
      foreignKeys: x.foreignKeys.map((f) => ({ ...f, columns: renameIn(f.columns, from, to) })),
      uniques: x.uniques.map((u) => ({ ...u, columns: renameIn(u.columns, from, to) })),
      indexes: x.indexes.map((i) => ({ ...i, columns: renameIn(i.columns, from, to) })),
      ...(x.dependencies
        ? {
            dependencies: x.dependencies.map((f) => ({
              lhs: renameIn(f.lhs, from, to),
              rhs: f.rhs === from ? to : f.rhs,
            })),
          }
        : {}),
    }))
    next = mapTables(next, (x) =>
      x.foreignKeys.some((f) => f.refTable === t.name && sameSchema(f.refSchema, t.schema))
        ? {
            ...x,
            foreignKeys: x.foreignKeys.map((f) =>
              f.refTable === t.name && sameSchema(f.refSchema, t.schema)
                ? { ...f, refColumns: renameIn(f.refColumns, from, to) }
                : f,
            ),
          }
        : x,
    )
  }
  return next
}

/** Put a column in or out of the primary key (appended last); the key's order is kept. */
export function setPrimaryKey(doc: ModelDocument, tableId: string, columnId: string, on: boolean): ModelDocument {
  return updateTableById(doc, tableId, (t) => {
    const order = t.columns
      .filter((c) => c.primaryKey > 0 && c.id !== columnId)
      .sort((a, b) => a.primaryKey - b.primaryKey)
      .map((c) => c.id)
    if (on) order.push(columnId)
    return {
      ...t,
      columns: t.columns.map((c) => {
        const pos = order.indexOf(c.id) + 1
        const pk = { ...c, primaryKey: pos }
        if (pos > 0) pk.nullable = false
        if (pos === 0 && c.id === columnId) pk.autoincrement = false
        return pk
      }),
    }
  })
}

/** Remove a column, with every constraint that used it here and every foreign key elsewhere that referenced it. */
export function deleteColumn(doc: ModelDocument, tableId: string, columnId: string): ModelDocument {
  const t = tableById(doc, tableId)
  const name = columnById(t, columnId).name
  let next = updateTableById(doc, tableId, (x) => {
    const columns = x.columns.filter((c) => c.id !== columnId)
    const pkOrder = columns.filter((c) => c.primaryKey > 0).sort((a, b) => a.primaryKey - b.primaryKey)
    return {
      ...x,
      columns: columns.map((c) => (c.primaryKey > 0 ? { ...c, primaryKey: pkOrder.indexOf(c) + 1 } : c)),
      foreignKeys: x.foreignKeys.filter((f) => !f.columns.includes(name)),
      uniques: x.uniques.filter((u) => !u.columns.includes(name)),
      indexes: x.indexes.filter((i) => !i.columns.includes(name)),
      ...(x.dependencies
        ? { dependencies: x.dependencies.filter((f) => f.rhs !== name && !f.lhs.includes(name)) }
        : {}),
    }
  })
  next = mapTables(next, (x) =>
    x.foreignKeys.some((f) => f.refTable === t.name && sameSchema(f.refSchema, t.schema) && f.refColumns.includes(name))
      ? {
          ...x,
          foreignKeys: x.foreignKeys.filter(
            (f) => !(f.refTable === t.name && sameSchema(f.refSchema, t.schema) && f.refColumns.includes(name)),
          ),
        }
      : x,
  )
  return next
}

export function moveColumn(doc: ModelDocument, tableId: string, columnId: string, toIndex: number): ModelDocument {
  return updateTableById(doc, tableId, (t) => {
    const cols = t.columns.filter((c) => c.id !== columnId)
    cols.splice(Math.max(0, Math.min(toIndex, cols.length)), 0, columnById(t, columnId))
    return { ...t, columns: cols }
  })
}

export const RELATIONSHIP_KINDS = ['many-to-one', 'one-to-many', 'one-to-one', 'many-to-many'] as const
export type RelationshipKind = (typeof RELATIONSHIP_KINDS)[number]

export interface ConnectOptions {
  /** For many-to-one and one-to-one: the table that gets the foreign key. For one-to-many, the "one" side. */
  from: string
  to: string
  kind: RelationshipKind
  /** Use this existing column of `from` as the foreign key (a drag from a column); otherwise one is added. */
  fromColumn?: string
  /** Reference this column of `to` (a drag onto a column); by default its primary key. */
  toColumn?: string
  onDelete?: ReferentialAction
  onUpdate?: ReferentialAction
}

function defaultOptions(
  child: ModelTable,
  parent: ModelTable,
  fkColumns: string[],
  oneToOne: boolean,
): RelationshipOptions {
  const m = fkColumns.length === 1 ? /^(.+?)_?(id|Id|ID)$/.exec(fkColumns[0]) : null
  return {
    name: m?.[1] ? m[1] : singular(parent.name),
    backPopulates: oneToOne ? singular(child.name) : plural(child.name),
    cascade: [],
    passiveDeletes: false,
    lazy: 'select',
  }
}

function keyColumnsOf(t: ModelTable, toColumn?: string): ModelColumn[] {
  if (toColumn) return [columnById(t, toColumn)]
  const pk = t.columns.filter((c) => c.primaryKey > 0).sort((a, b) => a.primaryKey - b.primaryKey)
  if (pk.length === 0) throw new Error(`${t.name} has no primary key to reference; give it one first`)
  return pk
}

/** A copy of a referenced column's type for the column that references it. */
function referencingColumn(name: string, target: ModelColumn, extra: Partial<ModelColumn> = {}): ModelColumn {
  const {
    id: _id,
    name: _n,
    primaryKey: _p,
    autoincrement: _a,
    unique: _u,
    serverDefault: _s,
    appDefault: _d,
    comment: _c,
    ...type
  } = target
  return { ...newColumn(name, target.type), ...type, nullable: false, ...extra }
}

/**
 * Draw a relationship. Many-to-one and one-to-one put a foreign key on `from` (one-to-one makes
 * it unique: `uselist=False`); one-to-many puts it on `to`; many-to-many creates the association
 * table with two foreign keys that form its primary key, like the notes' `city_user`.
 */
export function connect(
  doc: ModelDocument,
  o: ConnectOptions,
): { doc: ModelDocument; tableId: string; foreignKeyIds: string[] } {
  if (o.kind === 'one-to-many')
    return connect(doc, {
      ...o,
      kind: 'many-to-one',
      from: o.to,
      to: o.from,
      fromColumn: o.toColumn,
      toColumn: o.fromColumn,
    })
  if (o.kind === 'many-to-many') return connectManyToMany(doc, o)
  const child = tableById(doc, o.from)
  const parent = tableById(doc, o.to)
  const targets = keyColumnsOf(parent, o.toColumn)
  const oneToOne = o.kind === 'one-to-one'
  let columns = child.columns
  let fkColumns: string[]
  if (o.fromColumn) {
    const col = columnById(child, o.fromColumn)
    if (targets.length !== 1)
      throw new Error(
        `${parent.name}'s key has ${targets.length} columns; drag onto the table to reference all of them`,
      )
    fkColumns = [col.name]
    if (oneToOne && !col.unique && col.primaryKey === 0)
      columns = columns.map((c) => (c.id === col.id ? { ...c, unique: true } : c))
  } else {
    const taken = child.columns.map((c) => c.name)
    const added = targets.map((tc) => {
      const name = uniqueName(`${snakeCase(singular(parent.name))}_${tc.name}`, taken)
      taken.push(name)
      return referencingColumn(name, tc, { unique: oneToOne && targets.length === 1 })
    })
    columns = [...columns, ...added]
    fkColumns = added.map((c) => c.name)
  }
  const fk: ModelForeignKey = {
    id: newId('f'),
    name: null,
    columns: fkColumns,
    refSchema: parent.schema,
    refTable: parent.name,
    refColumns: targets.map((c) => c.name),
    onDelete: o.onDelete ?? 'NO ACTION',
    onUpdate: o.onUpdate ?? 'NO ACTION',
    orm: defaultOptions(child, parent, fkColumns, oneToOne),
  }
  let uniques = child.uniques
  if (oneToOne && fkColumns.length > 1) uniques = [...uniques, { name: null, columns: fkColumns }]
  return {
    doc: updateTableById(doc, child.id, (t) => ({ ...t, columns, uniques, foreignKeys: [...t.foreignKeys, fk] })),
    tableId: child.id,
    foreignKeyIds: [fk.id],
  }
}

function connectManyToMany(
  doc: ModelDocument,
  o: ConnectOptions,
): { doc: ModelDocument; tableId: string; foreignKeyIds: string[] } {
  const a = tableById(doc, o.from)
  const b = tableById(doc, o.to)
  // Named after both sides in alphabetical order, as the notes' `city_user`, whichever way it was drawn.
  const sides = [snakeCase(singular(a.name)), snakeCase(singular(b.name))].sort()
  const name = uniqueName(
    sides.join('_'),
    doc.tables.map((t) => t.name),
  )
  const columns: ModelColumn[] = []
  const fks: ModelForeignKey[] = []
  for (const side of [a, b]) {
    const keys = keyColumnsOf(side)
    const cols = keys.map((k) => {
      const col = referencingColumn(
        uniqueName(
          `${snakeCase(singular(side.name))}_${k.name}`,
          columns.map((c) => c.name),
        ),
        k,
      )
      columns.push(col)
      return col
    })
    fks.push({
      id: newId('f'),
      name: null,
      columns: cols.map((c) => c.name),
      refSchema: side.schema,
      refTable: side.name,
      refColumns: keys.map((k) => k.name),
      onDelete: o.onDelete ?? 'CASCADE',
      onUpdate: o.onUpdate ?? 'NO ACTION',
    })
  }
  columns.forEach((c, i) => (c.primaryKey = i + 1))
  const [pa, pb] = [positionOf(doc, a.id), positionOf(doc, b.id)]
  const position = { x: Math.round((pa.x + pb.x) / 2), y: Math.round((pa.y + pb.y) / 2) + 160 }
  const added = addTable(doc, { name, className: classNameOf(name), schema: a.schema, position, columns })
  const next = updateTableById(added.doc, added.id, (t) => ({
    ...t,
    foreignKeys: fks,
    // `User.cities` and `City.users`: each side's attribute holds the other side's rows.
    association: { names: [plural(snakeCase(singular(b.name))), plural(snakeCase(singular(a.name)))], lazy: 'select' },
  }))
  return { doc: next, tableId: added.id, foreignKeyIds: fks.map((f) => f.id) }
}

export function updateForeignKey(
  doc: ModelDocument,
  tableId: string,
  fkId: string,
  patch: Partial<Omit<ModelForeignKey, 'id'>>,
): ModelDocument {
  return updateTableById(doc, tableId, (t) => ({
    ...t,
    foreignKeys: t.foreignKeys.map((f) => (f.id === fkId ? { ...f, ...patch } : f)),
  }))
}

/** Drop a foreign key; its columns stay. Removing one of an association table's keys makes it a plain table. */
export function deleteForeignKey(doc: ModelDocument, tableId: string, fkId: string): ModelDocument {
  return updateTableById(doc, tableId, (t) => ({
    ...t,
    foreignKeys: t.foreignKeys.filter((f) => f.id !== fkId),
    association: undefined,
  }))
}

/**
 * The notes' `Base`: an autoincrementing integer `id` primary key, and `created_at`/`updated_at`
 * stamped by the database (`server_default=func.now()`), `updated_at` also on every update.
 */
export function applyBase(doc: ModelDocument, tableId: string): ModelDocument {
  return updateTableById(doc, tableId, (t) => {
    const byName = new Map(t.columns.map((c) => [c.name, c]))
    const hasOtherKey = t.columns.some((c) => c.primaryKey > 0 && c.name !== 'id')
    const id = byName.get('id') ?? idColumn()
    const cols: ModelColumn[] = [
      hasOtherKey ? id : { ...id, type: 'integer', nullable: false, autoincrement: true, primaryKey: 1 },
      ...t.columns.filter((c) => !['id', 'created_at', 'updated_at'].includes(c.name)),
      {
        ...(byName.get('created_at') ?? newColumn('created_at')),
        type: 'timestamp',
        nullable: false,
        serverDefault: 'CURRENT_TIMESTAMP',
      },
      {
        ...(byName.get('updated_at') ?? newColumn('updated_at')),
        type: 'timestamp',
        nullable: false,
        serverDefault: 'CURRENT_TIMESTAMP',
        onUpdate: 'CURRENT_TIMESTAMP',
      },
    ]
    return { ...t, base: true, columns: cols }
  })
}

/** Copies of tables for paste: new ids, names made unique, foreign keys kept only between copied tables or to tables still present. */
export function duplicateTables(
  doc: ModelDocument,
  tables: ModelTable[],
  offset = 40,
  /** Where the copied tables sat (their document's layout): the copies go `offset` below and right. */
  from: ModelDocument['layout'] = doc.layout,
): { doc: ModelDocument; ids: string[] } {
  const layout = { ...doc.layout }
  const taken = doc.tables.map((t) => t.name)
  const takenCls = doc.tables.map((t) => t.className)
  const renamed = new Map<string, string>()
  const copies = tables.map((t) => {
    const name = uniqueName(t.name, taken)
    const cls = uniqueName(t.className, takenCls)
    taken.push(name)
    takenCls.push(cls)
    renamed.set(t.name, name)
    return {
      ...structuredClone(t),
      id: newId('t'),
      name,
      className: cls,
      nameLocked: t.nameLocked || name !== tableNameFor(cls, doc.naming),
      was: undefined,
      copyFrom: undefined,
    }
  })
  const present = new Set(doc.tables.map((t) => t.name))
  for (const c of copies) {
    c.columns = c.columns.map((col) => ({ ...col, id: newId('c'), was: undefined }))
    c.foreignKeys = c.foreignKeys
      .filter((f) => renamed.has(f.refTable) || present.has(f.refTable))
      .map((f) => ({ ...f, id: newId('f'), refTable: renamed.get(f.refTable) ?? f.refTable }))
    if (c.association && c.foreignKeys.length !== 2) delete c.association
  }
  copies.forEach((c, i) => {
    const at = positionOf({ layout: from }, tables[i].id)
    layout[c.id] = { ...from[tables[i].id], x: at.x + offset, y: at.y + offset }
  })
  return { doc: { ...doc, tables: [...doc.tables, ...copies], layout }, ids: copies.map((c) => c.id) }
}

/**
 * Split columns out of a table into a new one keyed by `key` (a determinant, the way the
 * normalization wizard splits): the new table holds the key and the moved columns, the old
 * table keeps the key as a foreign key to it. The migration fills the new table from the old
 * table's distinct rows before the moved columns are dropped, so no data is lost.
 */
export function splitTable(
  doc: ModelDocument,
  tableId: string,
  o: { key: string[]; move: string[]; className: string; name?: string },
): { doc: ModelDocument; id: string } {
  const src = tableById(doc, tableId)
  if (o.key.length === 0 || o.move.length === 0)
    throw new Error('Choose the key columns and at least one column to move')
  const keyCols = o.key.map((id) => columnById(src, id))
  const moved = o.move.map((id) => columnById(src, id))
  if (moved.some((c) => c.primaryKey > 0))
    throw new Error(`${moved.find((c) => c.primaryKey > 0)!.name} is in ${src.name}'s primary key and cannot move out`)
  if (moved.some((c) => o.key.includes(c.id))) throw new Error('A column cannot be both the key and moved')
  const columns = [
    ...keyCols.map((c, i) => ({
      ...newColumn(c.name, c.type),
      length: c.length,
      scale: c.scale,
      nativeType: c.nativeType,
      nullable: false,
      primaryKey: i + 1,
    })),
    ...moved.map((c) => ({ ...c, id: newId('c'), primaryKey: 0, unique: false, autoincrement: false, was: undefined })),
  ].map((c) => {
    const out = { ...c }
    if (out.length === undefined) delete out.length
    if (out.scale === undefined) delete out.scale
    return out
  })
  const added = addTable(doc, {
    className: o.className,
    name: o.name,
    schema: src.schema,
    position: { x: positionOf(doc, src.id).x + NODE_GAP_X, y: positionOf(doc, src.id).y },
    columns,
  })
  const copyFrom = {
    table: src.was ?? src.name,
    columns: Object.fromEntries([...keyCols, ...moved].map((c) => [c.name, c.was ?? c.name])),
  }
  let next = updateTableById(added.doc, added.id, (t) => ({ ...t, copyFrom }))
  for (const c of moved) next = deleteColumn(next, tableId, c.id)
  const newT = tableById(next, added.id)
  const fk: ModelForeignKey = {
    id: newId('f'),
    name: null,
    columns: keyCols.map((c) => c.name),
    refSchema: newT.schema,
    refTable: newT.name,
    refColumns: keyCols.map((c) => c.name),
    onDelete: 'NO ACTION',
    onUpdate: 'NO ACTION',
    orm: {
      name: singular(snakeCase(newT.className)),
      backPopulates: plural(snakeCase(singular(src.name))),
      cascade: [],
      passiveDeletes: false,
      lazy: 'select',
    },
  }
  next = updateTableById(next, tableId, (t) => ({ ...t, foreignKeys: [...t.foreignKeys, fk] }))
  return { doc: next, id: added.id }
}

const NODE_GAP_X = 320

/** After a migration ran: every table and column is now in the database under its current name. */
export function markSynced(doc: ModelDocument): ModelDocument {
  return {
    ...doc,
    tables: doc.tables.map((t) => ({
      ...t,
      was: t.name,
      copyFrom: undefined,
      columns: t.columns.map((c) => ({ ...c, was: c.name })),
    })),
  }
}
