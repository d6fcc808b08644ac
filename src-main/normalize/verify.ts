import type { Driver } from '../db/driver'

/**
 * Checks, by queries the database runs over the whole table, dependencies and keys found on a
 * sample. A dependency X → A is measured by g3: the share of rows to remove for it to hold, which
 * is 1 − Σ over X-groups of the most frequent A's count, divided by the row count. NULLs group
 * together, as they do in discovery by default.
 */
export async function fdErrorOnTable(d: Driver, from: string, lhs: string[], rhs: string, rows: number): Promise<number> {
  if (rows === 0) return 0
  const q = (c: string) => d.dialect.quoteIdent(c)
  const x = lhs.map(q).join(', ')
  const xa = [...lhs, rhs].map(q).join(', ')
  const inner = `SELECT ${xa}, count(*) AS n FROM ${from} GROUP BY ${xa}`
  const sql = lhs.length
    ? `SELECT sum(m) FROM (SELECT max(n) AS m FROM (${inner}) g GROUP BY ${x}) h`
    : `SELECT max(n) FROM (${inner}) g`
  const kept = Number((await d.query(sql)).rows[0][0] ?? 0)
  return (rows - kept) / rows
}

/** Whether the columns tell every row of the whole table apart. */
export async function isKeyOnTable(d: Driver, from: string, columns: string[], rows: number): Promise<boolean> {
  const cols = columns.map((c) => d.dialect.quoteIdent(c)).join(', ')
  const n = Number((await d.query(`SELECT count(*) FROM (SELECT ${cols} FROM ${from} GROUP BY ${cols}) g`)).rows[0][0])
  return n === rows
}
