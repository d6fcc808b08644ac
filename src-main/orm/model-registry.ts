import type { ModelDocument } from '../../src-shared/model/document'
import { tableKey, type DatabaseSchema } from '../../src-shared/schema'
import type { Dialect } from '../db/dialect'
import { toSchemaTable } from '../../src-shared/model/schema-ops'
import { Registry, type RegistryOptions } from './registry'

/**
 * Mappers from a designer model rather than from a database: the tables as the model draws them,
 * and each relationship as the model declares it (attribute names, cascade, passive_deletes,
 * lazy, the association table's names) with the columns' application-side defaults.
 */
export function registryFromModel(doc: ModelDocument, dialect: Dialect, extra: RegistryOptions = {}): Registry {
  const schema: DatabaseSchema = { database: doc.name, engine: dialect.name, tables: doc.tables.map(toSchemaTable) }
  const byKey = new Map(doc.tables.map((t) => [tableKey(t), t]))
  const defaults: Record<string, unknown> = {}
  for (const t of doc.tables)
    for (const c of t.columns)
      if (c.appDefault !== undefined && c.appDefault !== null) defaults[`${tableKey(t)}.${c.name}`] = c.appDefault
  return new Registry(schema, dialect, {
    ...extra,
    defaults: { ...defaults, ...extra.defaults },
    foreignKeyOptions: (t, fk) =>
      byKey
        .get(tableKey(t))
        ?.foreignKeys.find((f) => f.refTable === fk.refTable && f.columns.join('\u0000') === fk.columns.join('\u0000'))
        ?.orm,
    associationOptions: (t) => byKey.get(tableKey(t))?.association,
  })
}
