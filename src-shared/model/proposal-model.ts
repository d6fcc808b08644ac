import type { Column } from '../schema/column'
import { className } from '../naming'
import { blankTable, emptyModel, newId, type ModelDocument } from './document'
import { autoLayout } from './layout'

/** The tables a normalization proposal makes: names, columns, keys and references. */
export interface ProposedTables {
  tables: { name: string; columns: string[]; key: string[]; references: { columns: string[]; table: string }[] }[]
}

/**
 * A normalization proposal as a model document (laid out), so it can be drawn like the designer
 * draws a schema and opened there. Columns keep the source table's types.
 */
export function proposalModel(
  p: ProposedTables,
  source: (Pick<Column, 'name' | 'type' | 'nativeType'> & Partial<Pick<Column, 'length' | 'scale' | 'nullable'>>)[],
  name = 'Proposed split',
): ModelDocument {
  const typeOf = new Map(source.map((c) => [c.name, c]))
  const doc = emptyModel(name)
  doc.naming = 'manual'
  doc.tables = p.tables.map((t) =>
    blankTable({
      name: t.name,
      className: className(t.name),
      nameLocked: true,
      columns: t.columns.map((c) => {
        const s = typeOf.get(c)
        const k = t.key.indexOf(c)
        return {
          id: newId('c'),
          name: c,
          type: s?.type ?? 'text',
          nativeType: s?.nativeType ?? 'TEXT',
          ...(s?.length ? { length: s.length } : {}),
          ...(s?.scale ? { scale: s.scale } : {}),
          nullable: k < 0 && (s?.nullable ?? true),
          serverDefault: null,
          autoincrement: false,
          primaryKey: k + 1,
          unique: false,
        }
      }),
      foreignKeys: t.references.map((r) => {
        const target = p.tables.find((x) => x.name === r.table)?.key
        const refColumns = target && target.length === r.columns.length ? target : r.columns
        return {
          id: newId('fk'),
          name: null,
          columns: r.columns,
          refSchema: null,
          refTable: r.table,
          refColumns,
          onDelete: 'NO ACTION' as const,
          onUpdate: 'NO ACTION' as const,
        }
      }),
    }),
  )
  return autoLayout(doc)
}
