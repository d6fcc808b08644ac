import { type ModelColumn, type ModelDocument } from './document'
import { tableById, columnById, mapTables, updateTableById, sameSchema, uniqueName, newColumn } from './edit-core'

/* Edits of columns: add, change, key, delete, reorder; references follow a rename. */

export type ColumnPatch = Partial<Omit<ModelColumn, 'id' | 'primaryKey'>>

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
