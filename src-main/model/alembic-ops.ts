import type { ModelColumn, ModelTable } from '../../src-shared/model/document'
import { primaryKeyColumns } from '../../src-shared/schema'
import { sameType } from '../../src-shared/model/schema-diff'

/**
 * Alembic's `op.*` calls for one table: its creation, and the `batch_op.*` changes that turn one
 * version of it into another (columns, foreign keys, indexes, checks), as Python source lines.
 */

export const py = (s: string) => JSON.stringify(s)

export function saType(c: ModelColumn): string {
  switch (c.type) {
    case 'integer':
      return 'sa.Integer()'
    case 'bigint':
      return 'sa.BigInteger()'
    case 'smallint':
      return 'sa.SmallInteger()'
    case 'real':
      return 'sa.REAL()'
    case 'double':
      return 'sa.Double()'
    case 'numeric':
      return c.length != null ? `sa.Numeric(${c.length}${c.scale != null ? `, ${c.scale}` : ''})` : 'sa.Numeric()'
    case 'boolean':
      return 'sa.Boolean()'
    case 'text':
      return 'sa.Text()'
    case 'varchar':
      return c.length != null ? `sa.String(${c.length})` : 'sa.String()'
    case 'date':
      return 'sa.Date()'
    case 'time':
      return 'sa.Time()'
    case 'timestamp':
      return 'sa.DateTime()'
    case 'timestamptz':
      return 'sa.DateTime(timezone=True)'
    case 'json':
      return 'sa.JSON()'
    case 'uuid':
      return 'sa.Uuid()'
    case 'blob':
      return 'sa.LargeBinary()'
    default:
      // The engine's own spelling (an array, an enum type, ...), through a one-line type below.
      return `_Native(${py(c.nativeType || 'TEXT')})`
  }
}

const serverDefault = (expr: string) => `sa.text(${py(expr)})`

function columnArgs(t: ModelTable, c: ModelColumn): string {
  const args = [py(c.name), saType(c)]
  if (c.primaryKey > 0) args.push('primary_key=True')
  args.push(`nullable=${c.nullable && c.primaryKey === 0 ? 'True' : 'False'}`)
  if (c.autoincrement && primaryKeyColumns(t).length === 1 && c.primaryKey > 0) args.push('autoincrement=True')
  if (c.unique) args.push('unique=True')
  if (c.serverDefault != null) args.push(`server_default=${serverDefault(c.serverDefault)}`)
  return `sa.Column(${args.join(', ')})`
}

export function createTable(t: ModelTable, ind: string): string[] {
  const parts = t.columns.map((c) => columnArgs(t, c))
  for (const f of t.foreignKeys) {
    const opts = [
      f.name ? `name=${py(f.name)}` : '',
      f.onDelete !== 'NO ACTION' ? `ondelete=${py(f.onDelete)}` : '',
      f.onUpdate !== 'NO ACTION' ? `onupdate=${py(f.onUpdate)}` : '',
    ].filter(Boolean)
    const ref = (c: string) => py(`${f.refSchema ? `${f.refSchema}.` : ''}${f.refTable}.${c}`)
    parts.push(
      `sa.ForeignKeyConstraint([${f.columns.map(py).join(', ')}], [${f.refColumns.map(ref).join(', ')}]${opts.length ? `, ${opts.join(', ')}` : ''})`,
    )
  }
  for (const u of t.uniques)
    parts.push(`sa.UniqueConstraint(${[...u.columns.map(py), ...(u.name ? [`name=${py(u.name)}`] : [])].join(', ')})`)
  for (const ck of t.checks)
    parts.push(`sa.CheckConstraint(${[py(ck.expression), ...(ck.name ? [`name=${py(ck.name)}`] : [])].join(', ')})`)
  if (t.schema) parts.push(`schema=${py(t.schema)}`)
  const out = [`${ind}op.create_table(`, `${ind}    ${py(t.name)},`, ...parts.map((p) => `${ind}    ${p},`), `${ind})`]
  for (const ix of t.indexes)
    out.push(
      `${ind}op.create_index(${py(ix.name)}, ${py(t.name)}, [${ix.columns.map(py).join(', ')}], unique=${ix.unique ? 'True' : 'False'}${partial(ix)}${t.schema ? `, schema=${py(t.schema)}` : ''})`,
    )
  return out
}

/** A partial index's WHERE, for either engine (each dialect reads only its own keyword). */
const partial = (ix: { where: string | null }) =>
  ix.where ? `, sqlite_where=sa.text(${py(ix.where)}), postgresql_where=sa.text(${py(ix.where)})` : ''

/** Old table name -> the table it became; per new table, old column name -> new name. */
export interface Renames {
  tables: Map<string, ModelTable>
  columns: Map<string, Map<string, string>>
}

/** Columns dropped, added and altered (renamed, retyped, nullability, default). */
export function columnOps(f: ModelTable, t: ModelTable, cols: Map<string, ModelColumn>): string[] {
  const ops: string[] = []
  const keptOld = new Set([...cols.values()].map((c) => c.id))
  for (const c of f.columns) if (!keptOld.has(c.id)) ops.push(`batch_op.drop_column(${py(c.name)})`)
  for (const c of t.columns) {
    const o = cols.get(c.id)
    if (!o) {
      ops.push(`batch_op.add_column(${columnArgs(t, c)})`)
      continue
    }
    const changes: string[] = []
    if (o.name !== c.name) changes.push(`new_column_name=${py(c.name)}`)
    if (!sameType(o, c)) changes.push(`type_=${saType(c)}`, `existing_type=${saType(o)}`)
    if (o.nullable !== c.nullable) changes.push(`nullable=${c.nullable ? 'True' : 'False'}`)
    if ((o.serverDefault ?? null) !== (c.serverDefault ?? null))
      changes.push(`server_default=${c.serverDefault != null ? serverDefault(c.serverDefault) : 'None'}`)
    if (changes.length) ops.push(`batch_op.alter_column(${py(o.name)}, ${changes.join(', ')})`)
  }
  return ops
}

type FkShape = Pick<ModelTable['foreignKeys'][number], 'columns' | 'refTable' | 'refColumns' | 'onDelete' | 'onUpdate'>

export function foreignKeyOps(
  f: ModelTable,
  t: ModelTable,
  renamed: Renames,
  ownColumns: Map<string, string>,
): string[] {
  const ops: string[] = []
  // A key that points at a renamed table (or column) is the same key: the rename carried it.
  const sig = (x: FkShape) => JSON.stringify([x.columns, x.refTable, x.refColumns, x.onDelete, x.onUpdate])
  const renamedSig = (x: FkShape) => {
    const target = renamed.tables.get(x.refTable)
    const colNames = target ? renamed.columns.get(target.id) : undefined
    return sig({
      ...x,
      columns: x.columns.map((c) => ownColumns.get(c) ?? c),
      refTable: target?.name ?? x.refTable,
      refColumns: x.refColumns.map((c) => colNames?.get(c) ?? c),
    })
  }
  const oldFks = new Set(f.foreignKeys.map(renamedSig))
  const newFks = new Set(t.foreignKeys.map(sig))
  for (const fk of f.foreignKeys)
    if (!newFks.has(renamedSig(fk)))
      ops.push(
        fk.name
          ? `batch_op.drop_constraint(${py(fk.name)}, type_="foreignkey")`
          : `# the unnamed foreign key (${fk.columns.join(', ')}) -> ${fk.refTable} goes with the table rebuild on SQLite; on PostgreSQL, name it to drop it`,
      )
  for (const fk of t.foreignKeys) {
    if (oldFks.has(sig(fk))) continue
    const opts = [
      fk.onDelete !== 'NO ACTION' ? `ondelete=${py(fk.onDelete)}` : '',
      fk.onUpdate !== 'NO ACTION' ? `onupdate=${py(fk.onUpdate)}` : '',
    ].filter(Boolean)
    ops.push(
      `batch_op.create_foreign_key(${py(fk.name ?? `fk_${t.name}_${fk.columns.join('_')}_${fk.refTable}`)}, ${py(fk.refTable)}, [${fk.columns.map(py).join(', ')}], [${fk.refColumns.map(py).join(', ')}]${opts.length ? `, ${opts.join(', ')}` : ''})`,
    )
  }
  return ops
}

export function indexOps(f: ModelTable, t: ModelTable, ownColumns: Map<string, string>): string[] {
  const ops: string[] = []
  const ixSig = (x: { name: string; columns: string[]; unique: boolean; where: string | null }) =>
    JSON.stringify([x.name, x.columns.map((c) => ownColumns.get(c) ?? c), x.unique, x.where])
  const newIx = (x: { name: string; columns: string[]; unique: boolean; where: string | null }) =>
    JSON.stringify([x.name, x.columns, x.unique, x.where])
  for (const ix of f.indexes)
    if (!t.indexes.some((y) => newIx(y) === ixSig(ix))) ops.push(`batch_op.drop_index(${py(ix.name)})`)
  for (const ix of t.indexes)
    if (!f.indexes.some((y) => ixSig(y) === newIx(ix)))
      ops.push(
        `batch_op.create_index(${py(ix.name)}, [${ix.columns.map(py).join(', ')}], unique=${ix.unique ? 'True' : 'False'}${partial(ix)})`,
      )
  return ops
}

export function checkOps(f: ModelTable, t: ModelTable): string[] {
  const ops: string[] = []
  const ckSig = (x: { expression: string }) => x.expression.replace(/\s+/g, ' ').trim()
  for (const ck of f.checks)
    if (!t.checks.some((y) => ckSig(y) === ckSig(ck)))
      ops.push(
        ck.name
          ? `batch_op.drop_constraint(${py(ck.name)}, type_="check")`
          : `# an unnamed CHECK (${ck.expression}) goes with the table rebuild on SQLite`,
      )
  for (const ck of t.checks)
    if (!f.checks.some((y) => ckSig(y) === ckSig(ck)))
      ops.push(
        `batch_op.create_check_constraint(${py(ck.name ?? `ck_${t.name}_${t.checks.indexOf(ck)}`)}, ${py(ck.expression)})`,
      )
  return ops
}
