import { primaryKeyColumns } from '../../src-shared/schema'
import type { ModelColumn, ModelDocument, ModelForeignKey, ModelTable } from '../../src-shared/model/document'
import type { Dialect } from '../db/dialect'
import { columnSql, createIndexSql, createTableSql, foreignKeySql } from './ddl'
import { dependencyOrder, toSchemaTable } from './model-ddl'

/**
 * A migration from one model to another (a live database read as a model, or an older version
 * of the document) that keeps the data: renames are renames (the model remembers what each
 * table and column was called in the database), PostgreSQL alters tables in place, SQLite
 * rebuilds a table where ALTER cannot do it (create the new shape, copy the rows, drop, rename,
 * as Alembic's batch mode does), and a table split out of another is filled from it first.
 */

export interface MigrationStep {
  sql: string
  /** What the statement is for, in words. */
  note: string
}

export interface MigrationPlan {
  /** Run before BEGIN (SQLite turns foreign keys off to rebuild tables). */
  before: string[]
  /** Inside one transaction. */
  steps: MigrationStep[]
  /** A query run before COMMIT that returns rows when the data breaks a foreign key. */
  check: string | null
  after: string[]
  warnings: string[]
  /** One line per change, for the preview. */
  summary: string[]
  /** The whole script as text. */
  script: string
}

export interface LiveView {
  schema: string | null
  name: string
  definition: string
}

const INTEGERS = new Set(['integer', 'bigint', 'smallint'])

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

export const sameType = (a: ModelColumn, b: ModelColumn) =>
  a.type === b.type &&
  (a.length ?? null) === (b.length ?? null) &&
  (a.scale ?? null) === (b.scale ?? null) &&
  (a.type !== 'unknown' || a.nativeType.toLowerCase() === b.nativeType.toLowerCase())

export function planMigration(
  from: ModelDocument,
  to: ModelDocument,
  d: Dialect,
  views: LiveView[] = [],
): MigrationPlan {
  const q = (n: string) => d.quoteIdent(n)
  const qt = (t: { schema: string | null; name: string }) => d.qualify(t.schema, t.name)
  const steps: MigrationStep[] = []
  const warnings: string[] = []
  const summary: string[] = []
  const step = (sql: string, note: string) => steps.push({ sql, note })

  // Where a single INTEGER PRIMARY KEY is the row id, it autoincrements whatever the model says.
  const autoinc = (t: ModelTable, c: ModelColumn) =>
    c.autoincrement ||
    (d.capabilities.rowidKeys && c.type === 'integer' && c.primaryKey === 1 && primaryKeyColumns(t).length === 1)
  const tkey = (t: { name: string; schema?: string | null }) => `${t.schema ?? ''}\u0000${t.name}`
  const tableMatch = matchBy(from.tables, to.tables, (x) =>
    tkey({ name: x.name, schema: (x as ModelTable).schema ?? null }),
  )
  // Column matches per matched table, and how old names map to new ones.
  const colMatch = new Map<string, Map<string, ModelColumn>>()
  const renameCol = new Map<string, Map<string, string>>() // from table name -> old column -> new column
  const newTableName = new Map<string, string>() // from table name -> to table name
  for (const t of to.tables) {
    const f = tableMatch.get(t.id)
    if (!f) continue
    const m = matchBy(f.columns, t.columns)
    colMatch.set(t.id, m)
    newTableName.set(f.name, t.name)
    renameCol.set(f.name, new Map(t.columns.filter((c) => m.has(c.id)).map((c) => [m.get(c.id)!.name, c.name])))
  }
  const mapCols = (table: string, cols: string[]) =>
    cols.map((c) => renameCol.get(table)?.get(c) ?? `\u0000dropped:${c}`)
  /** A foreign key of the old model in the new model's names, so unchanged ones compare equal. */
  const fkSig = (f: Omit<ModelForeignKey, 'id'>, table: string | null) =>
    JSON.stringify([
      table ? mapCols(table, f.columns) : f.columns,
      newTableName.get(f.refTable) ?? (table ? `\u0000gone:${f.refTable}` : f.refTable),
      table ? mapCols(f.refTable, f.refColumns) : f.refColumns,
      f.onDelete,
      f.onUpdate,
    ])
  const fkSigNew = (f: ModelForeignKey) => JSON.stringify([f.columns, f.refTable, f.refColumns, f.onDelete, f.onUpdate])

  const created = to.tables.filter((t) => !tableMatch.has(t.id))
  const matchedFrom = new Set([...tableMatch.values()].map((f) => f.id))
  const dropped = from.tables.filter((f) => !matchedFrom.has(f.id))

  // 1. Tables move to their new schema, then are renamed, so every later statement uses the new names.
  const schemaOf = (x: { schema: string | null }) => x.schema ?? d.defaultSchema
  const madeSchemas = new Set<string>()
  for (const t of to.tables) {
    const f = tableMatch.get(t.id)
    if (!f || schemaOf(f) === schemaOf(t)) continue
    if (!d.capabilities.schemas) {
      warnings.push(`${t.name} is placed in schema ${t.schema}, which ${d.name} does not have: it stays where it is`)
      continue
    }
    // Engines with schemas have a default one, so the target is always named here.
    const target = schemaOf(t)!
    if (!madeSchemas.has(target)) step(`CREATE SCHEMA IF NOT EXISTS ${q(target)}`, `schema ${target}`)
    madeSchemas.add(target)
    step(`ALTER TABLE ${qt(f)} SET SCHEMA ${q(target)}`, `move table ${f.name} to schema ${target}`)
    summary.push(`move table ${f.name} from schema ${schemaOf(f)} to ${target}`)
  }
  for (const t of to.tables) {
    const f = tableMatch.get(t.id)
    if (f && f.name !== t.name) {
      step(
        `ALTER TABLE ${d.qualify(d.capabilities.schemas ? t.schema : f.schema, f.name)} RENAME TO ${q(t.name)}`,
        `rename table ${f.name} to ${t.name}`,
      )
      summary.push(`rename table ${f.name} → ${t.name}`)
    }
  }

  // What changes in each kept table.
  interface TableChange {
    t: ModelTable
    f: ModelTable
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
    triggers: ModelColumn[]
    /** Old columns whose touch trigger goes: onupdate removed, column dropped or renamed, table renamed. */
    untouch: ModelColumn[]
  }
  const changes: TableChange[] = []
  for (const t of to.tables) {
    const f = tableMatch.get(t.id)
    if (!f) continue
    const m = colMatch.get(t.id)!
    const matchedOld = new Set([...m.values()].map((c) => c.id))
    const ch: TableChange = {
      t,
      f,
      added: t.columns.filter((c) => !m.has(c.id)),
      dropped: f.columns.filter((c) => !matchedOld.has(c.id)),
      renamed: t.columns.filter((c) => m.has(c.id) && m.get(c.id)!.name !== c.name).map((c) => [m.get(c.id)!, c]),
      altered: t.columns
        .filter((c) => m.has(c.id))
        .map((c) => [m.get(c.id)!, c] as [ModelColumn, ModelColumn])
        .filter(
          ([o, n]) =>
            !sameType(o, n) ||
            o.nullable !== n.nullable ||
            (o.serverDefault ?? null) !== (n.serverDefault ?? null) ||
            autoinc(f, o) !== autoinc(t, n) ||
            o.unique !== n.unique,
        ),
      fkDrop: f.foreignKeys.filter((x) => !t.foreignKeys.some((y) => fkSigNew(y) === fkSig(x, f.name))),
      fkAdd: t.foreignKeys.filter((y) => !f.foreignKeys.some((x) => fkSigNew(y) === fkSig(x, f.name))),
      uqDrop: f.uniques.filter(
        (u) => !t.uniques.some((v) => JSON.stringify(v.columns) === JSON.stringify(mapCols(f.name, u.columns))),
      ),
      uqAdd: t.uniques.filter(
        (v) => !f.uniques.some((u) => JSON.stringify(v.columns) === JSON.stringify(mapCols(f.name, u.columns))),
      ),
      ckDrop: f.checks.filter((c) => !t.checks.some((x) => x.expression === c.expression)),
      ckAdd: t.checks.filter((x) => !f.checks.some((c) => x.expression === c.expression)),
      ixDrop: f.indexes.filter(
        (i) =>
          !t.indexes.some(
            (j) =>
              j.name === i.name &&
              j.unique === i.unique &&
              (j.where ?? null) === (i.where ?? null) &&
              JSON.stringify(j.columns) === JSON.stringify(mapCols(f.name, i.columns)),
          ),
      ),
      ixAdd: t.indexes.filter(
        (j) =>
          !f.indexes.some(
            (i) =>
              j.name === i.name &&
              j.unique === i.unique &&
              (j.where ?? null) === (i.where ?? null) &&
              JSON.stringify(j.columns) === JSON.stringify(mapCols(f.name, i.columns)),
          ),
      ),
      pkChanged: JSON.stringify(primaryKeyColumns(t)) !== JSON.stringify(mapCols(f.name, primaryKeyColumns(f))),
      // A trigger is named after its table and column: a rename makes a new one.
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
    changes.push(ch)
  }

  const alter = d.alter
  // 2. Foreign keys that go or change are dropped before anything they point at changes.
  if (alter) {
    for (const ch of changes)
      for (const fk of ch.fkDrop)
        step(
          alter.dropConstraint(ch.t.schema, ch.t.name, 'foreign', fk.name, fk.columns),
          `drop foreign key ${ch.t.name}(${fk.columns.join(', ')}) → ${fk.refTable}`,
        )
  }

  // 3. New tables, in dependency order (their foreign keys inline where the engine allows forward references).
  const { order, deferred } = dependencyOrder(created)
  const lateFks: { t: ModelTable; fk: ModelForeignKey }[] = []
  const late = new Set(d.capabilities.forwardReferences ? [] : deferred.map((x) => `${x.table.id}:${x.fk}`))
  for (const t of order) {
    const table = toSchemaTable(t)
    // Keys to tables being changed in this migration are added at the end, once those tables have their new shape.
    const keep = t.foreignKeys.map(
      (fk, i) =>
        !late.has(`${t.id}:${i}`) &&
        (d.capabilities.forwardReferences || !changes.some((c) => c.t.name === fk.refTable && c.added.length)),
    )
    t.foreignKeys.forEach((fk, i) => !keep[i] && lateFks.push({ t, fk }))
    const [create, ...indexes] = createTableSql(
      { ...table, foreignKeys: table.foreignKeys.filter((_, i) => keep[i]) },
      d,
    )
    step(create, `create table ${t.name}`)
    for (const ix of indexes) step(ix, `index on ${t.name}`)
    summary.push(`create table ${t.name}`)
    for (const c of t.columns)
      if (c.onUpdate)
        for (const s of d.touchTriggerSql(t.schema, t.name, c.name, c.onUpdate, primaryKeyColumns(t)))
          step(s, `${t.name}.${c.name} on update`)
    // 4. A table split out of another is filled from the source's distinct rows while the source still has them.
    if (t.copyFrom) {
      const src = from.tables.find((x) => x.name === t.copyFrom!.table)
      if (!src)
        warnings.push(`${t.name} was split out of ${t.copyFrom.table}, which is not in the database: it starts empty.`)
      else {
        const pairs = Object.entries(t.copyFrom.columns).filter(([, old]) => src.columns.some((c) => c.name === old))
        const srcName = newTableName.get(src.name) ?? src.name
        const srcQ = d.qualify(src.schema, srcName)
        const keyCols = primaryKeyColumns(t)
          .map((k) => t.copyFrom!.columns[k])
          .filter(Boolean)
        const where = keyCols.length ? ` WHERE ${keyCols.map((k) => `${q(k)} IS NOT NULL`).join(' AND ')}` : ''
        step(
          `INSERT INTO ${qt(t)} (${pairs.map(([n]) => q(n)).join(', ')}) SELECT DISTINCT ${pairs.map(([, o]) => q(o)).join(', ')} FROM ${srcQ}${where}`,
          `fill ${t.name} from ${srcName}`,
        )
        summary.push(`copy ${pairs.map(([, o]) => o).join(', ')} from ${srcName} into ${t.name}`)
      }
    }
  }

  // 5. Kept tables change shape.
  const rebuild: TableChange[] = []
  for (const ch of changes) {
    const { t, f } = ch
    const T = qt(t)
    for (const [o, n] of ch.renamed) summary.push(`rename column ${t.name}.${o.name} → ${n.name}`)
    for (const c of ch.added) summary.push(`add column ${t.name}.${c.name}`)
    for (const c of ch.dropped) summary.push(`drop column ${t.name}.${c.name}`)
    for (const [o, n] of ch.altered)
      summary.push(
        `change column ${t.name}.${n.name}${sameType(o, n) ? '' : ` type ${o.type} → ${n.type}`}${o.nullable !== n.nullable ? (n.nullable ? ' nullable' : ' NOT NULL') : ''}${(o.serverDefault ?? null) !== (n.serverDefault ?? null) ? ` default ${n.serverDefault ?? 'none'}` : ''}${o.unique !== n.unique ? (n.unique ? ' unique' : ' not unique') : ''}`,
      )
    if (ch.pkChanged) summary.push(`primary key of ${t.name} → (${primaryKeyColumns(t).join(', ')})`)
    for (const fk of ch.fkAdd) summary.push(`add foreign key ${t.name}(${fk.columns.join(', ')}) → ${fk.refTable}`)
    for (const fk of ch.fkDrop) summary.push(`drop foreign key ${f.name}(${fk.columns.join(', ')}) → ${fk.refTable}`)
    for (const x of [...ch.uqAdd, ...ch.uqDrop])
      summary.push(`${ch.uqAdd.includes(x) ? 'add' : 'drop'} unique (${x.columns.join(', ')}) on ${t.name}`)
    for (const x of [...ch.ckAdd, ...ch.ckDrop])
      summary.push(`${ch.ckAdd.includes(x) ? 'add' : 'drop'} check (${x.expression}) on ${t.name}`)
    for (const x of [...ch.ixAdd, ...ch.ixDrop])
      summary.push(`${ch.ixAdd.includes(x) ? 'create' : 'drop'} index ${x.name}`)
    for (const o of ch.untouch)
      if (!ch.triggers.some((c) => c.id === o.id)) summary.push(`${t.name}.${o.name} no longer set on update`)
    for (const c of ch.triggers) summary.push(`${t.name}.${c.name} set on update to ${c.onUpdate}`)

    for (const c of ch.added)
      if (!c.nullable && c.serverDefault == null && c.primaryKey === 0 && !c.autoincrement && !ch.t.copyFrom)
        warnings.push(
          `${t.name}.${c.name} is NOT NULL without a default: rows already in ${t.name} have no value for it, so the migration fails if the table has rows.`,
        )
    for (const c of ch.dropped) {
      // A column moved into a split-out table keeps its data there ("copy ... into" says so).
      const moved = created.some(
        (x) => x.copyFrom?.table === f.name && Object.values(x.copyFrom.columns).includes(c.name),
      )
      if (!moved) warnings.push(`Dropping ${t.name}.${c.name} deletes its data.`)
    }

    if (!alter) {
      // SQLite: renames and plain additions in place; anything else rebuilds the table.
      const plainAdd = (c: ModelColumn) =>
        c.primaryKey === 0 &&
        !c.unique &&
        !c.autoincrement &&
        (c.nullable ||
          (c.serverDefault != null && /^(-?\d+(\.\d+)?|'(?:[^']|'')*'|NULL)$/i.test(c.serverDefault.trim())))
      const needsRebuild =
        ch.dropped.length > 0 ||
        ch.altered.length > 0 ||
        ch.pkChanged ||
        ch.fkAdd.length > 0 ||
        ch.fkDrop.length > 0 ||
        ch.uqAdd.length > 0 ||
        ch.uqDrop.length > 0 ||
        ch.ckAdd.length > 0 ||
        ch.ckDrop.length > 0 ||
        ch.added.some((c) => !plainAdd(c))
      if (needsRebuild) {
        rebuild.push(ch)
        continue
      }
      for (const [o, n] of ch.renamed)
        step(
          `ALTER TABLE ${T} RENAME COLUMN ${q(o.name)} TO ${q(n.name)}`,
          `rename column ${t.name}.${o.name} to ${n.name}`,
        )
      for (const c of ch.added)
        step(`ALTER TABLE ${T} ADD COLUMN ${columnSql(c, d, false)}`, `add column ${t.name}.${c.name}`)
      for (const ix of ch.ixDrop) step(`DROP INDEX ${d.qualify(t.schema, ix.name)}`, `drop index ${ix.name}`)
      for (const ix of ch.ixAdd) step(createIndexSql(t, ix, d), `create index ${ix.name}`)
      for (const o of ch.untouch)
        for (const s of d.dropTouchTriggerSql(t.schema, t.name, f.name, o.name))
          step(s, `${f.name}.${o.name} no longer set on update`)
      for (const c of ch.triggers)
        for (const s of d.touchTriggerSql(t.schema, t.name, c.name, c.onUpdate!, primaryKeyColumns(t)))
          step(s, `${t.name}.${c.name} on update`)
      continue
    }

    // PostgreSQL: each change in place. Constraints go before the columns change (by their old
    // column names), and come back after.
    for (const ix of ch.ixDrop) step(`DROP INDEX ${d.qualify(t.schema, ix.name)}`, `drop index ${ix.name}`)
    for (const u of ch.uqDrop)
      step(alter.dropConstraint(t.schema, t.name, 'unique', u.name, u.columns), `drop unique (${u.columns.join(', ')})`)
    for (const c of ch.ckDrop) {
      if (c.name) step(alter.dropConstraint(t.schema, t.name, 'check', c.name, []), `drop check ${c.name}`)
      else
        warnings.push(
          `The check (${c.expression}) on ${t.name} has no name, so it cannot be dropped by name; it stays.`,
        )
    }
    if (ch.pkChanged && primaryKeyColumns(f).length)
      step(
        alter.dropConstraint(t.schema, t.name, 'primary', f.primaryKeyName, primaryKeyColumns(f)),
        `drop primary key of ${t.name}`,
      )
    for (const [o, n] of ch.altered)
      if (o.unique && !n.unique)
        step(alter.dropConstraint(t.schema, t.name, 'unique', null, [o.name]), `${t.name}.${o.name} no longer unique`)
    for (const [o, n] of ch.renamed)
      step(
        `ALTER TABLE ${T} RENAME COLUMN ${q(o.name)} TO ${q(n.name)}`,
        `rename column ${t.name}.${o.name} to ${n.name}`,
      )
    for (const c of ch.dropped) step(`ALTER TABLE ${T} DROP COLUMN ${q(c.name)}`, `drop column ${t.name}.${c.name}`)
    for (const c of ch.added)
      step(
        `ALTER TABLE ${T} ADD COLUMN ${columnSql({ ...c, primaryKey: 0 }, d, false)}`,
        `add column ${t.name}.${c.name}`,
      )
    for (const [o, n] of ch.altered) {
      if (!sameType(o, n))
        step(
          alter.alterType(
            T,
            n.name,
            n.type === 'unknown' && n.nativeType
              ? n.nativeType
              : d.columnTypeSql({ ...n, autoincrement: false }, false),
          ),
          `${t.name}.${n.name}: ${o.type} → ${n.type}`,
        )
      if ((o.serverDefault ?? null) !== (n.serverDefault ?? null))
        step(alter.setDefault(T, n.name, n.serverDefault), `${t.name}.${n.name} default`)
      if (o.autoincrement !== n.autoincrement && INTEGERS.has(n.type))
        step(
          alter.setIdentity(T, n.name, n.autoincrement),
          `${t.name}.${n.name} ${n.autoincrement ? 'autoincrements' : 'no longer autoincrements'}`,
        )
      if (o.nullable !== n.nullable && n.primaryKey === 0)
        step(alter.setNotNull(T, n.name, !n.nullable), `${t.name}.${n.name} ${n.nullable ? 'nullable' : 'NOT NULL'}`)
      if (!o.unique && n.unique) step(`ALTER TABLE ${T} ADD UNIQUE (${q(n.name)})`, `${t.name}.${n.name} unique`)
    }
    if (ch.pkChanged && primaryKeyColumns(t).length)
      step(
        `ALTER TABLE ${T} ADD ${t.primaryKeyName ? `CONSTRAINT ${q(t.primaryKeyName)} ` : ''}PRIMARY KEY (${primaryKeyColumns(t).map(q).join(', ')})`,
        `primary key of ${t.name}`,
      )
    for (const u of ch.uqAdd)
      step(
        `ALTER TABLE ${T} ADD ${u.name ? `CONSTRAINT ${q(u.name)} ` : ''}UNIQUE (${u.columns.map(q).join(', ')})`,
        `unique (${u.columns.join(', ')})`,
      )
    for (const c of ch.ckAdd)
      step(
        `ALTER TABLE ${T} ADD ${c.name ? `CONSTRAINT ${q(c.name)} ` : ''}CHECK (${c.expression})`,
        `check (${c.expression})`,
      )
    for (const ix of ch.ixAdd) step(createIndexSql(t, ix, d), `create index ${ix.name}`)
    for (const o of ch.untouch)
      for (const s of d.dropTouchTriggerSql(t.schema, t.name, f.name, o.name))
        step(s, `${f.name}.${o.name} no longer set on update`)
    for (const c of ch.triggers)
      for (const s of d.touchTriggerSql(t.schema, t.name, c.name, c.onUpdate!, primaryKeyColumns(t)))
        step(s, `${t.name}.${c.name} on update`)
    for (const fk of ch.fkAdd) lateFks.push({ t, fk })
  }

  // SQLite rebuilds: views that read a rebuilt table are dropped first and created again after.
  if (rebuild.length) {
    const names = new Set(rebuild.flatMap((ch) => [ch.t.name, ch.f.name]))
    const affected = views.filter((v) => [...names].some((n) => v.definition.toLowerCase().includes(n.toLowerCase())))
    for (const v of affected)
      step(`DROP VIEW ${d.qualify(v.schema, v.name)}`, `drop view ${v.name} while its tables are rebuilt`)
    for (const ch of rebuild) rebuildTable(ch.t, colMatch.get(ch.t.id)!)
    for (const v of affected)
      step(`CREATE VIEW ${d.qualify(v.schema, v.name)} AS ${v.definition}`, `view ${v.name} again`)
  }

  function rebuildTable(t: ModelTable, m: Map<string, ModelColumn>) {
    const tmp = `_schemist_new_${t.name}`
    const table = toSchemaTable({ ...t, name: tmp })
    const [create] = createTableSql({ ...table, indexes: [] }, d)
    step(create, `rebuild ${t.name}: the new shape`)
    const pairs = t.columns
      .filter((c) => m.has(c.id))
      .map((c) => {
        const o = m.get(c.id)!
        return [
          c.name,
          sameType(o, c)
            ? q(o.name)
            : `CAST(${q(o.name)} AS ${d.columnTypeSql({ ...c, autoincrement: false, primaryKey: 0 }, false) || 'BLOB'})`,
        ] as const
      })
    // After a table rename the old table already carries the new name.
    step(
      `INSERT INTO ${d.qualify(t.schema, tmp)} (${pairs.map(([n]) => q(n)).join(', ')}) SELECT ${pairs.map(([, e]) => e).join(', ')} FROM ${qt(t)}`,
      `rebuild ${t.name}: copy the rows`,
    )
    step(`DROP TABLE ${qt(t)}`, `rebuild ${t.name}: drop the old table`)
    step(`ALTER TABLE ${d.qualify(t.schema, tmp)} RENAME TO ${q(t.name)}`, `rebuild ${t.name}: rename the new table`)
    for (const ix of t.indexes) step(createIndexSql(t, ix, d), `rebuild ${t.name}: index ${ix.name}`)
    for (const c of t.columns)
      if (c.onUpdate)
        for (const s of d.touchTriggerSql(t.schema, t.name, c.name, c.onUpdate, primaryKeyColumns(t)))
          step(s, `${t.name}.${c.name} on update`)
  }

  // 6. Foreign keys added once every table has its new shape.
  for (const { t, fk } of lateFks)
    step(
      `ALTER TABLE ${qt(t)} ADD ${foreignKeySql(fk, d)}`,
      `foreign key ${t.name}(${fk.columns.join(', ')}) → ${fk.refTable}`,
    )

  // 7. Tables that are gone, referencing ones first.
  const dropOrder = dependencyOrder(dropped).order.reverse()
  for (const f of dropOrder) {
    step(`DROP TABLE ${qt(f)}`, `drop table ${f.name}`)
    summary.push(`drop table ${f.name}`)
    warnings.push(`Dropping table ${f.name} deletes its rows.`)
  }

  const guards = rebuild.length ? d.rebuildGuards : { before: [], check: null, after: [] }
  const script = [
    ...guards.before.map((s) => `${s};`),
    steps.length ? 'BEGIN;' : '',
    ...steps.map((s) => `-- ${s.note}\n${s.sql};`),
    guards.check ? `-- must return no rows:\n${guards.check};` : '',
    steps.length ? 'COMMIT;' : '',
    ...guards.after.map((s) => `${s};`),
  ]
    .filter(Boolean)
    .join('\n')
  return {
    before: guards.before,
    steps,
    check: guards.check,
    after: guards.after,
    warnings,
    summary,
    script: script + '\n',
  }
}
