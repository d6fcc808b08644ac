import type { ExplainResult, PlanNode } from '../../../src-shared/plan'
import type { Driver } from '../driver'

type Json = Record<string, unknown>

const num = (v: unknown): number | null => (typeof v === 'number' ? v : v == null ? null : Number(v) || null)

/**
 * One part of MariaDB's JSON plan as a node: a query block, a table access (with its access
 * type, key and row estimate; ANALYZE's measured rows and time), or an operation wrapping others
 * (nested loop, filesort, temporary table, subqueries).
 */
function nodeOf(key: string, v: Json): PlanNode {
  const t = v.table as Json | undefined
  const src = t ?? v
  const details: string[] = []
  for (const k of ['key', 'used_key_parts', 'attached_condition', 'filtered', 'r_filtered'])
    if (src[k] != null)
      details.push(`${k}: ${Array.isArray(src[k]) ? (src[k] as unknown[]).join(', ') : String(src[k])}`)
  const label = t
    ? `${String(t.table_name)} · ${String(t.access_type ?? 'scan')}`
    : key === 'query_block'
      ? `query block #${String(v.select_id ?? 1)}`
      : key.replaceAll('_', ' ')
  const children: PlanNode[] = []
  for (const [k, c] of Object.entries(v)) {
    if (k === 'table' || !c || typeof c !== 'object') continue
    const items = Array.isArray(c) ? (c as unknown[]) : [c]
    for (const x of items) if (x && typeof x === 'object') children.push(...expand(k, x as Json))
  }
  return {
    label,
    details,
    estimatedRows: num(src.rows),
    actualRows: num(src.r_rows),
    loops: num(src.r_loops),
    timeMs: num(src.r_total_time_ms),
    children,
  }
}

/** A nested_loop's entries are tables in join order; other objects are nodes of their own. */
function expand(key: string, v: Json): PlanNode[] {
  if ('table' in v || 'query_block' === key || Object.values(v).some((x) => x && typeof x === 'object'))
    return [nodeOf(key, v)]
  return []
}

/** EXPLAIN FORMAT=JSON (or ANALYZE FORMAT=JSON, which runs the statement: in a transaction that is rolled back). */
export async function explainMariadb(
  driver: Driver,
  sql: string,
  analyze: boolean,
  connect: () => Promise<Driver>,
): Promise<ExplainResult> {
  let text: string
  if (analyze) {
    const d = await connect()
    try {
      await d.query('START TRANSACTION')
      text = String((await d.query(`ANALYZE FORMAT=JSON ${sql}`)).rows[0][0])
      await d.query('ROLLBACK')
    } finally {
      await d.close()
    }
  } else text = String((await driver.query(`EXPLAIN FORMAT=JSON ${sql}`)).rows[0][0])
  const plan = JSON.parse(text) as Json
  const root = nodeOf('query_block', (plan.query_block ?? plan) as Json)
  return {
    root,
    analyzed: analyze,
    planningMs: null,
    executionMs: analyze ? num((plan.query_block as Json | undefined)?.r_total_time_ms) : null,
    note: analyze
      ? 'ANALYZE ran the statement in a transaction that was rolled back (DDL inside it would have committed)'
      : null,
  }
}
