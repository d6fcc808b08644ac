import type { ExplainResult, PlanNode } from '../../../src-shared/plan'

function Node({ n, total }: { n: PlanNode; total: number | null }) {
  const share = total && n.timeMs !== null ? Math.min(1, (n.timeMs * (n.loops ?? 1)) / total) : 0
  return (
    <li>
      <div className="plan-node">
        <span className="plan-label">{n.label}</span>
        {n.estimatedRows !== null && (
          <span className="muted small"> est. {n.estimatedRows.toLocaleString('en-US')} rows</span>
        )}
        {n.actualRows !== null && (
          <span className="small">
            {' '}
            · actual {n.actualRows.toLocaleString('en-US')} rows{n.loops && n.loops > 1 ? ` × ${n.loops} loops` : ''}
          </span>
        )}
        {n.timeMs !== null && <span className="small plan-time"> · {n.timeMs.toFixed(3)} ms</span>}
        {share > 0 && <span className="plan-bar" style={{ width: `${Math.max(2, share * 120)}px` }} />}
      </div>
      {n.details.length > 0 && (
        <div className="plan-details mono small muted">
          {n.details.map((d) => (
            <div key={d}>{d}</div>
          ))}
        </div>
      )}
      {n.children.length > 0 && (
        <ul>
          {n.children.map((c, i) => (
            <Node key={i} n={c} total={total} />
          ))}
        </ul>
      )}
    </li>
  )
}

/** EXPLAIN as a readable tree: each node with estimated and actual rows and its share of time. */
export function PlanTree({ plan }: { plan: ExplainResult }) {
  return (
    <div className="plan-tree" data-testid="plan-tree">
      <div className="muted small">
        {plan.analyzed ? 'EXPLAIN ANALYZE' : 'EXPLAIN'}
        {plan.planningMs !== null && ` · planning ${plan.planningMs.toFixed(3)} ms`}
        {plan.executionMs !== null && ` · execution ${plan.executionMs.toFixed(3)} ms`}
        {plan.note && ` · ${plan.note}`}
      </div>
      <ul>
        <Node n={plan.root} total={plan.executionMs} />
      </ul>
    </div>
  )
}
