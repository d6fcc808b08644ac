import type { ExplainResult, PlanNode } from '../../../src-shared/plan'
import type { Driver } from '../driver'

/** SQLite's EXPLAIN QUERY PLAN rows (id, parent, detail) as a tree. SQLite has no timed plans. */
export async function explainSqlite(driver: Driver, sql: string, analyze: boolean): Promise<ExplainResult> {
  const r = await driver.query(`EXPLAIN QUERY PLAN ${sql}`)
  const nodes = new Map<number, PlanNode>()
  const root: PlanNode = {
    label: 'QUERY PLAN',
    details: [],
    estimatedRows: null,
    actualRows: null,
    loops: null,
    timeMs: null,
    children: [],
  }
  nodes.set(0, root)
  for (const [id, parent, , detail] of r.rows) {
    const node: PlanNode = {
      label: String(detail),
      details: [],
      estimatedRows: null,
      actualRows: null,
      loops: null,
      timeMs: null,
      children: [],
    }
    nodes.set(Number(id), node)
    ;(nodes.get(Number(parent)) ?? root).children.push(node)
  }
  return {
    root,
    analyzed: false,
    planningMs: null,
    executionMs: null,
    note: analyze ? 'SQLite does not time plans: this is EXPLAIN QUERY PLAN without ANALYZE' : null,
  }
}
