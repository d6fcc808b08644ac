import { primaryKeyColumns } from '../schema'
import type { ModelColumn, ModelDocument, ModelForeignKey, ModelTable } from './document'
import { json, Matching, ref, sameType, strip } from './schema-match'
import { dependencyOrder, toSchemaTable, type SchemaOp, type SchemaTarget, type TableChange } from './schema-ops'

/**
 * The difference between two models (a live database read as a model, or an older version of
 * the document) as schema operations that keep the data: renames are renames (the model
 * remembers what each table and column was called in the database), and a table split out of
 * another is filled from it first. Pure: no SQL here; `src-main/db/ddl-compiler.ts` writes it,
 * and an engine that cannot alter a table in place (SQLite) rebuilds it there.
 */
export { matchBy, sameType } from './schema-match'

export interface SchemaDiff {
  ops: SchemaOp[]
  /** One line per change, for the preview. */
  summary: string[]
  warnings: string[]
}

const newKey = (f: ModelForeignKey) => json([f.columns, f.refTable, f.refColumns, f.onDelete, f.onUpdate])

/** What changes in one kept table. */
interface Kept {
  t: ModelTable
  f: ModelTable
  m: Map<string, ModelColumn>
  added: ModelColumn[]
  dropped: ModelColumn[]
  renamed: [ModelColumn, ModelColumn][]
  altered: [ModelColumn, ModelColumn][]
  fkDrop: ModelForeignKey[]
  fkAdd: ModelForeignKey[]
  uqDrop: ModelTable['uniques']
  uqAdd: ModelTable['uniques']
  ckDrop: ModelTable['checks']
  ckAdd: ModelTable['checks']
  ixDrop: ModelTable['indexes']
  ixAdd: ModelTable['indexes']
  pkChanged: boolean
  /** New columns whose touch trigger is made: a rename makes a new one, as it is named after table and column. */
  triggers: ModelColumn[]
  /** Old columns whose touch trigger goes: onupdate removed, column dropped or renamed, table renamed. */
  untouch: ModelColumn[]
  /** The order the other changes leave (kept columns as they were, added ones last), where the new order differs from it. */
  reordered: ModelColumn[] | null
}

/** The new order, if the columns' order differs from the one adds and drops alone would leave. */
function newOrder(t: ModelTable, f: ModelTable, m: Map<string, ModelColumn>): ModelColumn[] | null {
  const oldPosition = new Map(f.columns.map((c, i) => [c.id, i]))
  const left = [
    ...t.columns
      .filter((c) => m.has(c.id))
      .sort((a, b) => oldPosition.get(m.get(a.id)!.id)! - oldPosition.get(m.get(b.id)!.id)!),
    ...t.columns.filter((c) => !m.has(c.id)),
  ]
  return left.every((c, i) => c.id === t.columns[i].id) ? null : left
}

function keptTable(t: ModelTable, f: ModelTable, match: Matching, target: SchemaTarget): Kept {
  const m = match.columns.get(t.id)!
  const matchedOld = new Set([...m.values()].map((c) => c.id))
  // Where a single INTEGER PRIMARY KEY is the row id, it autoincrements whatever the model says.
  const autoinc = (x: ModelTable, c: ModelColumn) =>
    c.autoincrement ||
    (target.rowidKeys && c.type === 'integer' && c.primaryKey === 1 && primaryKeyColumns(x).length === 1)
  const sameCols = (a: string[], b: string[]) => json(a) === json(match.mapCols(f.name, b))
  const sameIndex = (j: ModelTable['indexes'][number], i: ModelTable['indexes'][number]) =>
    j.name === i.name &&
    j.unique === i.unique &&
    (j.where ?? null) === (i.where ?? null) &&
    sameCols(j.columns, i.columns)
  const pairs = t.columns.filter((c) => m.has(c.id)).map((c) => [m.get(c.id)!, c] as [ModelColumn, ModelColumn])
  return {
    t,
    f,
    m,
    added: t.columns.filter((c) => !m.has(c.id)),
    dropped: f.columns.filter((c) => !matchedOld.has(c.id)),
    renamed: pairs.filter(([o, n]) => o.name !== n.name),
    altered: pairs.filter(
      ([o, n]) =>
        !sameType(o, n) ||
        o.nullable !== n.nullable ||
        (o.serverDefault ?? null) !== (n.serverDefault ?? null) ||
        autoinc(f, o) !== autoinc(t, n) ||
        o.unique !== n.unique,
    ),
    fkDrop: f.foreignKeys.filter((x) => !t.foreignKeys.some((y) => newKey(y) === match.oldKey(x, f.name))),
    fkAdd: t.foreignKeys.filter((y) => !f.foreignKeys.some((x) => newKey(y) === match.oldKey(x, f.name))),
    uqDrop: f.uniques.filter((u) => !t.uniques.some((v) => sameCols(v.columns, u.columns))),
    uqAdd: t.uniques.filter((v) => !f.uniques.some((u) => sameCols(v.columns, u.columns))),
    ckDrop: f.checks.filter((c) => !t.checks.some((x) => x.expression === c.expression)),
    ckAdd: t.checks.filter((x) => !f.checks.some((c) => x.expression === c.expression)),
    ixDrop: f.indexes.filter((i) => !t.indexes.some((j) => sameIndex(j, i))),
    ixAdd: t.indexes.filter((j) => !f.indexes.some((i) => sameIndex(j, i))),
    pkChanged: !sameCols(primaryKeyColumns(t), primaryKeyColumns(f)),
    reordered: newOrder(t, f, m),
    triggers: t.columns.filter(
      (c) =>
        c.onUpdate &&
        (!m.has(c.id) || m.get(c.id)!.onUpdate !== c.onUpdate || m.get(c.id)!.name !== c.name || f.name !== t.name),
    ),
    untouch: f.columns.filter((o) => {
      if (!o.onUpdate) return false
      const n = t.columns.find((c) => m.get(c.id)?.id === o.id)
      return !n || !n.onUpdate || n.name !== o.name || f.name !== t.name
    }),
  }
}

/** A kept table's changes in the order an engine that alters in place runs them. */
function tableChanges(k: Kept, reorder: boolean): TableChange[] {
  const { t, f } = k
  const out: TableChange[] = []
  // Constraints go before the columns change (by their old column names), and come back after.
  for (const index of k.ixDrop) out.push({ op: 'dropIndex', index })
  for (const unique of k.uqDrop) out.push({ op: 'dropUnique', unique })
  for (const check of k.ckDrop) out.push({ op: 'dropCheck', check })
  if (k.pkChanged && primaryKeyColumns(f).length)
    out.push({ op: 'dropPrimaryKey', name: f.primaryKeyName, columns: primaryKeyColumns(f) })
  for (const [o, n] of k.altered)
    if (o.unique && !n.unique) out.push({ op: 'dropUnique', unique: { name: null, columns: [o.name] } })
  for (const [o, n] of k.renamed) out.push({ op: 'renameColumn', column: o.name, name: n.name })
  for (const c of k.dropped) out.push({ op: 'dropColumn', column: c.name })
  for (const { id: _id, ...column } of k.added) out.push({ op: 'addColumn', column })
  for (const [{ id: _o, ...from }, { id: _n, ...to }] of k.altered) {
    if (
      !sameType(from, to) ||
      from.nullable !== to.nullable ||
      (from.serverDefault ?? null) !== (to.serverDefault ?? null) ||
      from.autoincrement !== to.autoincrement
    )
      out.push({ op: 'alterColumn', from, to })
    if (!from.unique && to.unique) out.push({ op: 'addUnique', unique: { name: null, columns: [to.name] } })
  }
  if (k.pkChanged && primaryKeyColumns(t).length)
    out.push({ op: 'addPrimaryKey', name: t.primaryKeyName, columns: primaryKeyColumns(t) })
  for (const unique of k.uqAdd) out.push({ op: 'addUnique', unique })
  for (const check of k.ckAdd) out.push({ op: 'addCheck', check })
  for (const index of k.ixAdd) out.push({ op: 'createIndex', index })
  if (k.reordered && reorder)
    out.push({
      op: 'reorderColumns',
      columns: k.t.columns.map(({ id: _id, ...c }) => c),
      from: k.reordered.map((c) => c.name),
    })
  for (const o of k.untouch) out.push({ op: 'dropOnUpdate', column: o.name, nameTable: f.name })
  for (const c of k.triggers)
    out.push({ op: 'setOnUpdate', column: c.name, expression: c.onUpdate!, key: primaryKeyColumns(t) })
  return out
}

/** The preview's lines and the data-loss warnings for one kept table. */
function describeKept(k: Kept, created: ModelTable[], target: SchemaTarget, summary: string[], warnings: string[]) {
  const { t, f } = k
  const order = t.columns.map((c) => c.name).join(', ')
  if (k.reordered && target.reorderColumns) summary.push(`reorder columns of ${t.name}: ${order}`)
  else if (k.reordered)
    warnings.push(
      `${target.engine} cannot change the order of ${t.name}'s columns (a column keeps its position for the table's life): the database keeps its own order, not ${order}.`,
    )
  for (const [o, n] of k.renamed) summary.push(`rename column ${t.name}.${o.name} → ${n.name}`)
  for (const c of k.added) summary.push(`add column ${t.name}.${c.name}`)
  for (const c of k.dropped) summary.push(`drop column ${t.name}.${c.name}`)
  for (const [o, n] of k.altered)
    summary.push(
      `change column ${t.name}.${n.name}${sameType(o, n) ? '' : ` type ${o.type} → ${n.type}`}${o.nullable !== n.nullable ? (n.nullable ? ' nullable' : ' NOT NULL') : ''}${(o.serverDefault ?? null) !== (n.serverDefault ?? null) ? ` default ${n.serverDefault ?? 'none'}` : ''}${o.unique !== n.unique ? (n.unique ? ' unique' : ' not unique') : ''}`,
    )
  if (k.pkChanged) summary.push(`primary key of ${t.name} → (${primaryKeyColumns(t).join(', ')})`)
  for (const fk of k.fkAdd) summary.push(`add foreign key ${t.name}(${fk.columns.join(', ')}) → ${fk.refTable}`)
  for (const fk of k.fkDrop) summary.push(`drop foreign key ${f.name}(${fk.columns.join(', ')}) → ${fk.refTable}`)
  for (const x of [...k.uqAdd, ...k.uqDrop])
    summary.push(`${k.uqAdd.includes(x) ? 'add' : 'drop'} unique (${x.columns.join(', ')}) on ${t.name}`)
  for (const x of [...k.ckAdd, ...k.ckDrop])
    summary.push(`${k.ckAdd.includes(x) ? 'add' : 'drop'} check (${x.expression}) on ${t.name}`)
  for (const x of [...k.ixAdd, ...k.ixDrop]) summary.push(`${k.ixAdd.includes(x) ? 'create' : 'drop'} index ${x.name}`)
  for (const o of k.untouch)
    if (!k.triggers.some((c) => c.id === o.id)) summary.push(`${t.name}.${o.name} no longer set on update`)
  for (const c of k.triggers) summary.push(`${t.name}.${c.name} set on update to ${c.onUpdate}`)

  for (const c of k.added)
    if (!c.nullable && c.serverDefault == null && c.primaryKey === 0 && !c.autoincrement && !t.copyFrom)
      warnings.push(
        `${t.name}.${c.name} is NOT NULL without a default: rows already in ${t.name} have no value for it, so the migration fails if the table has rows.`,
      )
  for (const c of k.dropped) {
    // A column moved into a split-out table keeps its data there ("copy ... into" says so).
    const moved = created.some(
      (x) => x.copyFrom?.table === f.name && Object.values(x.copyFrom.columns).includes(c.name),
    )
    if (!moved) warnings.push(`Dropping ${t.name}.${c.name} deletes its data.`)
  }
}

/** 1. Tables move to their new schema, then are renamed, so every later operation uses the new names. */
function moveAndRename(to: ModelDocument, match: Matching, target: SchemaTarget, out: SchemaDiff) {
  const schemaOf = (x: { schema: string | null }) => x.schema ?? target.defaultSchema
  const made = new Set<string>()
  for (const t of to.tables) {
    const f = match.tables.get(t.id)
    if (!f || schemaOf(f) === schemaOf(t)) continue
    if (!target.schemas) {
      out.warnings.push(
        `${t.name} is placed in schema ${t.schema}, which ${target.engine} does not have: it stays where it is`,
      )
      continue
    }
    // Engines with schemas have a default one, so the target is always named here.
    const schema = schemaOf(t)!
    if (!made.has(schema)) out.ops.push({ op: 'createSchema', schema })
    made.add(schema)
    out.ops.push({ op: 'setTableSchema', table: ref(f), schema })
    out.summary.push(`move table ${f.name} from schema ${schemaOf(f)} to ${schema}`)
  }
  for (const t of to.tables) {
    const f = match.tables.get(t.id)
    if (f && f.name !== t.name) {
      out.ops.push({
        op: 'renameTable',
        table: { schema: target.schemas ? t.schema : f.schema, name: f.name },
        name: t.name,
      })
      out.summary.push(`rename table ${f.name} → ${t.name}`)
    }
  }
}

/** 3. New tables in dependency order, each filled from the table it was split out of. */
function createTables(
  from: ModelDocument,
  created: ModelTable[],
  kept: Kept[],
  match: Matching,
  target: SchemaTarget,
  out: SchemaDiff,
): { t: ModelTable; fk: ModelForeignKey }[] {
  const { order, deferred } = dependencyOrder(created)
  const lateFks: { t: ModelTable; fk: ModelForeignKey }[] = []
  const late = new Set(target.forwardReferences ? [] : deferred.map((x) => `${x.table.id}:${x.fk}`))
  for (const t of order) {
    const table = toSchemaTable(t)
    // Keys to tables being changed in this migration are added at the end, once those tables have their new shape.
    const keep = t.foreignKeys.map(
      (fk, i) =>
        !late.has(`${t.id}:${i}`) &&
        (target.forwardReferences || !kept.some((c) => c.t.name === fk.refTable && c.added.length)),
    )
    t.foreignKeys.forEach((fk, i) => !keep[i] && lateFks.push({ t, fk }))
    out.ops.push({ op: 'createTable', table: { ...table, foreignKeys: table.foreignKeys.filter((_, i) => keep[i]) } })
    out.summary.push(`create table ${t.name}`)
    for (const c of t.columns)
      if (c.onUpdate)
        out.ops.push({
          op: 'setOnUpdate',
          table: ref(t),
          column: c.name,
          expression: c.onUpdate,
          key: primaryKeyColumns(t),
        })
    if (!t.copyFrom) continue
    // 4. A table split out of another is filled from the source's distinct rows while the source still has them.
    const src = from.tables.find((x) => x.name === t.copyFrom!.table)
    if (!src) {
      out.warnings.push(
        `${t.name} was split out of ${t.copyFrom.table}, which is not in the database: it starts empty.`,
      )
      continue
    }
    const columns = Object.entries(t.copyFrom.columns).filter(([, old]) => src.columns.some((c) => c.name === old))
    const srcName = match.newTableName.get(src.name) ?? src.name
    const notNull = primaryKeyColumns(t)
      .map((k) => t.copyFrom!.columns[k])
      .filter(Boolean)
    out.ops.push({
      op: 'copyRows',
      into: ref(t),
      from: { schema: src.schema, name: srcName },
      columns,
      distinct: true,
      notNull,
    })
    out.summary.push(`copy ${columns.map(([, o]) => o).join(', ')} from ${srcName} into ${t.name}`)
  }
  return lateFks
}

/** The operations that take a database shaped like `from` to `to`, keeping its rows. */
export function diffModels(from: ModelDocument, to: ModelDocument, target: SchemaTarget): SchemaDiff {
  const out: SchemaDiff = { ops: [], summary: [], warnings: [] }
  const match = new Matching(from, to)
  const created = to.tables.filter((t) => !match.tables.has(t.id))
  const matchedFrom = new Set([...match.tables.values()].map((f) => f.id))
  const dropped = from.tables.filter((f) => !matchedFrom.has(f.id))

  moveAndRename(to, match, target, out)
  const kept = to.tables.flatMap((t) => {
    const f = match.tables.get(t.id)
    return f ? [keptTable(t, f, match, target)] : []
  })
  // 2. Foreign keys that go or change are dropped before anything they point at changes.
  for (const k of kept)
    for (const fk of k.fkDrop) out.ops.push({ op: 'dropForeignKey', table: ref(k.t), foreignKey: strip(fk) })
  const lateFks = createTables(from, created, kept, match, target, out)
  // 5. Kept tables change shape.
  for (const k of kept) {
    describeKept(k, created, target, out.summary, out.warnings)
    const changes = tableChanges(k, target.reorderColumns)
    const table = { ...toSchemaTable(k.t), columns: k.t.columns.map(({ id: _id, ...c }) => c) }
    const sources = Object.fromEntries(
      k.t.columns.filter((c) => k.m.has(c.id)).map((c) => [c.name, (({ id: _id, ...o }) => o)(k.m.get(c.id)!)]),
    )
    if (changes.length || k.fkAdd.length || k.fkDrop.length) out.ops.push({ op: 'alterTable', table, sources, changes })
    for (const fk of k.fkAdd) lateFks.push({ t: k.t, fk })
  }
  // 6. Foreign keys added once every table has its new shape.
  for (const { t, fk } of lateFks) out.ops.push({ op: 'addForeignKey', table: ref(t), foreignKey: strip(fk) })
  // 7. Tables that are gone, referencing ones first.
  for (const f of dependencyOrder(dropped).order.reverse()) {
    out.ops.push({ op: 'dropTable', table: ref(f) })
    out.summary.push(`drop table ${f.name}`)
    out.warnings.push(`Dropping table ${f.name} deletes its rows.`)
  }
  return out
}
