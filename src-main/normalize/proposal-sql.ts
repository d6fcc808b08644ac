import { plainTable, type SchemaOp } from '../../src-shared/model/schema-ops'
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
  /**
   * Undoing `build` by hand where DDL commits at once (MariaDB): the new tables dropped, the
   * original renamed back if it was renamed (`renamed`: whether build's first statement is that rename).
   */
  undo: { drops: string[]; renameBack: string[] }
  renamed: boolean
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
  // Columns in a key or a foreign key: the engine must be able to index them.
  const keyed = new Set(p.tables.flatMap((t) => [...t.key, ...t.references.flatMap((r) => r.columns)]))
  const fromName = keepsName ? `${src.name}__before_split` : src.name
  const build: SchemaOp[] = []
  if (keepsName) build.push({ op: 'renameTable', table: { schema: src.schema, name: src.name }, name: fromName })
  for (const t of order)
    build.push({
      op: 'createTable',
      table: plainTable(
        { schema: src.schema, name: t.name },
        t.columns.map((c) => ({
          name: c,
          type: 'unknown',
          nativeType: keyed.has(c) ? d.keyType(src.types.get(c) || 'TEXT') : src.types.get(c) || 'TEXT',
          nullable: !t.key.includes(c),
          primaryKey: t.key.indexOf(c) + 1,
        })),
        t.references.map((r) => ({
          name: null,
          columns: r.columns,
          refSchema: src.schema,
          refTable: r.table,
          refColumns: r.columns,
          onDelete: 'NO ACTION',
          onUpdate: 'NO ACTION',
        })),
      ),
    })
  for (const t of order)
    build.push({
      op: 'copyRows',
      into: { schema: src.schema, name: t.name },
      from: { schema: src.schema, name: fromName },
      columns: t.columns.map((c) => [c, c]),
      distinct: true,
      notNull: [],
    })
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
  const finish: SchemaOp[] = [{ op: 'dropTable', table: { schema: src.schema, name: fromName } }]
  if (keepView) finish.push({ op: 'createView', view: { schema: src.schema, name: src.name }, definition: joinSql })
  const undo = {
    drops: d.ddl.statements(
      [...order]
        .reverse()
        .map((t): SchemaOp => ({ op: 'dropTable', table: { schema: src.schema, name: t.name }, ifExists: true })),
    ),
    renameBack: keepsName
      ? d.ddl.statements([{ op: 'renameTable', table: { schema: src.schema, name: fromName }, name: src.name }])
      : [],
  }
  return {
    order,
    build: d.ddl.statements(build),
    finish: d.ddl.statements(finish),
    undo,
    renamed: keepsName,
    from: qt(fromName),
    joinSql,
  }
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
