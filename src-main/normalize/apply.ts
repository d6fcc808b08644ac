import { ENGINES } from '../../src-shared/engines'
import { AppError } from '../../src-shared/errors'
import type { Driver } from '../db/driver'
import type { Proposal } from './decompose'
import { finalizeNames } from './decompose'
import { splitPlan } from './proposal-sql'
import type { Index, Table } from '../../src-shared/schema'

export interface ApplySource {
  schema: string | null
  name: string
  /** Column name to the engine's type, for the new tables' columns. */
  types: Map<string, string>
}

export interface ApplyOptions {
  /** Replace the original table by a view of the same name that joins the new tables. */
  keepView: boolean
}

export interface ApplyResult {
  /** The tables created, in creation order (referenced tables first). */
  tables: { name: string; rows: number }[]
  view: string | null
  /** Distinct rows of the original, and rows the join of the new tables gives back. */
  originalRows: number
  joinedRows: number
  /** Every statement run, in order, for the log. */
  statements: string[]
}

/**
 * Applies a proposal: create the tables with keys and foreign keys, move the rows, check that
 * joining the new tables gives back exactly the original rows (both ways), then drop the original
 * (or replace it with a view). In one transaction where DDL is transactional: anything failing
 * rolls back all of it. Where DDL commits at once (MariaDB), the original is dropped only after
 * the check, and a failure before that drops the new tables and gives the original its name back.
 */
export async function applyProposal(
  d: Driver,
  src: ApplySource,
  p: Proposal,
  opts: ApplyOptions,
): Promise<ApplyResult> {
  const dl = d.dialect
  const q = (n: string) => dl.quoteIdent(n)
  const qt = (n: string) => dl.qualify(src.schema, n)
  const schema = await dl.introspect(d)
  const here = schema.tables.filter((t) => (t.schema ?? null) === (src.schema ?? null) || src.schema === null)
  const original = here.find((t) => t.name === src.name)
  if (!original) throw new AppError('NOT_FOUND', `No table ${src.name}`)
  const referencing = schema.tables.filter(
    (t) => t.name !== src.name && t.foreignKeys.some((f) => f.refTable === src.name),
  )
  if (referencing.length) {
    throw new AppError(
      'UNSUPPORTED',
      `${referencing.map((t) => t.name).join(', ')} ${referencing.length > 1 ? 'have foreign keys' : 'has a foreign key'} to ${src.name}: point ${referencing.length > 1 ? 'them' : 'it'} at the new tables first`,
    )
  }

  const carried = await carryOrRefuse(d, schema.tables, original, p, opts.keepView)

  // A part named after the original, when the original is to stay as a view, takes a name of its own.
  const taken = new Set(here.map((t) => t.name))
  const named = opts.keepView ? finalizeNames(p, src.name, true) : p
  for (const t of named.tables)
    if (t.name !== src.name && taken.has(t.name))
      throw new AppError('BAD_REQUEST', `A table named ${t.name} already exists: rename the proposed table`)
  const plan = splitPlan(
    named,
    { schema: src.schema, name: src.name, columns: original.columns.map((c) => c.name), types: src.types },
    dl,
    opts.keepView,
  )
  const statements: string[] = []
  const run = async (sql: string) => {
    statements.push(sql)
    return d.query(sql)
  }
  const count = async (sql: string) => Number((await run(sql)).rows[0][0])
  const list = original.columns
    .map((c) => c.name)
    .filter((c) => named.tables.some((t) => t.columns.includes(c)))
    .map(q)
    .join(', ')

  // Where DDL commits at once (MariaDB), nothing can be rolled back: the check runs before the
  // original is dropped, and a failure before that point is undone by hand (undoSplit).
  const transactional = dl.capabilities.transactionalDdl
  let built = 0
  if (transactional) await run('BEGIN')
  try {
    for (const sql of plan.build) {
      await run(sql)
      built++
    }
    const tables: ApplyResult['tables'] = []
    for (const t of plan.order) tables.push({ name: t.name, rows: await count(`SELECT count(*) FROM ${qt(t.name)}`) })
    const originalRows = await count(`SELECT count(*) FROM (SELECT DISTINCT ${list} FROM ${plan.from}) o`)
    const joinedRows = await count(`SELECT count(*) FROM (${plan.joinSql}) j`)
    const missing = await count(`SELECT count(*) FROM (SELECT ${list} FROM ${plan.from} EXCEPT ${plan.joinSql}) m`)
    const invented = await count(`SELECT count(*) FROM (${plan.joinSql} EXCEPT SELECT ${list} FROM ${plan.from}) x`)
    if (missing || invented || joinedRows !== originalRows) {
      throw new AppError(
        'CONSTRAINT_VIOLATION',
        `The new tables do not join back to the original: ${missing} rows missing, ${invented} rows invented (${joinedRows} joined vs ${originalRows} original). Nothing was changed.`,
        { missing, invented },
      )
    }
    built = -1
    await finishSplit(d, plan, carried, src, run)
    if (transactional) await run('COMMIT')
    return { tables, view: opts.keepView ? src.name : null, originalRows, joinedRows, statements }
  } catch (e) {
    if (transactional) await d.query('ROLLBACK').catch(() => undefined)
    else if (built >= 0) await undoSplit(plan, built, run)
    throw e
  }
}

/** Drop the original (or make it the view), and give its indexes to the new tables. */
async function finishSplit(
  d: Driver,
  plan: ReturnType<typeof splitPlan>,
  carried: { table: string; index: Index }[],
  src: ApplySource,
  run: (sql: string) => Promise<unknown>,
) {
  try {
    for (const sql of plan.finish) await run(sql)
    // The original's indexes, on the new table that has their columns (their names are free now).
    for (const sql of d.dialect.ddl.statements(
      carried.map(
        (ix) => ({ op: 'createIndex', table: { schema: src.schema, name: ix.table }, index: ix.index }) as const,
      ),
    ))
      await run(sql)
  } catch (e) {
    if (d.dialect.capabilities.transactionalDdl) throw e
    // Past the check the rows are safe in the new tables: say what is done and what is not.
    throw new AppError(
      'SQL_ERROR',
      `The new tables hold every row (checked), but finishing the split failed: ${e instanceof Error ? e.message : String(e)}. ${ENGINES[d.dialect.name].label} commits each statement, so the split is left as far as it got; see the statements run.`,
    )
  }
}

/** Undo the statements of `build` that ran, by hand: the new tables go, the original gets its name back. */
async function undoSplit(plan: ReturnType<typeof splitPlan>, built: number, run: (sql: string) => Promise<unknown>) {
  for (const sql of plan.undo.drops) await run(sql).catch(() => undefined)
  if (plan.renamed && built > 0) for (const sql of plan.undo.renameBack) await run(sql).catch(() => undefined)
}

/**
 * What the original table has besides its rows, and what becomes of it in the split. Its indexes
 * move to the new table that has all their columns. Its triggers and CHECK constraints, and the
 * views that read it (unless it stays as a view of the same name), cannot be carried: the split is
 * refused with the list of them before anything changes (SQLite used to drop them silently).
 */
async function carryOrRefuse(
  d: Driver,
  all: Table[],
  original: Table,
  p: Proposal,
  keepView: boolean,
): Promise<{ table: string; index: Index }[]> {
  const carried: { table: string; index: Index }[] = []
  const lost: string[] = []
  for (const ix of original.indexes) {
    const home = p.tables.find((t) => ix.columns.every((c) => t.columns.includes(c)))
    if (home) carried.push({ table: home.name, index: ix })
    else lost.push(`index ${ix.name} (${ix.columns.join(', ')}: no new table has all its columns)`)
  }
  for (const ch of original.checks) lost.push(`CHECK ${ch.name ? `${ch.name} ` : ''}(${ch.expression})`)
  for (const tr of await d.dialect.triggersOf(d, original.schema, original.name)) lost.push(`trigger ${tr}`)
  if (!keepView) {
    const word = new RegExp(
      `(^|[^A-Za-z0-9_$])("?)${original.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\2([^A-Za-z0-9_$]|$)`,
      'i',
    )
    for (const v of all)
      if (v.kind === 'view' && v.name !== original.name && v.definition && word.test(v.definition))
        lost.push(`view ${v.name}, which reads it (keep ${original.name} as a view to keep it working)`)
  }
  if (lost.length) {
    throw new AppError(
      'UNSUPPORTED',
      `${original.name} has what the split cannot carry over: ${lost.join('; ')}. Nothing was changed; drop or move these first${keepView ? '' : ', or keep the table as a view'}.`,
      { lost },
    )
  }
  return carried
}
