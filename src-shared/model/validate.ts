import { isUniqueKey, primaryKeyColumns } from '../schema'
import type { ModelDocument, ModelTable } from './document'

export interface ModelProblem {
  level: 'error' | 'warning'
  tableId: string
  columnId?: string
  message: string
}

/** Words that are reserved in PostgreSQL or SQLite: usable only quoted, so every hand-written query must quote them. */
const RESERVED = new Set(
  `all analyse analyze and any array as asc asymmetric both case cast check collate column constraint create current_catalog current_date
current_role current_time current_timestamp current_user default deferrable desc distinct do else end except false fetch for foreign from
grant group having in initially intersect into lateral leading limit localtime localtimestamp not null offset on only or order placing
primary references returning select session_user some symmetric table then to trailing true union unique user using variadic when where
window with abort action add after alter attach autoincrement before begin between by cascade commit conflict cross database deferred
delete detach drop each escape exclusive exists explain fail full glob if ignore immediate index indexed inner insert instead intersect
is isnull join key left like match natural no notnull of outer plan pragma query raise recursive regexp reindex release rename replace
restrict right rollback row savepoint set temp temporary transaction trigger update vacuum values view virtual`.split(
    /\s+/,
  ),
)

export function isReservedWord(name: string): boolean {
  return RESERVED.has(name.toLowerCase())
}

const INTEGER_TYPES = new Set(['integer', 'bigint', 'smallint'])

/**
 * What is wrong with a model, each problem said so a person knows what to change. Errors stop
 * DDL from applying; warnings are things a database accepts but a careful designer would fix.
 */
export function validateModel(
  doc: ModelDocument,
  target: { maxIdentifierBytes?: number | null; engineLabel?: string } = {},
): ModelProblem[] {
  const out: ModelProblem[] = []
  const limit = target.maxIdentifierBytes ?? null
  const bytes = (s: string) => new TextEncoder().encode(s).length
  /** A name the engine would cut: applied, it would be another name, and every later diff would plan it again. */
  const tooLong = (name: string, what: string, add: (m: string) => void) => {
    if (limit !== null && bytes(name) > limit)
      add(
        `${what} ${name} is ${bytes(name)} bytes long; ${target.engineLabel ?? 'the database'} keeps only the first ${limit}, so it would be created under another name. Shorten it.`,
      )
  }
  const byName = new Map<string, ModelTable[]>()
  for (const t of doc.tables) {
    const key = `${t.schema ?? ''}.${t.name.toLowerCase()}`
    byName.set(key, [...(byName.get(key) ?? []), t])
  }
  const find = (schema: string | null, name: string) =>
    doc.tables.find((t) => t.name === name && (t.schema ?? null) === (schema ?? null))

  for (const t of doc.tables) validateTable(t, { out, tooLong, byName, find })
  return out
}

interface TableCheckContext {
  out: ModelProblem[]
  tooLong: (name: string, what: string, add: (m: string) => void) => void
  byName: Map<string, ModelTable[]>
  find: (schema: string | null, name: string) => ModelTable | undefined
}

/** One table's problems: its name, columns, keys, foreign keys and indexes. */
function validateTable(t: ModelTable, { out, tooLong, byName, find }: TableCheckContext): void {
  const err = (message: string, columnId?: string) => out.push({ level: 'error', tableId: t.id, columnId, message })
  const warn = (message: string, columnId?: string) => out.push({ level: 'warning', tableId: t.id, columnId, message })
  if (!t.name.trim()) err('The table has no name.')
  else if ((byName.get(`${t.schema ?? ''}.${t.name.toLowerCase()}`)?.length ?? 0) > 1)
    err(`Two tables are named ${t.name} (SQLite does not tell names apart by case, so neither does the designer).`)
  if (t.name.trim() && isReservedWord(t.name))
    warn(`${t.name} is a reserved word: it works quoted, but every hand-written query has to quote it.`)
  if (t.columns.length === 0) err(`${t.name} has no columns.`)
  tooLong(t.name, 'The table name', (m) => err(m))
  for (const c of t.columns) tooLong(c.name, `${t.name}: the column name`, (m) => err(m, c.id))
  for (const ix of t.indexes) tooLong(ix.name, `${t.name}: the index name`, (m) => err(m))
  for (const u of t.uniques) if (u.name) tooLong(u.name, `${t.name}: the constraint name`, (m) => err(m))
  for (const ch of t.checks) if (ch.name) tooLong(ch.name, `${t.name}: the check name`, (m) => err(m))
  if (t.primaryKeyName) tooLong(t.primaryKeyName, `${t.name}: the primary key name`, (m) => err(m))

  const seen = new Map<string, number>()
  for (const c of t.columns) seen.set(c.name.toLowerCase(), (seen.get(c.name.toLowerCase()) ?? 0) + 1)
  for (const c of t.columns) {
    if (!c.name.trim()) err(`A column of ${t.name} has no name.`, c.id)
    else if ((seen.get(c.name.toLowerCase()) ?? 0) > 1) err(`${t.name} has two columns named ${c.name}.`, c.id)
    else if (isReservedWord(c.name))
      warn(`${t.name}.${c.name}: ${c.name} is a reserved word; queries must quote it.`, c.id)
    if (c.autoincrement && !INTEGER_TYPES.has(c.type))
      err(`${t.name}.${c.name} autoincrements but is ${c.type}; only integer columns can.`, c.id)
    if (c.autoincrement && c.primaryKey === 0)
      warn(
        `${t.name}.${c.name} autoincrements but is not in the primary key; SQLite only autoincrements an INTEGER PRIMARY KEY.`,
        c.id,
      )
    if ((c.type === 'varchar' || c.type === 'numeric') && c.length != null && c.length <= 0)
      err(`${t.name}.${c.name}: the length must be positive.`, c.id)
    if (c.scale != null && c.length != null && c.scale > c.length)
      err(`${t.name}.${c.name}: the scale (${c.scale}) cannot exceed the precision (${c.length}).`, c.id)
  }
  const pk = primaryKeyColumns(t)
  if (pk.length === 0)
    warn(`${t.name} has no primary key: the ORM cannot map it and the grid can edit it only through SQLite's rowid.`)

  for (const f of t.foreignKeys) {
    const label = `${t.name}(${f.columns.join(', ')}) → ${f.refTable}`
    const colIds = f.columns.map((n) => t.columns.find((c) => c.name === n))
    if (colIds.some((c) => !c)) {
      err(`${label}: ${f.columns.filter((_, i) => !colIds[i]).join(', ')} is not a column of ${t.name}.`)
      continue
    }
    const ref = find(f.refSchema, f.refTable)
    if (!ref) {
      err(`${label}: there is no table ${f.refTable} in the model.`, colIds[0]?.id)
      continue
    }
    if (f.columns.length !== f.refColumns.length) {
      err(`${label}: ${f.columns.length} column(s) reference ${f.refColumns.length}.`, colIds[0]?.id)
      continue
    }
    const refCols = f.refColumns.map((n) => ref.columns.find((c) => c.name === n))
    if (refCols.some((c) => !c)) {
      err(
        `${label}: ${f.refColumns.filter((_, i) => !refCols[i]).join(', ')} is not a column of ${f.refTable}.`,
        colIds[0]?.id,
      )
      continue
    }
    if (!isUniqueKey(ref, f.refColumns))
      err(
        `${label}: ${f.refTable}(${f.refColumns.join(', ')}) is neither its primary key nor unique, so PostgreSQL refuses the foreign key.`,
        colIds[0]?.id,
      )
    f.columns.forEach((_, i) => {
      const a = colIds[i]!
      const b = refCols[i]!
      const family = (x: string) => (INTEGER_TYPES.has(x) ? 'integer' : x)
      if (family(a.type) !== family(b.type))
        err(`${t.name}.${a.name} is ${a.type} but references ${f.refTable}.${b.name}, which is ${b.type}.`, a.id)
    })
    if ((f.onDelete === 'SET NULL' || f.onUpdate === 'SET NULL') && colIds.every((c) => !c!.nullable))
      err(
        `${label}: ON ${f.onDelete === 'SET NULL' ? 'DELETE' : 'UPDATE'} SET NULL, but ${f.columns.join(', ')} cannot be NULL.`,
        colIds[0]?.id,
      )
  }

  if (t.association) {
    const fkCols = t.foreignKeys.flatMap((f) => f.columns)
    if (t.foreignKeys.length !== 2)
      err(`${t.name} carries a many-to-many relationship but has ${t.foreignKeys.length} foreign key(s); it needs two.`)
    else if (!(fkCols.length === pk.length && fkCols.every((c) => pk.includes(c))))
      err(
        `${t.name} carries a many-to-many relationship, but its primary key is not its two foreign keys, so the same pair could be linked twice.`,
      )
  }
  for (const ix of t.indexes) {
    if (!ix.name.trim()) err(`An index on ${t.name} has no name.`)
    for (const n of ix.columns)
      if (!t.columns.some((c) => c.name === n)) err(`Index ${ix.name}: ${n} is not a column of ${t.name}.`)
  }
}
