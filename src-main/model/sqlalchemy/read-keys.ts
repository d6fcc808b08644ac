import { newId, type ModelForeignKey } from '../../../src-shared/model/document'
import type { ClassGraph } from './read-classes'
import type { ColumnReader } from './read-columns'
import { DEFAULT_CONVENTION, type Build, type FkTarget, type ReadContext } from './read-context'
import type { MetadataReader } from './read-metadata'
import type { TableBuilder } from './read-tables'
import type { TypeReader } from './read-types'

/** The reader's parts, for the passes that use all of them. */
export interface ReaderParts {
  cx: ReadContext
  classes: ClassGraph
  meta: MetadataReader
  types: TypeReader
  columns: ColumnReader
  tables: TableBuilder
}

/** A foreign key's target as a table and column, and the table being built when it is one of the project's. */
const tableOfTarget = (
  p: ReaderParts,
  t: FkTarget,
): { schema: string | null; table: string; column: string; build: Build | null } | null => {
  if (t.k === 'str') {
    const parts = t.path.split('.')
    if (parts.length < 2) return null
    const column = parts.pop()!
    const table = parts.pop()!
    const schema = parts.length ? parts.join('.') : null
    const build =
      p.tables.builds.find((x) => x.table.name === table && (schema == null || x.table.schema === schema)) ?? null
    return { schema: schema ?? null, table, column, build }
  }
  if (t.k === 'classattr') {
    const b = p.tables.byClass.get(t.cls)
    if (!b) return null
    return { schema: b.table.schema, table: b.table.name, column: b.attrs.get(t.attr) ?? t.attr, build: b }
  }
  const b = p.tables.byVariable.get(`${t.sym.mod.name}.${t.sym.name}`)
  return b ? { schema: b.table.schema, table: b.table.name, column: t.column, build: b } : null
}

/** Each table's foreign keys onto their targets; a column with no type of its own takes its target's. */
export function resolveForeignKeys(p: ReaderParts) {
  for (const b of p.tables.builds) {
    for (const f of b.fks) {
      const targets = f.targets.map((t) => tableOfTarget(p, t))
      if (targets.some((x) => !x) || new Set(targets.map((x) => `${x!.schema}.${x!.table}`)).size !== 1) {
        p.cx.skip(
          f.mod,
          f.at,
          `${b.table.name}(${f.columns.join(', ')}): the foreign key's target could not be resolved; left out`,
        )
        continue
      }
      const t0 = targets[0]!
      // A table named without its schema in a string is the one in the metadata's default schema.
      const refSchema = t0.build ? t0.build.table.schema : t0.schema
      const fk: ModelForeignKey = {
        id: newId('f'),
        name: f.name,
        columns: f.columns,
        refSchema: refSchema === b.table.schema ? (refSchema ?? null) : refSchema,
        refTable: t0.table,
        refColumns: targets.map((x) => x!.column),
        onDelete: f.onDelete,
        onUpdate: f.onUpdate,
      }
      if (!t0.build)
        p.cx.approx(
          f.mod,
          f.at,
          `${b.table.name}(${f.columns.join(', ')}) references ${t0.table}, which is not in the files read`,
        )
      b.table.foreignKeys.push(fk)
      if (!fk.name) b.unnamed.fks.add(fk)
      // A column with no type of its own takes the type of the column it references.
      f.columns.forEach((cn, i) => {
        if (!b.typeFromFk.has(cn)) return
        const col = b.table.columns.find((c) => c.name === cn)
        const ref = targets[i]?.build?.table.columns.find((c) => c.name === targets[i]!.column)
        if (col && ref)
          Object.assign(col, { type: ref.type, nativeType: ref.nativeType, length: ref.length, scale: ref.scale })
      })
    }
  }
}

/** Key positions, SQLAlchemy's autoincrement="auto", a mapped class without a key, and the naming convention. */
export function settleKeys(p: ReaderParts) {
  for (const b of p.tables.builds) {
    let n = 0
    const pks = b.table.columns.filter((c) => c.primaryKey > 0)
    if (!p.tables.pendingPk.some((p) => p.b === b)) for (const c of pks) c.primaryKey = ++n
    // SQLAlchemy's autoincrement="auto": a lone integer primary key without a foreign key.
    if (pks.length === 1) {
      const c = pks[0]
      const isFk = b.table.foreignKeys.some((f) => f.columns.includes(c.name))
      if (
        !b.autoExplicit.has(c.name) &&
        ['integer', 'bigint', 'smallint'].includes(c.type) &&
        !isFk &&
        c.serverDefault == null
      )
        c.autoincrement = true
    }
    if (!b.cls && !b.table.columns.some((c) => c.primaryKey)) {
      // A keyless Table(...) is fine for SQLAlchemy; a mapped class without a key is not.
    } else if (b.cls && !b.table.columns.some((c) => c.primaryKey))
      p.cx.skip(b.mod, b.at, `${b.cls.name} has no primary key: SQLAlchemy would refuse to map it (the table is read)`)
    applyConvention(b)
  }
}

/** Names from the metadata's naming convention for what was left unnamed (SQLAlchemy's own tokens). */
function applyConvention(b: Build) {
  const conv = b.meta.convention
  const t = b.table
  const fmt = (tpl: string, cols: string[], extra: Record<string, string> = {}): string => {
    const tokens: Record<string, string> = { table_name: t.name, ...extra }
    cols.forEach((c, i) => {
      tokens[`column_${i}_name`] = c
      tokens[`column_${i}_key`] = c
      tokens[`column_${i}_label`] = `${t.name}_${c}`
    })
    tokens.column_0N_name = cols.join('')
    tokens.column_0_N_name = cols.join('_')
    tokens.column_0N_key = cols.join('')
    tokens.column_0_N_key = cols.join('_')
    tokens.column_0N_label = cols.map((c) => `${t.name}_${c}`).join('')
    tokens.column_0_N_label = cols.map((c) => `${t.name}_${c}`).join('_')
    return tpl.replace(/%\((\w+)\)s/g, (m, k: string) => tokens[k] ?? m).replaceAll('%%', '%')
  }
  for (const ix of b.unnamed.indexes as Set<{ name: string; columns: string[] }>)
    ix.name = fmt(conv.ix ?? DEFAULT_CONVENTION.ix, ix.columns)
  for (const u of b.unnamed.uniques as Set<{ name: string | null; columns: string[] }>)
    if (conv.uq) u.name = fmt(conv.uq, u.columns)
  // unique=True on a column: its constraint takes the convention's name too.
  if (conv.uq)
    for (const c of t.columns)
      if (c.unique) {
        c.unique = false
        t.uniques.push({ name: fmt(conv.uq, [c.name]), columns: [c.name] })
      }
  for (const f of b.unnamed.fks as Set<ModelForeignKey>)
    if (conv.fk)
      f.name = fmt(conv.fk, f.columns, {
        referred_table_name: f.refTable,
        referred_column_0_name: f.refColumns[0] ?? '',
      })
  if (conv.pk && !t.primaryKeyName && t.columns.some((c) => c.primaryKey))
    t.primaryKeyName = fmt(
      conv.pk,
      t.columns
        .filter((c) => c.primaryKey)
        .sort((x, y) => x.primaryKey - y.primaryKey)
        .map((c) => c.name),
    )
  // Named checks go through the convention when it uses %(constraint_name)s.
  if (conv.ck?.includes('%(constraint_name)s'))
    for (const ck of t.checks) if (ck.name) ck.name = fmt(conv.ck, [], { constraint_name: ck.name })
  if (conv.ck && !conv.ck.includes('%(constraint_name)s'))
    for (const ck of b.unnamed.checks as Set<{ name: string | null }>) ck.name = fmt(conv.ck, [])
}
