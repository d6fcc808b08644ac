import { randomBytes } from 'node:crypto'
import type { ModelColumn, ModelDocument, ModelTable } from '../../src-shared/model/document'
import { matchBy } from '../../src-shared/model/schema-diff'
import type { Driver } from '../db/driver'
import { dependencyOrder } from '../../src-shared/model/schema-ops'
import { schemaToModel } from './reverse'
import { NATIVE_TYPE_BODY } from './sqlalchemy-python'
import { checkOps, columnOps, createTable, foreignKeyOps, indexOps, py, type Renames } from './alembic-ops'

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

function renames(to: ModelDocument, m: Matching): Renames {
  const tables = new Map<string, ModelTable>()
  const columns = new Map<string, Map<string, string>>()
  for (const t of to.tables) {
    const f = m.tables.get(t.id)
    if (!f) continue
    tables.set(f.name, t)
    const names = new Map<string, string>()
    for (const c of t.columns) {
      const o = m.columns.get(t.id)?.get(c.id)
      if (o) names.set(o.name, c.name)
    }
    columns.set(t.id, names)
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
  const renamed = renames(to, m)

  for (const t of to.tables) {
    const f = match.get(t.id)
    if (f && f.name !== t.name)
      out.push(`${I}op.rename_table(${py(f.name)}, ${py(t.name)}${t.schema ? `, schema=${py(t.schema)}` : ''})`)
  }
  for (const t of created) out.push(...createTable(t, I))
  for (const t of to.tables) {
    const f = match.get(t.id)
    if (!f) continue
    const ownColumns = renamed.columns.get(t.id) ?? new Map<string, string>()
    const ops = [
      ...columnOps(f, t, m.columns.get(t.id) ?? new Map<string, ModelColumn>()),
      ...foreignKeyOps(f, t, renamed, ownColumns),
      ...indexOps(f, t, ownColumns),
      ...checkOps(f, t),
    ]
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
