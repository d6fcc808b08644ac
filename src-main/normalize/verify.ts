import type { Driver } from '../db/driver'

/**
 * Checks, by queries the database runs over the whole table, dependencies and keys found on a
 * sample. A dependency X → A is measured by g3: the share of rows to remove for it to hold, which
 * is 1 − Σ over X-groups of the most frequent A's count, divided by the row count. NULLs group
 * together, as they do in discovery by default.
 */
export async function fdErrorOnTable(
  d: Driver,
  from: string,
  lhs: string[],
  rhs: string,
  rows: number,
): Promise<number> {
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

/**
 * Whether X ->> Y | Z holds on the whole table: for every X value, each of its Y values appears
 * with each of its Z values, so the distinct rows number Σ over X-groups of (distinct Y) × (distinct
 * Z). Grouping (not a join) matches X values, so NULLs group together as in discovery.
 */
export async function mvdHoldsOnTable(
  d: Driver,
  from: string,
  lhs: string[],
  rhs: string[],
  rest: string[],
): Promise<boolean> {
  const q = (cs: string[]) => cs.map((c) => d.dialect.quoteIdent(c)).join(', ')
  const distinct = (cs: string[]) => `SELECT ${q(cs)} FROM ${from} GROUP BY ${q(cs)}`
  const all = Number((await d.query(`SELECT count(*) FROM (${distinct([...lhs, ...rhs, ...rest])}) r`)).rows[0][0])
  let product: number
  if (lhs.length === 0) {
    const ny = Number((await d.query(`SELECT count(*) FROM (${distinct(rhs)}) y`)).rows[0][0])
    const nz = Number((await d.query(`SELECT count(*) FROM (${distinct(rest)}) z`)).rows[0][0])
    product = ny * nz
  } else {
    const x = q(lhs)
    // Per X value: distinct Y values in one branch, distinct Z values in the other, met by GROUP BY X.
    const ys = `SELECT ${x}, count(*) AS ny, 0 AS nz FROM (${distinct([...lhs, ...rhs])}) gy GROUP BY ${x}`
    const zs = `SELECT ${x}, 0, count(*) FROM (${distinct([...lhs, ...rest])}) gz GROUP BY ${x}`
    const sql = `SELECT sum(ny * nz) FROM (SELECT max(ny) AS ny, max(nz) AS nz FROM (${ys} UNION ALL ${zs}) u GROUP BY ${x}) v`
    product = Number((await d.query(sql)).rows[0][0] ?? 0)
  }
  return all === product
}
