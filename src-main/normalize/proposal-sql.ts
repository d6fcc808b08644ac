import type { Dialect } from '../db/dialect'
import type { Proposal, ProposedTable } from './decompose'

export interface SplitSource {
  schema: string | null
  name: string
  /** The original's columns in their order (the view keeps it). */
  columns: string[]
  /** Column name to the engine's type; TEXT where unknown (a CSV file). */
  types: Map<string, string>
}

export interface SplitPlan {
  /** Referenced tables first. */
  order: ProposedTable[]
  /** Rename the original out of the way when a part takes its name, create the parts, fill them. */
  build: string[]
  /** After the check: drop the original, and create the view under its name. */
  finish: string[]
  /** Where the rows are read from once `build` ran. */
  from: string
  /** The join of the parts, with the original's columns in order. */
  joinSql: string
}

/** The statements a split runs, in order; `applyProposal` runs them with a check in between. */
export function splitPlan(p: Proposal, src: SplitSource, d: Dialect, keepView: boolean): SplitPlan {
  const q = (n: string) => d.quoteIdent(n)
  const qt = (n: string) => d.qualify(src.schema, n)
  const order = [...p.tables].sort((a, b) => a.references.length - b.references.length)
  const keepsName = p.tables.some((t) => t.name === src.name)
  const fromName = keepsName ? `${src.name}__before_split` : src.name
  const build: string[] = []
  if (keepsName) build.push(`ALTER TABLE ${qt(src.name)} RENAME TO ${q(fromName)}`)
  for (const t of order) {
    const cols = t.columns.map((c) => `${q(c)} ${src.types.get(c) || 'TEXT'}${t.key.includes(c) ? ' NOT NULL' : ''}`)
    cols.push(`PRIMARY KEY (${t.key.map(q).join(', ')})`)
    for (const r of t.references)
      cols.push(
        `FOREIGN KEY (${r.columns.map(q).join(', ')}) REFERENCES ${qt(r.table)} (${r.columns.map(q).join(', ')})`,
      )
    build.push(`CREATE TABLE ${qt(t.name)} (\n  ${cols.join(',\n  ')}\n)`)
  }
  for (const t of order) {
    const list = t.columns.map(q).join(', ')
    build.push(`INSERT INTO ${qt(t.name)} (${list}) SELECT DISTINCT ${list} FROM ${qt(fromName)}`)
  }
  // The join: each part on the columns it shares with those before it (NULL matching NULL, as DISTINCT did).
  const alias = new Map<string, string>()
  let joined = ''
  order.forEach((t, i) => {
    const a = `t${i}`
    const on = t.columns
      .filter((c) => alias.has(c))
      .map(
        (c) => `(${alias.get(c)}.${q(c)} = ${a}.${q(c)} OR (${alias.get(c)}.${q(c)} IS NULL AND ${a}.${q(c)} IS NULL))`,
      )
    joined += i === 0 ? `${qt(t.name)} ${a}` : ` JOIN ${qt(t.name)} ${a} ON ${on.length ? on.join(' AND ') : '1 = 1'}`
    for (const c of t.columns) if (!alias.has(c)) alias.set(c, a)
  })
  const columns = src.columns.filter((c) => alias.has(c))
  const joinSql = `SELECT ${columns.map((c) => `${alias.get(c)}.${q(c)}`).join(', ')} FROM ${joined}`
  const finish = [`DROP TABLE ${qt(fromName)}`]
  if (keepView) finish.push(`CREATE VIEW ${qt(src.name)} AS ${joinSql}`)
  return { order, build, finish, from: qt(fromName), joinSql }
}

/** The script to review: the split's statements, with the check `--apply` runs in between. */
export function proposalSql(p: Proposal, src: SplitSource, d: Dialect, keepView: boolean, fromFile = false): string[] {
  const plan = splitPlan(p, src, d, keepView)
  if (fromFile)
    return [
      ...plan.build.filter((s) => s.startsWith('CREATE')).map((s) => `${s};`),
      `-- import ${src.name} into a table, then fill these from it`,
    ]
  return [
    'BEGIN;',
    ...plan.build.map((s) => `${s};`),
    '-- Schemist checks here that the join of the new tables gives back exactly the original rows, both ways',
    ...plan.finish.map((s) => `${s};`),
    'COMMIT;',
  ]
}
