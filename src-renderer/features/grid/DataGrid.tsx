import { useMemo, useRef } from 'react'
import type { Table } from '../../../src-shared/schema'
import type { Cell } from '../../../src-shared/values'
import { GridHeader } from './GridHeader'
import { GridRowView, type RowContext } from './GridRowView'
import { useCellEditing } from './use-cell-editing'
import { useGrid } from './grid-store'
import { useGridViewport } from './use-grid-viewport'
import { onGridKey } from './grid-keys'
import { inRange, paste, selectedRange, type CellAt, type RangeContext } from './grid-range'
import { defaultWidth, visibleRows } from './grid-rows'

export { rowAt, totalRows, type GridRow } from './grid-rows'

/**
 * A virtualized grid: only the visible rows are in the DOM; blocks of 100 rows are read from the
 * database as they scroll into view. Pending edits are drawn over the rows, by row key. The
 * keyboard is in grid-keys.ts, range actions (clear, fill, copy, paste) in grid-range.ts.
 */
export function DataGrid({
  tabId,
  table,
  selected,
  anchor,
  onSelect,
  onOpenRef,
  editable,
  colWidths,
  onResize,
  onMessage,
  visible,
  onMoveColumn,
  jump,
}: {
  tabId: string
  /** Columns to show, in display order (hidden ones left out). */
  visible: string[] | null
  table: Table | undefined
  selected: CellAt | null
  /** The other corner of a range selection (shift+click, shift+arrows). */
  anchor: CellAt | null
  onSelect: (s: CellAt, extend: boolean) => void
  onMessage: (kind: 'info' | 'error', text: string) => void
  onOpenRef: (refTable: string, refColumn: string, value: Cell) => void
  editable: boolean
  colWidths: Record<string, number>
  onResize: (col: string, w: number) => void
  /** A header dragged onto another: put `col` just before `before` (or last when null). */
  onMoveColumn?: (col: string, before: string | null) => void
  /** Scroll to this row (0-based among the table's rows) and select it; `seq` repeats a jump. */
  jump?: { row: number; seq: number } | null
}) {
  const g = useGrid((s) => s[tabId])
  const dragging = useRef(false)
  const view = useGridViewport(tabId, g, jump, (row) => onSelect({ row, col: selected?.col ?? 0 }, false))
  const { scroller, scrollTop, height, total, scale, vTop, first, last, ensureVisible } = view
  const cols = useMemo(() => (g ? (visible ?? g.columns).filter((c) => g.columns.includes(c)) : []), [g, visible])

  const colMeta = useMemo(() => new Map((table?.columns ?? []).map((c) => [c.name, c])), [table])
  const fkOf = useMemo(() => {
    const m = new Map<string, { refTable: string; refColumn: string }>()
    for (const fk of table?.foreignKeys ?? [])
      if (fk.columns.length === 1) m.set(fk.columns[0], { refTable: fk.refTable, refColumn: fk.refColumns[0] })
    return m
  }, [table])

  const ed = useCellEditing({ tabId, g, cols, colMeta, editable, total, scroller, onSelect, ensureVisible, onMessage })
  const { editing, startEdit } = ed

  if (!g) return null
  const range: RangeContext = { tabId, g, cols, colMeta, editable, selected, anchor, onMessage }
  const widths = cols.map((c) => colWidths[c] ?? defaultWidth(c, colMeta.get(c)?.type))
  const x: RowContext = {
    g,
    cols,
    widths,
    colMeta,
    fkOf,
    selected,
    inRange: (row, col) => !!selected && !!anchor && inRange(selectedRange(selected, anchor), row, col),
    offset: vTop - scrollTop,
    onCellDown: (at, e) => {
      if (e.button !== 0) return
      onSelect(at, e.shiftKey)
      // Dragging from here selects a range, as in a spreadsheet.
      dragging.current = true
      window.addEventListener('mouseup', () => (dragging.current = false), { once: true })
    },
    onCellEnter: (at) => dragging.current && !editing && onSelect(at, true),
    ...ed,
    onOpenRef,
  }

  return (
    <div
      className="grid-scroller"
      ref={scroller}
      tabIndex={0}
      onScroll={(e) => view.setScrollTop((e.target as HTMLDivElement).scrollTop)}
      onKeyDown={(e) => !editing && onGridKey(e, { ...range, total, height, onSelect, ensureVisible, startEdit })}
      onPaste={(e) => {
        if (editing) return
        e.preventDefault()
        paste(range, e.clipboardData.getData('text'))
      }}
      data-testid="data-grid"
    >
      <input
        ref={ed.fileInput}
        type="file"
        hidden
        data-testid="blob-file-input"
        onChange={(e) => {
          const f = e.target.files?.[0]
          e.target.value = ''
          if (f) void ed.loadBlobFile(f)
        }}
      />
      <GridHeader
        g={g}
        cols={cols}
        widths={widths}
        colMeta={colMeta}
        fkOf={fkOf}
        onMoveColumn={onMoveColumn}
        onResize={onResize}
      />
      <div className="grid-body" style={{ height: scale.body, width: widths.reduce((a, b) => a + b, 64) }}>
        {visibleRows(g, first, last).map((r) => (
          <GridRowView key={r.id} r={r} x={x} />
        ))}
      </div>
    </div>
  )
}
