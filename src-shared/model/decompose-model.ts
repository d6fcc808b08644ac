import type { DeclaredProposal } from '../normalize'
import { className as classNameOf } from '../naming'
import type { ModelDocument, ModelForeignKey, ModelTable } from './document'
import { newId } from './document'
import { splitTable, tableById } from './edit'

const subset = (a: string[], b: string[]) => a.every((c) => b.includes(c))
const sameSet = (a: string[], b: string[]) => a.length === b.length && subset(a, b)

/**
 * Carry out a normalization proposal on a designer table as a series of the designer's Splits, so
 * the migration moves the rows: the part that holds the table's key stays the table, and every
 * other part is split out of it, deepest first (a part whose moved columns another part still
 * needs as its key waits for that part). Foreign keys the proposal names between the new tables
 * are added, a foreign key of the old table follows its columns, and each declared dependency goes
 * to the table that holds all of its columns. Throws, changing nothing, when the proposal cannot be
 * made this way (a column that two parts both move, or a part that keeps none of the table's key).
 */
export function applyDecomposition(
  doc: ModelDocument,
  tableId: string,
  p: Pick<DeclaredProposal, 'tables'>,
): { doc: ModelDocument; ids: Record<string, string> } {
  const src = tableById(doc, tableId)
  const pk = src.columns.filter((c) => c.primaryKey > 0).map((c) => c.name)
  const main = p.tables.find((t) => t.name === src.name) ?? p.tables.find((t) => pk.length > 0 && subset(pk, t.columns))
  if (!main)
    throw new Error(
      `No part of the split keeps ${src.name}'s key, so ${src.name} cannot stay in place: open the proposal as a model of its own instead`,
    )
  if (!subset(pk, main.columns))
    throw new Error(`The part that stays ${src.name} must keep its primary key (${pk.join(', ')})`)
  const oldFks = src.foreignKeys
  const ids: Record<string, string> = { [main.name]: tableId }
  let next = doc
  let remaining = p.tables.filter((t) => t !== main)
  while (remaining.length) {
    const here = tableById(next, tableId).columns.map((c) => c.name)
    const ready = remaining.find((part) => {
      const moved = part.columns.filter((c) => !part.key.includes(c))
      const others = remaining.filter((o) => o !== part).flatMap((o) => o.columns)
      return (
        moved.length > 0 &&
        subset(part.columns, here) &&
        !moved.some((c) => main.columns.includes(c) || others.includes(c))
      )
    })
    if (!ready)
      throw new Error(
        `The split of ${src.name} into ${p.tables.map((t) => t.name).join(', ')} cannot be made by moving columns out of it (a column belongs to two new tables): open the proposal as a model of its own instead`,
      )
    const t = tableById(next, tableId)
    const idOf = (n: string) => t.columns.find((c) => c.name === n)!.id
    const r = splitTable(next, tableId, {
      key: ready.key.map(idOf),
      move: ready.columns.filter((c) => !ready.key.includes(c)).map(idOf),
      className: classNameOf(ready.name),
      name: ready.name,
    })
    next = r.doc
    ids[ready.name] = r.id
    remaining = remaining.filter((x) => x !== ready)
  }
  const left = tableById(next, tableId).columns.map((c) => c.name)
  if (!sameSet(left, main.columns))
    throw new Error(
      `After the split ${src.name} would keep ${left.join(', ')}, not the proposed ${main.columns.join(', ')}: open the proposal as a model of its own instead`,
    )
  // The references the proposal names, between the new tables; and the old table's own foreign keys, wherever their columns went.
  for (const part of p.tables) {
    const id = ids[part.name]
    const have = tableById(next, id)
    const add: ModelForeignKey[] = []
    for (const ref of part.references) {
      const target = tableById(next, ids[ref.table])
      if (have.foreignKeys.some((f) => f.refTable === target.name && sameSet(f.columns, ref.columns))) continue
      add.push({
        id: newId('f'),
        name: null,
        columns: ref.columns,
        refSchema: target.schema,
        refTable: target.name,
        refColumns: target.columns
          .filter((c) => c.primaryKey > 0)
          .sort((a, b) => a.primaryKey - b.primaryKey)
          .map((c) => c.name),
        onDelete: 'NO ACTION',
        onUpdate: 'NO ACTION',
      })
    }
    if (id !== tableId)
      for (const f of oldFks)
        if (
          subset(f.columns, part.columns) &&
          !have.foreignKeys.some((g) => g.refTable === f.refTable && sameSet(g.columns, f.columns))
        )
          add.push({ ...f, id: newId('f') })
    const deps = (src.dependencies ?? []).filter(
      (f) => subset([...f.lhs, f.rhs], part.columns) && !subset(part.key, f.lhs),
    )
    next = replaceTable(next, id, (x) => ({
      ...x,
      foreignKeys: [...x.foreignKeys, ...add],
      ...(src.dependencies ? { dependencies: deps } : {}),
    }))
  }
  return { doc: next, ids }
}

function replaceTable(doc: ModelDocument, id: string, fn: (t: ModelTable) => ModelTable): ModelDocument {
  return { ...doc, tables: doc.tables.map((t) => (t.id === id ? fn(t) : t)) }
}
