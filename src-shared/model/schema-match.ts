import type { Column, ForeignKey } from '../schema'
import type { ModelColumn, ModelDocument, ModelForeignKey, ModelTable } from './document'
import { tableRefKey } from './schema-ops'

/* How two models' tables and columns correspond: by id, then by the name each had, then by name. */

export function matchBy<F extends { id: string; name: string }, T extends { id: string; name: string; was?: string }>(
  from: F[],
  to: T[],
  key: (x: { name: string }) => string = (x) => x.name,
): Map<string, F> {
  const out = new Map<string, F>()
  const claimed = new Set<string>()
  const byId = new Map(from.map((f) => [f.id, f]))
  const byName = new Map(from.map((f) => [key(f), f]))
  const claim = (t: T, f: F | undefined) => {
    if (f && !claimed.has(f.id) && !out.has(t.id)) {
      out.set(t.id, f)
      claimed.add(f.id)
    }
  }
  for (const t of to) claim(t, byId.get(t.id))
  // By the name it had: in its own schema first, else the one thing of that name in any schema (it moved).
  for (const t of to) {
    if (t.was == null) continue
    const here = byName.get(key({ ...t, name: t.was }))
    const anywhere = from.filter((f) => f.name === t.was && !claimed.has(f.id))
    claim(t, here ?? (anywhere.length === 1 ? anywhere[0] : undefined))
  }
  for (const t of to) claim(t, byName.get(key(t)))
  return out
}

export const sameType = (a: Column, b: Column) =>
  a.type === b.type &&
  (a.length ?? null) === (b.length ?? null) &&
  (a.scale ?? null) === (b.scale ?? null) &&
  (a.type !== 'unknown' || a.nativeType.toLowerCase() === b.nativeType.toLowerCase())

export const json = (x: unknown) => JSON.stringify(x)
export const ref = (t: { schema: string | null; name: string }) => ({ schema: t.schema, name: t.name })
export const strip = ({ id: _id, orm: _orm, ...f }: ModelForeignKey): ForeignKey => f

/** How the two models' tables and columns correspond. */
export class Matching {
  readonly tables: Map<string, ModelTable>
  readonly columns = new Map<string, Map<string, ModelColumn>>()
  /** from table name -> old column -> new column */
  private readonly renamedColumn = new Map<string, Map<string, string>>()
  /** from table name -> to table name */
  readonly newTableName = new Map<string, string>()

  constructor(from: ModelDocument, to: ModelDocument) {
    this.tables = matchBy(from.tables, to.tables, (x) =>
      tableRefKey({ name: x.name, schema: (x as ModelTable).schema }),
    )
    for (const t of to.tables) {
      const f = this.tables.get(t.id)
      if (!f) continue
      const m = matchBy(f.columns, t.columns)
      this.columns.set(t.id, m)
      this.newTableName.set(f.name, t.name)
      this.renamedColumn.set(
        f.name,
        new Map(t.columns.filter((c) => m.has(c.id)).map((c) => [m.get(c.id)!.name, c.name])),
      )
    }
  }

  /** Old column names in the new model's names; a dropped one never equals a new one. */
  mapCols(table: string, cols: string[]) {
    return cols.map((c) => this.renamedColumn.get(table)?.get(c) ?? `\u0000dropped:${c}`)
  }

  /** A foreign key of the old model in the new model's names, so unchanged ones compare equal. */
  oldKey(f: ModelForeignKey, table: string) {
    return json([
      this.mapCols(table, f.columns),
      this.newTableName.get(f.refTable) ?? `\u0000gone:${f.refTable}`,
      this.mapCols(f.refTable, f.refColumns),
      f.onDelete,
      f.onUpdate,
    ])
  }
}
