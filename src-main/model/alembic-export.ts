import { randomBytes } from 'node:crypto'
import type { ModelColumn, ModelDocument, ModelTable } from '../../src-shared/model/document'
import { primaryKeyColumns } from '../../src-shared/schema'
import { matchBy, sameType } from '../../src-shared/model/schema-diff'
import type { Driver } from '../db/driver'
import { dependencyOrder } from '../../src-shared/model/schema-ops'
import { schemaToModel } from './reverse'
import { NATIVE_TYPE_BODY } from './sqlalchemy-python'

/**
 * A diff between two models written as an Alembic revision script: `upgrade()` and
 * `downgrade()` made of `op.*` calls, table changes inside `op.batch_alter_table` (which
 * Alembic runs as plain ALTERs on PostgreSQL and as a table rebuild on SQLite, where ALTER
 * cannot change most things). Renames stay renames (the model remembers old names). Written by
 * hand: Alembic's autogenerate compares a database with SQLAlchemy models, and here both sides
 * are Schemist models.
 */
export interface AlembicOptions {
  message: string
  revision?: string
  /** The target database's current revision (its alembic_version), or null for the first one. */
  downRevision: string | null
  date?: Date
}

const py = (s: string) => JSON.stringify(s)

function saType(c: ModelColumn): string {
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

function createTable(t: ModelTable, ind: string): string[] {
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

/** Which table of `from` each table of `to` is, and which column each column is. */
interface Matching {
  tables: Map<string, ModelTable>
  columns: Map<string, Map<string, ModelColumn>>
}

function matching(from: ModelDocument, to: ModelDocument): Matching {
  const key = (x: { name: string }) => `${(x as ModelTable).schema ?? ''}\u0000${x.name}`
  const tables = matchBy(from.tables, to.tables, key)
  const columns = new Map<string, Map<string, ModelColumn>>()
  for (const t of to.tables) {
    const f = tables.get(t.id)
    if (f) columns.set(t.id, matchBy(f.columns, t.columns))
  }
  return { tables, columns }
}

/** The same matching seen from the other side, for downgrade(). */
function inverse(to: ModelDocument, m: Matching): Matching {
  const tables = new Map<string, ModelTable>()
  const columns = new Map<string, Map<string, ModelColumn>>()
  for (const t of to.tables) {
    const f = m.tables.get(t.id)
    if (!f) continue
    tables.set(f.id, t)
    const cols = new Map<string, ModelColumn>()
    for (const c of t.columns) {
      const o = m.columns.get(t.id)?.get(c.id)
      if (o) cols.set(o.id, c)
    }
    columns.set(f.id, cols)
  }
  return { tables, columns }
}

/** One direction of the migration: statements that turn `from` into `to`. */
function direction(from: ModelDocument, to: ModelDocument, m: Matching): string[] {
  const I = '    '
  const out: string[] = []
  const match = m.tables
  const matchedFrom = new Set([...match.values()].map((f) => f.id))
  const created = dependencyOrder(to.tables.filter((t) => !match.has(t.id))).order
  const dropped = dependencyOrder(from.tables.filter((f) => !matchedFrom.has(f.id))).order.reverse()
  // Old table name -> the table it became; per new table, old column name -> new name.
  const renamedTables = new Map<string, ModelTable>()
  const renamedColumns = new Map<string, Map<string, string>>()
  for (const t of to.tables) {
    const f = match.get(t.id)
    if (!f) continue
    renamedTables.set(f.name, t)
    const names = new Map<string, string>()
    for (const c of t.columns) {
      const o = m.columns.get(t.id)?.get(c.id)
      if (o) names.set(o.name, c.name)
    }
    renamedColumns.set(t.id, names)
  }

  for (const t of to.tables) {
    const f = match.get(t.id)
    if (f && f.name !== t.name)
      out.push(`${I}op.rename_table(${py(f.name)}, ${py(t.name)}${t.schema ? `, schema=${py(t.schema)}` : ''})`)
  }
  for (const t of created) out.push(...createTable(t, I))
  for (const t of to.tables) {
    const f = match.get(t.id)
    if (!f) continue
    const ops: string[] = []
    const cols = m.columns.get(t.id) ?? new Map<string, ModelColumn>()
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
    // A key that points at a renamed table (or column) is the same key: the rename carried it.
    const sig = (x: {
      columns: string[]
      refTable: string
      refColumns: string[]
      onDelete: string
      onUpdate: string
    }) => JSON.stringify([x.columns, x.refTable, x.refColumns, x.onDelete, x.onUpdate])
    const renamedSig = (x: {
      columns: string[]
      refTable: string
      refColumns: string[]
      onDelete: string
      onUpdate: string
    }) => {
      const target = renamedTables.get(x.refTable)
      const colNames = target ? renamedColumns.get(target.id) : undefined
      return sig({
        ...x,
        columns: x.columns.map((c) => ownColumns.get(c) ?? c),
        refTable: target?.name ?? x.refTable,
        refColumns: x.refColumns.map((c) => colNames?.get(c) ?? c),
      })
    }
    const ownColumns = renamedColumns.get(t.id) ?? new Map<string, string>()
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
    if (ops.length)
      out.push(
        `${I}with op.batch_alter_table(${py(t.name)}${t.schema ? `, schema=${py(t.schema)}` : ''}) as batch_op:`,
        ...ops.map((o) => `${I}${I}${o}`),
      )
  }
  for (const f of dropped) out.push(`${I}op.drop_table(${py(f.name)}${f.schema ? `, schema=${py(f.schema)}` : ''})`)
  return out.length ? out : [`${I}pass`]
}

export function exportAlembic(
  from: ModelDocument,
  to: ModelDocument,
  o: AlembicOptions,
): { code: string; revision: string; filename: string } {
  const revision = o.revision ?? randomBytes(6).toString('hex')
  const forward = matching(from, to)
  const up = direction(from, to, forward)
  const down = direction(to, from, inverse(to, forward))
  const native = [...up, ...down].some((l) => l.includes('_Native('))
  const date = (o.date ?? new Date()).toISOString().replace('T', ' ').slice(0, 19)
  const slug =
    o.message
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '_')
      .replace(/^_|_$/g, '')
      .slice(0, 40) || 'schemist'
  const code = [
    `"""${o.message.replaceAll('"""', "'''")}`,
    '',
    `Revision ID: ${revision}`,
    `Revises: ${o.downRevision ?? ''}`,
    `Create Date: ${date}`,
    '',
    "Written by Schemist from the designer's model.",
    '"""',
    'from alembic import op',
    'import sqlalchemy as sa',
    '',
    ...(native
      ? [
          '',
          '# A column type written as the database spells it (an array, an enum type).',
          'class _Native(sa.types.UserDefinedType):',
          ...NATIVE_TYPE_BODY,
          '',
        ]
      : []),
    `revision = ${py(revision)}`,
    `down_revision = ${o.downRevision ? py(o.downRevision) : 'None'}`,
    'branch_labels = None',
    'depends_on = None',
    '',
    '',
    'def upgrade() -> None:',
    ...up,
    '',
    '',
    'def downgrade() -> None:',
    ...down,
    '',
  ].join('\n')
  return { code, revision, filename: `${revision}_${slug}.py` }
}

/** What a revision leaves out, said beside it rather than lost quietly. */
function omissions(from: ModelDocument, to: ModelDocument): string[] {
  const out: string[] = []
  const touched = (doc: ModelDocument) =>
    doc.tables.flatMap((t) => t.columns.filter((c) => c.onUpdate).map((c) => `${t.name}.${c.name}`))
  const before = new Set(touched(from))
  const after = new Set(touched(to))
  const changed = [...new Set([...before, ...after])].filter((x) => before.has(x) !== after.has(x))
  if (changed.length)
    out.push(
      `The on-update triggers of ${changed.join(', ')} are not in the revision (Alembic has no op for them): add them with op.execute(), or apply them from the designer.`,
    )
  return out
}

/**
 * The revision from a live database to the model: down_revision is the database's
 * alembic_version when it has one (one head; several heads are said, and the first is used).
 */
export async function alembicAgainstDatabase(d: Driver, doc: ModelDocument, message: string): Promise<AlembicExport> {
  const live = await d.dialect.introspect(d)
  const versionTable = live.tables.find((t) => t.name === 'alembic_version' && t.kind === 'table')
  const warnings: string[] = []
  let downRevision: string | null = null
  if (versionTable) {
    const name = `${versionTable.schema ? `${d.dialect.quoteIdent(versionTable.schema)}.` : ''}${d.dialect.quoteIdent('alembic_version')}`
    const heads = (await d.query(`SELECT version_num FROM ${name}`)).rows.map((r) => String(r[0]))
    downRevision = heads[0] ?? null
    if (heads.length > 1)
      warnings.push(
        `The database has ${heads.length} Alembic heads (${heads.join(', ')}); the revision follows ${heads[0]}. Merge the heads first if that is not the one.`,
      )
  } else
    warnings.push(
      'The database has no alembic_version table: this is written as the first revision (down_revision = None). Run "alembic stamp" on the revision before this one if the database is already under Alembic elsewhere.',
    )
  // alembic_version is Alembic's own bookkeeping, never part of the model's diff.
  const from = schemaToModel({ ...live, tables: live.tables.filter((t) => t !== versionTable) }, d.dialect)
  const r = exportAlembic(from, doc, { message, downRevision })
  return { ...r, downRevision, warnings: [...warnings, ...omissions(from, doc)] }
}

export function alembicBetweenModels(
  from: ModelDocument,
  to: ModelDocument,
  message: string,
  downRevision: string | null,
): AlembicExport {
  return { ...exportAlembic(from, to, { message, downRevision }), downRevision, warnings: omissions(from, to) }
}

export interface AlembicExport {
  code: string
  revision: string
  filename: string
  downRevision: string | null
  warnings: string[]
}
