import type { ExplainResult, PlanNode } from '../../../src-shared/plan'
import type { Driver } from '../driver'

type PgPlan = Record<string, unknown> & { Plans?: PgPlan[] }

const DETAIL_KEYS = [
  'Index Cond',
  'Recheck Cond',
  'Filter',
  'Hash Cond',
  'Merge Cond',
  'Join Filter',
  'Sort Key',
  'Group Key',
  'Rows Removed by Filter',
  'Sort Method',
  'Heap Fetches',
]

function toNode(p: PgPlan): PlanNode {
  // ModifyTable nodes name their operation (Insert, Update, Delete, Merge) separately.
  let label = p['Node Type'] === 'ModifyTable' && p.Operation ? String(p.Operation) : String(p['Node Type'])
  if ((p['Join Type'] && label.includes('Join')) || label === 'Nested Loop')
    label = `${p['Join Type'] ?? ''} ${label}`.trim()
  if (p['Relation Name'])
    label += ` on ${p['Relation Name']}${p.Alias && p.Alias !== p['Relation Name'] ? ` ${p.Alias}` : ''}`
  if (p['Index Name']) label += ` using ${p['Index Name']}`
  const details = DETAIL_KEYS.filter((k) => p[k] !== undefined).map(
    (k) => `${k}: ${Array.isArray(p[k]) ? (p[k] as unknown[]).join(', ') : String(p[k])}`,
  )
  return {
    label,
    details,
    estimatedRows: typeof p['Plan Rows'] === 'number' ? (p['Plan Rows'] as number) : null,
    actualRows: typeof p['Actual Rows'] === 'number' ? (p['Actual Rows'] as number) : null,
    loops: typeof p['Actual Loops'] === 'number' ? (p['Actual Loops'] as number) : null,
    timeMs: typeof p['Actual Total Time'] === 'number' ? (p['Actual Total Time'] as number) : null,
    children: (p.Plans ?? []).map(toNode),
  }
}

/**
 * EXPLAIN (FORMAT JSON) as a tree. With ANALYZE the statement really runs, so it runs on a
 * connection of its own inside a transaction that is rolled back: an UPDATE explained with
 * ANALYZE changes nothing, and the user's own transaction is not touched.
 */
export async function explainPostgres(
  driver: Driver,
  sql: string,
  analyze: boolean,
  connect: () => Promise<Driver>,
): Promise<ExplainResult> {
  const run = async (d: Driver) => {
    const r = await d.query(`EXPLAIN (${analyze ? 'ANALYZE, BUFFERS, ' : ''}FORMAT JSON) ${sql}`)
    const cell = r.rows[0]?.[0]
    return (typeof cell === 'string' ? JSON.parse(cell) : cell) as {
      Plan: PgPlan
      'Planning Time'?: number
      'Execution Time'?: number
    }[]
  }
  let out: { Plan: PgPlan; 'Planning Time'?: number; 'Execution Time'?: number }[]
  if (analyze) {
    const own = await connect()
    try {
      await own.query('BEGIN')
      out = await run(own)
    } finally {
      await own.query('ROLLBACK').catch(() => {})
      await own.close()
    }
  } else out = await run(driver)
  const top = out[0]
  return {
    root: toNode(top.Plan),
    analyzed: analyze,
    planningMs: top['Planning Time'] ?? null,
    executionMs: top['Execution Time'] ?? null,
    note: analyze ? 'Ran with ANALYZE in a transaction that was rolled back' : null,
  }
}
