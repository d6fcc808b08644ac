import type { DatabaseSchema } from '../../src-shared/schema'
import { isAssociationTable, isUniqueKey } from '../../src-shared/schema'
import { className, manyToOneName, plural, singular, tableNameFor } from '../../src-shared/naming'
import {
  emptyModel,
  newId,
  type ModelDocument,
  type ModelForeignKey,
  type ModelTable,
} from '../../src-shared/model/document'
import { autoLayout } from '../../src-shared/model/layout'
import type { Dialect } from '../db/dialect'

/** Whether `schema` is the one a dialect leaves unqualified (public, main). */
function isDefaultSchema(d: Dialect, schema: string | null): boolean {
  return schema == null || d.qualify(schema, 'x') === d.quoteIdent('x')
}

/**
 * A live database as a new model (reverse engineering): tables (views are left out), every
 * constraint and index, relationships named the way a SQLAlchemy user would, association
 * tables recognised, laid out automatically.
 */
export function schemaToModel(schema: DatabaseSchema, d: Dialect, name = schema.database): ModelDocument {
  const doc = emptyModel(name)
  const tables = schema.tables.filter((t) => t.kind === 'table')
  const local = (s: string | null) => (isDefaultSchema(d, s) ? null : s)
  doc.tables = tables.map((t): ModelTable => {
    const cls = className(t.name)
    const association = isAssociationTable(t)
    const foreignKeys = t.foreignKeys.map((f): ModelForeignKey => ({
      ...f,
      id: newId('f'),
      refSchema: local(f.refSchema),
      orm: association
        ? undefined
        : {
            name: manyToOneName(f.columns, f.refTable),
            backPopulates: isUniqueKey(t, f.columns) ? singular(t.name) : plural(t.name),
            cascade: [],
            passiveDeletes: false,
            lazy: 'select',
          },
    }))
    return {
      id: newId('t'),
      schema: local(t.schema),
      name: t.name,
      className: cls,
      nameLocked: t.name !== tableNameFor(cls, doc.naming),
      columns: t.columns.map((c) => ({
        ...c,
        serverDefault: plainDefault(c.serverDefault),
        id: newId('c'),
        was: c.name,
      })),
      primaryKeyName: t.primaryKeyName,
      foreignKeys,
      uniques: t.uniques,
      checks: t.checks,
      indexes: t.indexes,
      association: association
        ? {
            names: [plural(singular(t.foreignKeys[1].refTable)), plural(singular(t.foreignKeys[0].refTable))],
            lazy: 'select',
          }
        : undefined,
      base: false,
      was: t.name,
    }
  })
  return autoLayout(doc)
}

/** `'abc'::text` -> `'abc'` and `'-3'::bigint` -> `-3`: a string literal's cast to the column's own type says nothing the column does not. */
export function plainDefault(expr: string | null): string | null {
  if (expr == null) return null
  const m = /^('(?:[^']|'')*')::[a-z ]+(?:\(\d+(?:,\s*\d+)?\))?$/i.exec(expr.trim())
  if (!m) return expr
  // PostgreSQL keeps a negative number as a quoted literal cast to the type: `'-3'::bigint`.
  return /^'-?\d+(\.\d+)?'$/.test(m[1]) ? m[1].slice(1, -1) : m[1]
}
