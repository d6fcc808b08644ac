import type { ReferentialAction } from '../schema'
import { className as classNameOf, plural, singular, snakeCase } from '../naming'
import {
  positionOf,
  newId,
  type ModelColumn,
  type ModelDocument,
  type ModelForeignKey,
  type ModelTable,
  type RelationshipOptions,
} from './document'
import { tableById, columnById, newColumn, updateTableById, uniqueName } from './edit-core'
import { addTable } from './edit-tables'

/* Relationships: connecting two tables (many-to-one, one-to-many, one-to-one, many-to-many with its association table), and changing or deleting a foreign key. */

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
