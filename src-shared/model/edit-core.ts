import type { NeutralType } from '../schema'
import { newId, type ModelColumn, type ModelDocument, type ModelTable } from './document'

/* The lookups and helpers every edit shares (see edit.ts). */

export function tableById(doc: ModelDocument, id: string): ModelTable {
  const t = doc.tables.find((x) => x.id === id)
  if (!t) throw new Error(`No table with id ${id} in the model`)
  return t
}

export function columnById(t: ModelTable, id: string): ModelColumn {
  const c = t.columns.find((x) => x.id === id)
  if (!c) throw new Error(`No column with id ${id} in ${t.name}`)
  return c
}

export function mapTables(doc: ModelDocument, fn: (t: ModelTable) => ModelTable): ModelDocument {
  return { ...doc, tables: doc.tables.map(fn) }
}

export function updateTableById(doc: ModelDocument, id: string, fn: (t: ModelTable) => ModelTable): ModelDocument {
  tableById(doc, id)
  return mapTables(doc, (t) => (t.id === id ? fn(t) : t))
}

export const sameSchema = (a: string | null, b: string | null) => (a ?? null) === (b ?? null)

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

export function idColumn(): ModelColumn {
  return newColumn('id', 'integer', { nullable: false, autoincrement: true, primaryKey: 1 })
}
