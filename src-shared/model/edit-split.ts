import { plural, singular, snakeCase } from '../naming'
import { positionOf, newId, type ModelDocument, type ModelForeignKey } from './document'
import { deleteColumn } from './edit-columns'
import { tableById, columnById, newColumn, updateTableById } from './edit-core'
import { addTable } from './edit-tables'

/* Splitting columns out of a table into a new one keyed by a determinant. */

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
