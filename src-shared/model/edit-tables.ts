import { className as classNameOf, tableNameFor, type TableNaming } from '../naming'
import {
  blankTable,
  positionOf,
  withPositions,
  newId,
  type ModelColumn,
  type ModelDocument,
  type ModelForeignKey,
  type ModelTable,
} from './document'
import { tableById, mapTables, updateTableById, sameSchema, uniqueName, newColumn, idColumn } from './edit-core'

/* Edits of tables: add, rename, move (in the document and on the canvas), schema, naming, base, copies, delete. */

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
