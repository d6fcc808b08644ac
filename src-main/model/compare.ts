import type { ModelDocument } from '../../src-shared/model/document'

/**
 * What of a model a database keeps: tables, columns and constraints, without ids, positions,
 * ORM options or names the engine does not store. Two models with equal structure create the
 * same database; the round-trip tests and the diff compare this.
 */
export function modelStructure(doc: ModelDocument, opts: { constraintNames: boolean }) {
  const nm = (n: string | null) => (opts.constraintNames ? n : null)
  const sortBy = <T>(xs: T[], k: (x: T) => string) => [...xs].sort((a, b) => (k(a) < k(b) ? -1 : k(a) > k(b) ? 1 : 0))
  return sortBy(doc.tables, (t) => `${t.schema ?? ''}.${t.name}`).map((t) => ({
    schema: t.schema,
    name: t.name,
    columns: t.columns.map((c) => ({
      name: c.name,
      type: c.type,
      ...(c.type === 'unknown' ? { nativeType: c.nativeType.toLowerCase() } : {}),
      length: c.length ?? null,
      scale: c.scale ?? null,
      nullable: c.nullable,
      serverDefault: c.serverDefault,
      autoincrement: c.autoincrement,
      primaryKey: c.primaryKey,
      unique: c.unique,
      onUpdate: c.onUpdate ?? null,
    })),
    primaryKeyName: nm(t.primaryKeyName),
    foreignKeys: sortBy(
      t.foreignKeys.map((f) => ({
        name: nm(f.name),
        columns: f.columns,
        refSchema: f.refSchema,
        refTable: f.refTable,
        refColumns: f.refColumns,
        onDelete: f.onDelete,
        onUpdate: f.onUpdate,
      })),
      (f) => JSON.stringify(f),
    ),
    uniques: sortBy(
      t.uniques.map((u) => ({ name: nm(u.name), columns: u.columns })),
      (u) => JSON.stringify(u),
    ),
    checks: sortBy(
      t.checks.map((c) => ({ name: nm(c.name), expression: c.expression })),
      (c) => JSON.stringify(c),
    ),
    indexes: sortBy(t.indexes, (i) => i.name),
  }))
}
