import { useState } from 'react'
import { COMPARISONS, type Comparison, type Expr } from '../../../src-shared/expr'
import type { Cell } from '../../../src-shared/values'
import { Icon } from '../../ui/icons'

type Op = Comparison | 'is null' | 'is not null' | 'in'
interface Cond {
  column: string
  op: Op
  value: string
}

const OPS: Op[] = [...COMPARISONS, 'in', 'is null', 'is not null']

function toValue(text: string): Cell {
  return text !== '' && /^-?\d+(\.\d+)?$/.test(text.trim()) ? Number(text) : text
}

function toExpr(c: Cond): Expr {
  if (c.op === 'is null') return { op: 'null', column: c.column }
  if (c.op === 'is not null') return { op: 'null', column: c.column, negate: true }
  if (c.op === 'in') return { op: 'in', column: c.column, values: c.value.split(',').map((v) => toValue(v.trim())) }
  return { op: 'cmp', column: c.column, cmp: c.op, value: toValue(c.value) }
}

/** Conditions joined by AND or OR, compiled to parameterized SQL in main, plus a raw WHERE box. */
export function FilterBar({ columns, onApply, initialWhere }: { columns: string[]; onApply: (filter: Expr | null, where: string) => void; initialWhere: string }) {
  const [conds, setConds] = useState<Cond[]>([])
  const [join, setJoin] = useState<'and' | 'or'>('and')
  const [where, setWhere] = useState(initialWhere)
  const apply = (cs = conds, j = join, w = where) => {
    const valid = cs.filter((c) => c.column)
    onApply(valid.length ? (valid.length === 1 ? toExpr(valid[0]) : { op: j, args: valid.map(toExpr) }) : null, w)
  }
  return (
    <div className="filter-bar" data-testid="filter-bar">
      {conds.map((c, i) => (
        <div key={i} className="filter-cond">
          {i > 0 && (
            <button className="btn small ghost join" onClick={() => setJoin(join === 'and' ? 'or' : 'and')} title="Switch between AND and OR">
              {join.toUpperCase()}
            </button>
          )}
          <select value={c.column} onChange={(e) => setConds(conds.map((x, k) => (k === i ? { ...x, column: e.target.value } : x)))} data-testid={`filter-col-${i}`}>
            {columns.map((col) => (
              <option key={col}>{col}</option>
            ))}
          </select>
          <select value={c.op} onChange={(e) => setConds(conds.map((x, k) => (k === i ? { ...x, op: e.target.value as Op } : x)))} data-testid={`filter-op-${i}`}>
            {OPS.map((o) => (
              <option key={o}>{o}</option>
            ))}
          </select>
          {c.op !== 'is null' && c.op !== 'is not null' && (
            <input
              value={c.value}
              placeholder={c.op === 'in' ? 'a, b, c' : c.op.includes('like') ? '%pattern%' : 'value'}
              onChange={(e) => setConds(conds.map((x, k) => (k === i ? { ...x, value: e.target.value } : x)))}
              onKeyDown={(e) => e.key === 'Enter' && apply()}
              data-testid={`filter-value-${i}`}
            />
          )}
          <button
            className="icon-button"
            title="Remove condition"
            onClick={() => {
              const next = conds.filter((_, k) => k !== i)
              setConds(next)
              apply(next)
            }}
          >
            <Icon name="close" size={12} />
          </button>
        </div>
      ))}
      <button className="btn small ghost" onClick={() => setConds([...conds, { column: columns[0] ?? '', op: '=', value: '' }])} data-testid="filter-add">
        <Icon name="plus" size={12} /> Condition
      </button>
      <input className="mono raw-where" placeholder="WHERE …  (raw SQL, ANDed)" value={where} onChange={(e) => setWhere(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && apply()} data-testid="raw-where" />
      <button className="btn small" onClick={() => apply()} data-testid="filter-apply">
        Apply
      </button>
    </div>
  )
}
