import { useState } from 'react'
import type { Column } from '../../../src-shared/schema'
import { formatCell } from '../../../src-shared/values'
import { Icon } from '../../ui/icons'
import type { GridState } from './grid-store'

/**
 * The grid's header: each column's name, key or link mark, sort order and type; drag a header
 * onto another to move the column, drag its border to resize it, double-click the border to fit.
 */
export function GridHeader({
  g,
  cols,
  widths,
  colMeta,
  fkOf,
  onMoveColumn,
  onResize,
}: {
  g: GridState
  cols: string[]
  widths: number[]
  colMeta: Map<string, Column>
  fkOf: Map<string, unknown>
  onMoveColumn?: (col: string, before: string | null) => void
  onResize: (col: string, w: number) => void
}) {
  const [dragCol, setDragCol] = useState<{ col: string; over: string | null; after: boolean } | null>(null)
  const fitColumn = (c: string, el: HTMLElement) => onResize(c, fittedWidth(g, c, el))
  return (
    <div className="grid-header" style={{ width: widths.reduce((a, b) => a + b, 64) }}>
      <div className="gh-cell rownum">#</div>
      {cols.map((c, k) => {
        const sortIdx = g.sort.findIndex((s) => s.column === c)
        const meta = colMeta.get(c)
        return (
          <div
            key={c}
            className={`gh-cell${dragCol?.col === c ? ' dragging' : ''}${dragCol && dragCol.over === c && dragCol.col !== c ? (dragCol.after ? ' drop-after' : ' drop-before') : ''}`}
            style={{ width: widths[k] }}
            data-testid={`col-${c}`}
            title={`${meta?.nativeType ?? ''}${meta?.serverDefault ? ` DEFAULT ${meta.serverDefault}` : ''}${onMoveColumn ? ' · drag to move the column' : ''}`}
            draggable={!!onMoveColumn}
            onDragStart={(e) => {
              e.dataTransfer.effectAllowed = 'move'
              e.dataTransfer.setData('text/x-schemist-column', c)
              setDragCol({ col: c, over: null, after: false })
            }}
            onDragOver={(e) => {
              if (!dragCol) return
              e.preventDefault()
              const box = (e.currentTarget as HTMLElement).getBoundingClientRect()
              const after = e.clientX > box.left + box.width / 2
              if (dragCol.over !== c || dragCol.after !== after) setDragCol({ ...dragCol, over: c, after })
            }}
            onDrop={(e) => {
              e.preventDefault()
              if (dragCol && dragCol.col !== c) onMoveColumn?.(dragCol.col, dragCol.after ? (cols[k + 1] ?? null) : c)
              setDragCol(null)
            }}
            onDragEnd={() => setDragCol(null)}
          >
            <span className="gh-name" data-sort={sortIdx >= 0 ? (g.sort[sortIdx].desc ? 'desc' : 'asc') : undefined}>
              {meta?.primaryKey ? <Icon name="key" size={10} /> : fkOf.has(c) ? <Icon name="link" size={10} /> : null}{' '}
              {c}
              {sortIdx >= 0 && (
                <span className="sort-mark">
                  {g.sort[sortIdx].desc ? '▼' : '▲'}
                  {g.sort.length > 1 ? sortIdx + 1 : ''}
                </span>
              )}
            </span>
            <span className="gh-type">{meta?.type}</span>
            <span
              className="gh-resize"
              title="Drag to resize; double-click to fit the values"
              data-testid={`resize-${c}`}
              onDoubleClick={(e) => {
                e.stopPropagation()
                fitColumn(c, e.currentTarget.closest<HTMLElement>('.grid-scroller') ?? document.body)
              }}
              onMouseDown={(e) => {
                e.preventDefault()
                e.stopPropagation()
                const x0 = e.clientX
                const w0 = widths[k]
                const onMove = (ev: MouseEvent) => onResize(c, Math.max(50, w0 + ev.clientX - x0))
                const onUp = () => {
                  window.removeEventListener('mousemove', onMove)
                  window.removeEventListener('mouseup', onUp)
                }
                window.addEventListener('mousemove', onMove)
                window.addEventListener('mouseup', onUp)
              }}
            />
          </div>
        )
      })}
    </div>
  )
}

/** As wide as the column's name and the values now loaded (up to 2,000 rows a block), within 50..600 px. */
function fittedWidth(g: GridState, c: string, el: HTMLElement): number {
  const ctx = document.createElement('canvas').getContext('2d')
  if (!ctx) return 150
  ctx.font = getComputedStyle(el).font || '13px monospace'
  let w = ctx.measureText(c).width + 40
  const idx = g.columns.indexOf(c)
  for (const blk of Object.values(g.blocks))
    for (const row of blk.rows.slice(0, 2000)) {
      const v = row[idx]
      if (v !== null && v !== undefined) w = Math.max(w, ctx.measureText(formatCell(v)).width + 24)
    }
  return Math.round(Math.min(600, Math.max(50, w)))
}
