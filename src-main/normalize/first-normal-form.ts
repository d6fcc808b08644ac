import { ENGINES } from '../../src-shared/engines'
import { AppError } from '../../src-shared/errors'
import { plainTable, type SchemaOp } from '../../src-shared/model/schema-ops'
import type { Cell } from '../../src-shared/values'
import type { Dialect } from '../db/dialect'
import type { Driver } from '../db/driver'
import { plural, singular } from '../../src-shared/naming'
import type { Proposal } from './decompose'
import { oneNfProblems } from './fd-analysis'

/** How a 1NF split derives its child table: a list split per cell, or numbered columns unpivoted. */
export interface OneNfPlan {
  child: string
  value: string
  key: string[]
  /** The columns the values come from (one for a list, several for a repeating group); they leave the table. */
  from: string[]
  kind: 'list-in-cell' | 'json-array' | 'repeating-group'
}

const SEPARATOR = /\s*[,;|]\s*/

/** A JSON array's elements as cells (nulls dropped); a cell that is not an array stays one value. */
function jsonElements(v: string): Cell[] {
  let a: unknown
  try {
    a = JSON.parse(v)
  } catch {
    return [v]
  }
  if (!Array.isArray(a)) return [v]
  return a
    .filter((x) => x !== null && x !== undefined)
    .map((x) => (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? x : JSON.stringify(x)))
}

/** The child rows (key..., value) a plan makes from the table's rows, without duplicates. */
export function childRows(columns: string[], rows: Cell[][], plan: OneNfPlan): Cell[][] {
  const keyIdx = plan.key.map((k) => columns.indexOf(k))
  const fromIdx = plan.from.map((c) => columns.indexOf(c))
  const seen = new Map<string, Cell[]>()
  for (const r of rows) {
    const values = fromIdx.flatMap((i) => {
      const v = r[i]
      if (v === null || v === '') return []
      if (plan.kind === 'json-array' && typeof v === 'string') return jsonElements(v)
      return plan.kind === 'list-in-cell' && typeof v === 'string' ? v.split(SEPARATOR).filter((x) => x !== '') : [v]
    })
    for (const v of values) {
      const row = [...keyIdx.map((i) => r[i]), v]
      seen.set(JSON.stringify(row), row)
    }
  }
  return [...seen.values()]
}

/** 1NF: each list column or repeating group moves to a child table keyed by the table's key and the value. */
export function splitFirstNormalForm(
  table: string,
  columns: string[],
  rows: Cell[][],
  key: string[] | null,
  existing: string[] = [],
): { proposal: Proposal; plans: OneNfPlan[] } | null {
  const problems = oneNfProblems(columns, rows).filter((p) => p.kind !== 'structured-value')
  if (!problems.length) return null
  if (!key)
    throw new AppError(
      'BAD_REQUEST',
      `${table} needs a primary key before its lists can move to their own table: the new rows must say which row they came from`,
    )
  const taken = new Set([table, ...existing])
  const plans: OneNfPlan[] = problems.map((p) => {
    const stem = p.kind === 'repeating-group' ? p.columns[0].replace(/_?\d+$/, '') : singular(p.columns[0])
    let child = plural(stem)
    while (taken.has(child)) child = `${table}_${child}`
    taken.add(child)
    const value = key.includes(stem) ? `${stem}_value` : stem
    return { child, value, key, from: p.columns, kind: p.kind as OneNfPlan['kind'] }
  })
  const moved = new Set(plans.flatMap((p) => p.from))
  const keep = columns.filter((c) => !moved.has(c))
  const keepIdx = keep.map((c) => columns.indexOf(c))
  const children = plans.map((plan) => ({ plan, rows: childRows(columns, rows, plan) }))
  const proposal: Proposal = {
    target: '1nf',
    tables: [
      { name: table, columns: keep, key, references: [], rows: rows.map((r) => keepIdx.map((i) => r[i])) },
      ...children.map(({ plan, rows: cr }) => ({
        name: plan.child,
        columns: [...key, plan.value],
        key: [...key, plan.value],
        references: [{ columns: key, table }],
        rows: cr,
      })),
    ],
    lost: [],
    losslessBySchema: null,
    losslessByData: true,
    cellsBefore: rows.length * columns.length,
    cellsAfter: rows.length * keep.length + children.reduce((a, c) => a + c.rows.length * (key.length + 1), 0),
    explanation:
      plans
        .map((p) =>
          p.kind === 'list-in-cell'
            ? `Each value of ${p.from[0]} becomes a row of ${p.child}`
            : p.kind === 'json-array'
              ? `Each element of the JSON arrays in ${p.from[0]} becomes a row of ${p.child}`
              : `${p.from.join(', ')} become rows of ${p.child}`,
        )
        .join('; ') + ', keyed by the row it came from: one value per cell, and no limit on how many.',
  }
  return { proposal, plans }
}

type OneNfSource = { schema: string | null; name: string; types: Map<string, string> }

/** A child table: the parent's key and the value as its key, a foreign key to the parent. */
function childTable(plan: OneNfPlan, src: OneNfSource, d: Dialect): SchemaOp {
  // A JSON array's elements are plain values: the child column is text, not the array's JSON type.
  const valueType = plan.kind === 'json-array' ? 'TEXT' : src.types.get(plan.from[0]) || 'TEXT'
  // Every column of the child is in its key: each takes a type the engine can index.
  const cols = [...plan.key.map((k) => [k, src.types.get(k) || 'TEXT']), [plan.value, valueType]].map(
    ([name, type]) => [name, d.keyType(type)],
  )
  const table = plainTable(
    { schema: src.schema, name: plan.child },
    cols.map(([name, nativeType], i) => ({ name, type: 'unknown', nativeType, nullable: false, primaryKey: i + 1 })),
    [
      {
        name: null,
        columns: plan.key,
        refSchema: src.schema,
        refTable: src.name,
        refColumns: plan.key,
        onDelete: 'CASCADE',
        onUpdate: 'NO ACTION',
      },
    ],
  )
  return { op: 'createTable', table }
}

const childTableSql = (plan: OneNfPlan, src: OneNfSource, d: Dialect) => d.ddl.statements([childTable(plan, src, d)])[0]

const dropColumnSql = (c: string, src: OneNfSource, d: Dialect) =>
  d.ddl.statements([{ op: 'dropColumn', table: { schema: src.schema, name: src.name }, column: c }])[0]

/** The script to review: what `applyFirstNormalForm` runs, with the row-filling step described. */
export function firstNormalFormSql(plans: OneNfPlan[], src: OneNfSource, d: Dialect): string[] {
  return [
    'BEGIN;',
    ...plans.map((p) => `${childTableSql(p, src, d)};`),
    `-- Schemist fills ${plans.map((p) => p.child).join(', ')} from the rows (lists split on , ; |) and checks every value arrived`,
    ...plans.flatMap((p) => p.from).map((c) => `${dropColumnSql(c, src, d)};`),
    'COMMIT;',
  ]
}

/**
 * Applies a 1NF split in one transaction: create each child table, fill it from the rows as they
 * are now, check every value arrived, then drop the moved columns. Anything failing rolls back.
 * Where DDL commits at once (MariaDB) the moved columns are dropped only after every check, and a
 * failure before then drops the child tables again, which leaves the table as it was.
 */
export async function applyFirstNormalForm(
  d: Driver,
  src: OneNfSource,
  plans: OneNfPlan[],
): Promise<{ tables: { name: string; rows: number }[]; statements: string[] }> {
  const q = (n: string) => d.dialect.quoteIdent(n)
  const qt = (n: string) => d.dialect.qualify(src.schema, n)
  const statements: string[] = []
  const run = async (sql: string) => {
    statements.push(sql)
    return d.query(sql)
  }
  const transactional = d.dialect.capabilities.transactionalDdl
  const made: string[] = []
  let checked = false
  if (transactional) await run('BEGIN')
  try {
    const current = await run(`SELECT * FROM ${qt(src.name)}`)
    const columns = current.columns.map((c) => c.name)
    const tables: { name: string; rows: number }[] = []
    for (const plan of plans) {
      await run(childTableSql(plan, src, d.dialect))
      made.push(plan.child)
      const rows = childRows(columns, current.rows, plan)
      const list = [...plan.key, plan.value].map(q).join(', ')
      const sql = `INSERT INTO ${qt(plan.child)} (${list}) VALUES (${[...plan.key, plan.value].map((_, i) => d.dialect.placeholder(i + 1)).join(', ')})`
      statements.push(`${sql} -- ${rows.length} rows`)
      if (rows.length) await d.runBatch([{ sql, params: rows }])
      const got = Number((await run(`SELECT count(*) FROM ${qt(plan.child)}`)).rows[0][0])
      if (got !== rows.length)
        throw new AppError(
          'CONSTRAINT_VIOLATION',
          `${plan.child} got ${got} rows, expected ${rows.length}. Nothing was changed.`,
        )
      tables.push({ name: plan.child, rows: got })
    }
    checked = true
    for (const c of plans.flatMap((p) => p.from)) await run(dropColumnSql(c, src, d.dialect))
    if (transactional) await run('COMMIT')
    return { tables, statements }
  } catch (e) {
    if (transactional) await d.query('ROLLBACK').catch(() => undefined)
    else if (!checked) await undoChildren(d, src, made, run)
    else
      throw new AppError(
        'SQL_ERROR',
        `Every value arrived in ${made.join(', ')} (checked), but dropping the moved columns failed: ${e instanceof Error ? e.message : String(e)}. ${ENGINES[d.dialect.name].label} commits each statement, so the split is left as far as it got.`,
      )
    throw e
  }
}

/** Where DDL commits at once: the child tables made so far go again (their foreign keys point at the source). */
async function undoChildren(d: Driver, src: OneNfSource, made: string[], run: (sql: string) => Promise<unknown>) {
  const drops = d.dialect.ddl.statements(
    [...made]
      .reverse()
      .map((name): SchemaOp => ({ op: 'dropTable', table: { schema: src.schema, name }, ifExists: true })),
  )
  for (const sql of drops) await run(sql).catch(() => undefined)
}
