import { useState } from 'react'
import { parseCellInput } from '../../../src-shared/cell-input'
import { COMPARISONS, type Comparison, type Expr } from '../../../src-shared/expr'
import type { NeutralType } from '../../../src-shared/schema'
import type { Cell } from '../../../src-shared/values'
import { Icon } from '../../ui/icons'

type Op = Comparison | 'is null' | 'is not null' | 'in' | 'not in'
type Join = 'and' | 'or'
interface Cond {
  column: string
  op: Op
  value: string
}
interface Group {
  join: Join
  conds: Cond[]
}

const OPS: Op[] = [...COMPARISONS, 'in', 'not in', 'is null', 'is not null']
const flip = (j: Join): Join => (j === 'and' ? 'or' : 'and')

/** A value typed into the filter, read as the column's type (LIKE patterns stay text). */
function toValue(text: string, type: NeutralType | undefined, op: Op): Cell | Error {
  if (op.includes('like')) return text
  // No declared type (SQLite's CREATE TABLE AS, expressions): a number written the way numbers
  // print is a number; anything else ('007', 'abc') stays text.
  if (!type || type === 'unknown')
    return text.trim() !== '' && String(Number(text.trim())) === text.trim() ? Number(text.trim()) : text
  const p = parseCellInput(text, type)
  return p.ok ? p.value : new Error(p.error)
}

function condExpr(c: Cond, typeOf: (c: string) => NeutralType | undefined): Expr {
  if (c.op === 'is null') return { op: 'null', column: c.column }
  if (c.op === 'is not null') return { op: 'null', column: c.column, negate: true }
  const one = (t: string) => {
    const v = toValue(t, typeOf(c.column), c.op)
    if (v instanceof Error) throw new Error(`${c.column}: ${v.message}`)
    return v
  }
  if (c.op === 'in' || c.op === 'not in')
    return {
      op: 'in',
      column: c.column,
      values: c.value.split(',').map((v) => one(v.trim())),
      negate: c.op === 'not in',
    }
  return { op: 'cmp', column: c.column, cmp: c.op, value: one(c.value) }
}

const joined = (op: Join, args: Expr[]): Expr | null =>
  args.length === 0 ? null : args.length === 1 ? args[0] : { op, args }

/**
 * Conditions in groups: inside a group joined by its AND/OR, groups joined by the other one
 * (`(a AND b) OR (c AND d)`), compiled to parameterized SQL in main; plus a raw WHERE box.
 */
export function FilterBar({
  columns,
  onApply,
  initialWhere,
}: {
  columns: { name: string; type: NeutralType }[]
  onApply: (filter: Expr | null, where: string) => void
  initialWhere: string
}) {
  const [groups, setGroups] = useState<Group[]>([{ join: 'and', conds: [] }])
  const [where, setWhere] = useState(initialWhere)
  const [error, setError] = useState<string | null>(null)
  const typeOf = (c: string) => columns.find((x) => x.name === c)?.type
  const outer = flip(groups[0]?.join ?? 'and')

  const apply = (gs = groups, w = where) => {
    try {
      const parts = gs
        .map((g) =>
          joined(
            g.join,
            g.conds.filter((c) => c.column).map((c) => condExpr(c, typeOf)),
          ),
        )
        .filter((e): e is Expr => e !== null)
      setError(null)
      onApply(joined(flip(gs[0]?.join ?? 'and'), parts), w)
    } catch (e) {
      setError((e as Error).message)
    }
  }
  const update = (gi: number, ci: number, p: Partial<Cond>) =>
    setGroups(
      groups.map((g, k) => (k === gi ? { ...g, conds: g.conds.map((c, j) => (j === ci ? { ...c, ...p } : c)) } : g)),
    )
  const setJoin = (join: Join) => setGroups(groups.map((g) => ({ ...g, join })))
  const blank = (): Cond => ({ column: columns[0]?.name ?? '', op: '=', value: '' })

  let flat = 0
  return (
    <div className="filter-bar" data-testid="filter-bar">
      {groups.map((g, gi) => (
        <div key={gi} className={`filter-group${groups.length > 1 ? ' boxed' : ''}`}>
          {gi > 0 && (
            <button
              className="btn small ghost join outer"
              onClick={() => setJoin(flip(g.join))}
              title="Switch how groups are joined"
            >
              {outer.toUpperCase()}
            </button>
          )}
          {g.conds.map((c, ci) => (
            <ConditionRow
              key={ci}
              c={c}
              i={flat++}
              join={ci > 0 ? g.join : null}
              onJoin={() => setJoin(flip(g.join))}
              columns={columns}
              typeOf={typeOf}
              onChange={(p) => update(gi, ci, p)}
              onEnter={() => apply()}
              onRemove={() => {
                const next = groups
                  .map((x, k) => (k === gi ? { ...x, conds: x.conds.filter((_, j) => j !== ci) } : x))
                  .filter((x, k) => x.conds.length > 0 || k === 0)
                setGroups(next)
                apply(next)
              }}
            />
          ))}
        </div>
      ))}
      <button
        className="btn small ghost"
        onClick={() =>
          setGroups(groups.map((g, k) => (k === groups.length - 1 ? { ...g, conds: [...g.conds, blank()] } : g)))
        }
        data-testid="filter-add"
      >
        <Icon name="plus" size={12} /> Condition
      </button>
      {groups[groups.length - 1].conds.length > 0 && (
        <button
          className="btn small ghost"
          onClick={() => setGroups([...groups, { join: groups[0].join, conds: [blank()] }])}
          data-testid="filter-add-group"
          title={`A new group, joined to the others by ${outer.toUpperCase()}`}
        >
          <Icon name="plus" size={12} /> Group
        </button>
      )}
      <input
        className="mono raw-where"
        placeholder="WHERE …  (raw SQL, ANDed)"
        value={where}
        onChange={(e) => setWhere(e.target.value)}
        onKeyDown={(e) => e.key === 'Enter' && apply()}
        data-testid="raw-where"
      />
      <button className="btn small" onClick={() => apply()} data-testid="filter-apply">
        Apply
      </button>
      {error && (
        <div className="filter-error small" role="alert" data-testid="filter-error">
          {error}
        </div>
      )}
    </div>
  )
}

/** One condition: its column, operator and value (none for IS NULL), after the group's AND/OR. */
function ConditionRow({
  c,
  i,
  join,
  onJoin,
  columns,
  typeOf,
  onChange,
  onEnter,
  onRemove,
}: {
  c: Cond
  /** Its place among all conditions, for test ids. */
  i: number
  /** The group's join, shown before every condition but the first. */
  join: Join | null
  onJoin: () => void
  columns: { name: string; type: NeutralType }[]
  typeOf: (c: string) => NeutralType | undefined
  onChange: (p: Partial<Cond>) => void
  onEnter: () => void
  onRemove: () => void
}) {
  return (
    <div className="filter-cond">
      {join && (
        <button
          className="btn small ghost join"
          onClick={onJoin}
          title="Switch between AND and OR inside groups (groups are joined by the other)"
        >
          {join.toUpperCase()}
        </button>
      )}
      <select value={c.column} onChange={(e) => onChange({ column: e.target.value })} data-testid={`filter-col-${i}`}>
        {columns.map((col) => (
          <option key={col.name}>{col.name}</option>
        ))}
      </select>
      <select value={c.op} onChange={(e) => onChange({ op: e.target.value as Op })} data-testid={`filter-op-${i}`}>
        {OPS.map((o) => (
          <option key={o}>{o}</option>
        ))}
      </select>
      {c.op !== 'is null' && c.op !== 'is not null' && (
        <input
          value={c.value}
          placeholder={
            c.op.endsWith('in') && !c.op.includes('like')
              ? 'a, b, c'
              : c.op.includes('like')
                ? '%pattern%'
                : (typeOf(c.column) ?? 'value')
          }
          onChange={(e) => onChange({ value: e.target.value })}
          onKeyDown={(e) => e.key === 'Enter' && onEnter()}
          data-testid={`filter-value-${i}`}
        />
      )}
      <button className="icon-button" title="Remove condition" onClick={onRemove}>
        <Icon name="close" size={12} />
      </button>
    </div>
  )
}
