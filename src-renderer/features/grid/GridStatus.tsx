import { useState, type RefObject } from 'react'
import type { GridState } from './grid-store'

/** Under the grid: the row count (exact or estimated), new rows, rows shown, Go to row, and the last SQL. */
export function GridStatus({
  g,
  total,
  jump,
  setJump,
  jumpInput,
}: {
  g: GridState
  total: number
  jump: { row: number; seq: number } | null
  setJump: (j: { row: number; seq: number }) => void
  jumpInput: RefObject<HTMLInputElement | null>
}) {
  const [jumpText, setJumpText] = useState('')
  return (
    <div className="grid-status muted small" data-testid="grid-status">
      <span data-testid="row-count">
        {g.count
          ? `${g.count.exact ? '' : '~'}${g.count.count.toLocaleString('en-US')} rows${g.count.exact ? '' : ' (estimated)'}`
          : g.loadError
            ? 'not counted: the view could not be read'
            : 'counting…'}
      </span>
      {g.inserts.length > 0 && <span> · {g.inserts.length} new</span>}
      <span> · {total.toLocaleString('en-US')} shown</span>
      <input
        ref={jumpInput}
        className="goto-row"
        placeholder="Go to row… (Ctrl+G)"
        value={jumpText}
        onChange={(e) => setJumpText(e.target.value.replace(/[^\d]/g, ''))}
        onKeyDown={(e) => {
          if (e.key !== 'Enter' || !jumpText) return
          setJump({ row: Number(jumpText) - 1, seq: (jump?.seq ?? 0) + 1 })
        }}
        data-testid="goto-row"
      />
      <span className="spacer" />
      <span className="mono last-sql" title={g.lastSql}>
        {g.lastSql.slice(0, 140)}
      </span>
    </div>
  )
}
