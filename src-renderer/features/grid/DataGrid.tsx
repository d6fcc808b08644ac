import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { cellEditText, parseCellInput } from '../../../src-shared/cell-input'
import type { Table } from '../../../src-shared/schema'
import { formatCell, type Cell } from '../../../src-shared/values'
import { Icon } from '../../ui/icons'
import {
  addRow,
  batchEdits,
  BLOCK,
  loadBlock,
  redoEdit,
  setCell,
  setDefault,
  undoEdit,
  useGrid,
  type GridState,
  type Pending,
} from './grid-store'
import { parseCsv, toTsv } from '../../../src-shared/csv'
import { CellEditor, saveBlob } from './CellEditor'

const ROW_H = 28
/**
 * The tallest scroll area the grid makes. Chromium cannot lay out an element much taller than
 * 2^25 px (33.5 M: 1.2 M rows of 28 px), so past this the scrollbar moves through the rows in
 * proportion: a pixel of scrolling is more than a pixel of rows, and rows are placed relative to
 * the window's virtual top.
 */
const MAX_SCROLL_PX = 8_000_000

/** Maps between the scroller's real scrollTop and the virtual top of a (possibly taller) list. */
function scrollScale(total: number, viewport: number) {
  const full = total * ROW_H
  if (full <= MAX_SCROLL_PX) return { body: full, toVirtual: (s: number) => s, toScroll: (v: number) => v }
  const k = (full - viewport) / Math.max(1, MAX_SCROLL_PX - viewport)
  return { body: MAX_SCROLL_PX, toVirtual: (s: number) => s * k, toScroll: (v: number) => v / k }
}
const MAX_BLOB_FILE = 16 * 1048576
const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

export interface GridRow {
  index: number
  id: string
  key: Cell[] | null
  values: Record<string, Cell>
  pending: Pending | undefined
}

export function rowAt(g: GridState, i: number): GridRow | null {
  if (i < g.inserts.length) {
    const id = g.inserts[i]
    const e = g.edits[id]
    return { index: i, id, key: null, values: e?.kind === 'insert' ? e.values : {}, pending: e }
  }
  const n = i - g.inserts.length
  const b = g.blocks[Math.floor(n / BLOCK)]
  const r = b?.rows[n % BLOCK]
  if (!b || !r) return null
  const key = b.keys[n % BLOCK]
  const id = `k:${JSON.stringify(key)}`
  const values: Record<string, Cell> = {}
  g.columns.forEach((c, k) => (values[c] = r[k]))
  return { index: i, id, key, values, pending: g.edits[id] }
}

export function totalRows(g: GridState): number {
  const loaded = Object.entries(g.blocks).reduce((m, [b, blk]) => Math.max(m, Number(b) * BLOCK + blk.rows.length), 0)
  return g.inserts.length + Math.max(g.count?.count ?? 0, loaded)
}

/**
 * A virtualized grid: only the visible rows are in the DOM; blocks of 100 rows are read from the
 * database as they scroll into view. Pending edits are drawn over the rows, by row key.
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
  selected: { row: number; col: number } | null
  /** The other corner of a range selection (shift+click, shift+arrows). */
  anchor: { row: number; col: number } | null
  onSelect: (s: { row: number; col: number }, extend: boolean) => void
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
  const [dragCol, setDragCol] = useState<{ col: string; over: string | null; after: boolean } | null>(null)
  const g = useGrid((s) => s[tabId])
  const scroller = useRef<HTMLDivElement>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const [scrollTop, setScrollTop] = useState(0)
  const [height, setHeight] = useState(600)
  const [editing, setEditing] = useState<{ row: number; col: number; text: string; error: string | null } | null>(null)

  useLayoutEffect(() => {
    const el = scroller.current
    if (!el) return
    const ro = new ResizeObserver(() => setHeight(el.clientHeight))
    ro.observe(el)
    setHeight(el.clientHeight)
    return () => ro.disconnect()
  }, [])

  const total = g ? totalRows(g) : 0
  const cols = useMemo(() => (g ? (visible ?? g.columns).filter((c) => g.columns.includes(c)) : []), [g, visible])
  const scale = scrollScale(total, height)
  const vTop = scale.toVirtual(scrollTop)
  const first = Math.max(0, Math.floor(vTop / ROW_H) - 5)
  const last = Math.min(total - 1, Math.ceil((vTop + height) / ROW_H) + 5)

  // Fetch the blocks the visible rows live in.
  useEffect(() => {
    if (!g) return
    const t = setTimeout(() => {
      const from = Math.max(0, first - g.inserts.length)
      const to = Math.max(0, last - g.inserts.length)
      for (let b = Math.floor(from / BLOCK); b <= Math.floor(to / BLOCK); b++)
        if (!g.blocks[b]) void loadBlock(tabId, b)
    }, 60)
    return () => clearTimeout(t)
  }, [tabId, first, last, g?.generation, g?.blocks, g])

  // Go to row N: the blocks around it are read by position (data.locate), not by scrolling there.
  useEffect(() => {
    const el = scroller.current
    if (!jump || !el || !g) return
    const row = Math.max(0, Math.min(totalRows(g) - 1, g.inserts.length + jump.row))
    el.scrollTop = scrollScale(totalRows(g), el.clientHeight).toScroll(Math.max(0, row * ROW_H - el.clientHeight / 3))
    onSelect({ row, col: selected?.col ?? 0 }, false)
    el.focus()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per Go-to-row request (its seq), not on every selection change
  }, [jump?.seq])

  const colMeta = useMemo(() => new Map((table?.columns ?? []).map((c) => [c.name, c])), [table])
  const fkOf = useMemo(() => {
    const m = new Map<string, { refTable: string; refColumn: string }>()
    for (const fk of table?.foreignKeys ?? [])
      if (fk.columns.length === 1) m.set(fk.columns[0], { refTable: fk.refTable, refColumn: fk.refColumns[0] })
    return m
  }, [table])

  const startEdit = useCallback(
    (row: number, col: number, initial?: string) => {
      if (!g || !editable) return
      const r = rowAt(g, row)
      if (!r || r.pending?.kind === 'delete') return
      const c = cols[col]
      const v = r.pending?.kind === 'update' && c in r.pending.values ? r.pending.values[c] : r.values[c]
      setEditing({ row, col, text: initial ?? (v === undefined ? '' : cellEditText(v)), error: null })
    },
    [g, editable, cols],
  )

  /** Close the editor without the blur that focusing the grid causes committing anything twice. */
  const closeEditor = () => {
    closingWithoutCommit.current = true
    setEditing(null)
    scroller.current?.focus()
    closingWithoutCommit.current = false
  }

  /** Commit the cell being edited, then (as in a spreadsheet) move: Enter down, Tab right, Shift+Tab left. */
  const commitEdit = (move: 'down' | 'right' | 'left' | null = null) => {
    if (!editing || !g) return
    const r = rowAt(g, editing.row)
    const c = cols[editing.col]
    const meta = colMeta.get(c)
    const parsed = parseCellInput(editing.text, meta?.type ?? 'text')
    if (!parsed.ok) {
      setEditing({ ...editing, error: parsed.error })
      return
    }
    if (r) setCell(tabId, r, c, parsed.value)
    closeEditor()
    if (move) {
      const row = Math.max(0, Math.min(total - 1, editing.row + (move === 'down' ? 1 : 0)))
      const col = Math.max(
        0,
        Math.min(cols.length - 1, editing.col + (move === 'right' ? 1 : move === 'left' ? -1 : 0)),
      )
      onSelect({ row, col }, false)
      ensureVisible(row)
    }
  }

  /** The selected range, or the selected cell. */
  const range = () => {
    const s = selected!
    const a = anchor ?? s
    return {
      r0: Math.min(a.row, s.row),
      r1: Math.max(a.row, s.row),
      c0: Math.min(a.col, s.col),
      c1: Math.max(a.col, s.col),
    }
  }

  /** Delete: NULL in every selected cell that may be NULL (an empty text where it may not). */
  const clearRange = () => {
    if (!g || !selected || !editable) return
    const { r0, r1, c0, c1 } = range()
    const refused: string[] = []
    batchEdits(tabId, () => {
      for (let i = r0; i <= r1; i++) {
        const r = rowAt(g, i)
        if (!r || r.id.startsWith('loading') || r.pending?.kind === 'delete') continue
        for (let k = c0; k <= c1; k++) {
          const c = cols[k]
          const meta = colMeta.get(c)
          if (!meta || meta.nullable) setCell(tabId, r, c, null)
          else if (meta.type === 'text' || meta.type === 'varchar') setCell(tabId, r, c, '')
          else if (!refused.includes(c)) refused.push(c)
        }
      }
    })
    if (refused.length)
      onMessage('error', `${refused.join(', ')} cannot be NULL: left as ${refused.length > 1 ? 'they were' : 'it was'}`)
  }

  /** Ctrl+D: each column of the range takes its top value down the range (one row: the row above's). */
  const fillDown = () => {
    if (!g || !selected || !editable) return
    const { r0, r1, c0, c1 } = range()
    const from = r0 === r1 ? r0 - 1 : r0
    const src = rowAt(g, from)
    if (!src || from < 0) return
    const valueOf = (r: GridRow, c: string) =>
      r.pending?.kind === 'update' && c in r.pending.values
        ? r.pending.values[c]
        : r.pending?.kind === 'insert'
          ? r.pending.values[c]
          : r.values[c]
    batchEdits(tabId, () => {
      for (let i = from + 1; i <= r1; i++) {
        const r = rowAt(g, i)
        if (!r || r.id.startsWith('loading') || r.pending?.kind === 'delete') continue
        for (let k = c0; k <= c1; k++) {
          const v = valueOf(src, cols[k])
          if (v !== undefined) setCell(tabId, r, cols[k], v)
        }
      }
    })
  }

  /** Double-click on a column's border: as wide as its name and the values now loaded. */
  const fitColumn = (c: string) => {
    if (!g) return
    const ctx = document.createElement('canvas').getContext('2d')
    if (!ctx) return
    ctx.font = getComputedStyle(scroller.current ?? document.body).font || '13px monospace'
    let w = ctx.measureText(c).width + 40
    for (const blk of Object.values(g.blocks)) {
      const idx = g.columns.indexOf(c)
      for (const row of blk.rows.slice(0, 2000)) {
        const v = row[idx]
        if (v !== null && v !== undefined) w = Math.max(w, ctx.measureText(formatCell(v)).width + 24)
      }
    }
    onResize(c, Math.round(Math.min(600, Math.max(50, w))))
  }

  const ensureVisible = (row: number) => {
    const el = scroller.current
    if (!el) return
    const sc = scrollScale(total, el.clientHeight)
    const top = row * ROW_H
    const v = sc.toVirtual(el.scrollTop)
    if (top < v) el.scrollTop = sc.toScroll(top)
    else if (top + ROW_H * 2 > v + el.clientHeight) el.scrollTop = sc.toScroll(top + ROW_H * 2 - el.clientHeight)
  }

  const onKey = (e: React.KeyboardEvent) => {
    if (!g || editing) return
    const s = selected ?? { row: 0, col: 0 }
    const mod = e.ctrlKey || e.metaKey
    const key = e.key.toLowerCase()
    if (mod && !e.altKey && ((key === 'z' && e.shiftKey) || key === 'y')) {
      e.preventDefault()
      if (!redoEdit(tabId)) onMessage('info', 'Nothing to redo')
      return
    }
    if (mod && !e.altKey && key === 'z') {
      e.preventDefault()
      if (!undoEdit(tabId)) onMessage('info', 'Nothing to undo')
      return
    }
    if (mod && !e.altKey && key === 'd' && selected) {
      e.preventDefault()
      fillDown()
      return
    }
    if (e.key === 'Delete' && selected) {
      e.preventDefault()
      clearRange()
      return
    }
    const move = (row: number, col: number) => {
      const r = Math.max(0, Math.min(total - 1, row))
      onSelect({ row: r, col: Math.max(0, Math.min(cols.length - 1, col)) }, e.shiftKey && e.key !== 'Tab')
      ensureVisible(r)
      e.preventDefault()
    }
    if (e.key === 'ArrowDown') move(s.row + 1, s.col)
    else if (e.key === 'ArrowUp') move(s.row - 1, s.col)
    else if (e.key === 'ArrowLeft') move(s.row, s.col - 1)
    else if (e.key === 'ArrowRight' || e.key === 'Tab') move(s.row, s.col + (e.shiftKey ? -1 : 1))
    else if (e.key === 'PageDown') move(s.row + Math.floor(height / ROW_H), s.col)
    else if (e.key === 'PageUp') move(s.row - Math.floor(height / ROW_H), s.col)
    else if (e.key === 'Home' && e.ctrlKey) move(0, s.col)
    else if (e.key === 'End' && e.ctrlKey) move(total - 1, s.col)
    else if (e.key === 'Home') move(s.row, 0)
    else if (e.key === 'End') move(s.row, cols.length - 1)
    else if (e.ctrlKey && e.altKey && (e.code === 'KeyN' || e.code === 'KeyD') && selected && editable) {
      // Ctrl+Alt+N: NULL; Ctrl+Alt+D: the column's DEFAULT.
      e.preventDefault()
      const r = rowAt(g, s.row)
      const c = cols[s.col]
      if (!r || !c || r.id.startsWith('loading')) return
      if (e.code === 'KeyN') setCell(tabId, r, c, null)
      else setDefault(tabId, r, c)
    } else if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'c' && selected) {
      e.preventDefault()
      void copySelection()
    } else if ((e.key === 'Enter' || e.key === 'F2') && selected) {
      startEdit(s.row, s.col)
      e.preventDefault()
    } else if (selected && e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey) {
      // Typing replaces the value with exactly what was typed: the key itself must not also
      // reach the editor it opens (it did, and "Moscow" became "MoscowM").
      e.preventDefault()
      startEdit(s.row, s.col, e.key)
    }
  }

  /** The selected rectangle as TSV (with a header row when whole rows are selected). */
  async function copySelection() {
    if (!g || !selected) return
    const a = anchor ?? selected
    const [r0, r1] = [Math.min(a.row, selected.row), Math.max(a.row, selected.row)]
    const [c0, c1] = [Math.min(a.col, selected.col), Math.max(a.col, selected.col)]
    const lines: string[][] = []
    for (let i = r0; i <= r1; i++) {
      const r = rowAt(g, i)
      if (!r) continue
      const line: string[] = []
      for (let k = c0; k <= c1; k++) {
        const c = cols[k]
        const v = r.pending?.kind === 'update' && c in r.pending.values ? r.pending.values[c] : r.values[c]
        line.push(v === undefined || v === null ? '' : cellEditText(v))
      }
      lines.push(line)
    }
    const text = toTsv(lines)
    try {
      await navigator.clipboard.writeText(text)
      onMessage('info', `Copied ${lines.length} row(s) × ${c1 - c0 + 1} column(s)`)
    } catch {
      onMessage('error', 'The browser refused clipboard access')
    }
  }

  /** TSV pasted at the selection: changes to existing rows, new rows past the end. */
  function paste(text: string) {
    if (!g || !selected || !editable) return
    const lines = parseCsv(text.replace(/\r?\n$/, ''), '\t')
    const parsed: { row: number; col: string; value: Cell }[] = []
    for (let i = 0; i < lines.length; i++) {
      for (let j = 0; j < lines[i].length; j++) {
        const col = cols[selected.col + j]
        if (!col) continue
        const t = lines[i][j]
        if (t === '' && colMeta.get(col)?.nullable) {
          parsed.push({ row: selected.row + i, col, value: null })
          continue
        }
        const p = parseCellInput(t, colMeta.get(col)?.type ?? 'text')
        if (!p.ok) {
          onMessage('error', `Nothing pasted: line ${i + 1}, ${col}: ${p.error}`)
          return
        }
        parsed.push({ row: selected.row + i, col, value: p.value })
      }
    }
    const newRows = new Map<number, Record<string, Cell>>()
    // One paste is one action: a single undo takes all of it back.
    batchEdits(tabId, () => {
      for (const p of parsed) {
        const r = rowAt(g, p.row)
        if (r) setCell(tabId, r, p.col, p.value)
        else newRows.set(p.row, { ...(newRows.get(p.row) ?? {}), [p.col]: p.value })
      }
      for (const values of newRows.values()) addRow(tabId, values)
    })
    onMessage(
      'info',
      `Pasted ${lines.length} line(s) as pending edits${newRows.size ? `, ${newRows.size} as new rows` : ''}`,
    )
  }

  /** A file's bytes become the edited BLOB cell (pending, like any edit). */
  // The file chooser takes focus, which ends the edit: the target cell is remembered here.
  const blobTarget = useRef<{ row: number; col: string } | null>(null)
  const closingWithoutCommit = useRef(false)
  const dragging = useRef(false)
  async function loadBlobFile(file: File) {
    const target = blobTarget.current
    blobTarget.current = null
    const cur = useGrid.getState()[tabId]
    if (!target || !cur) return
    if (file.size > MAX_BLOB_FILE) {
      onMessage(
        'error',
        `${file.name} is ${(file.size / 1048576).toFixed(1)} MB; files up to ${MAX_BLOB_FILE / 1048576} MB can be loaded into a cell`,
      )
      return
    }
    const bytes = new Uint8Array(await file.arrayBuffer())
    let hex = ''
    for (let i = 0; i < bytes.length; i++) hex += HEX[bytes[i]]
    const r = rowAt(cur, target.row)
    if (!r) return
    setCell(tabId, r, target.col, { $blob: hex })
    // An editor still open holds the old text: moving focus away (which blurs it, synchronously)
    // must not commit that over the file.
    closingWithoutCommit.current = true
    setEditing(null)
    scroller.current?.focus()
    closingWithoutCommit.current = false
    onMessage('info', `${file.name}: ${bytes.length.toLocaleString('en-US')} bytes loaded into ${target.col} (pending)`)
  }

  if (!g) return null
  const inRange = (row: number, col: number) => {
    if (!selected || !anchor) return false
    return (
      row >= Math.min(anchor.row, selected.row) &&
      row <= Math.max(anchor.row, selected.row) &&
      col >= Math.min(anchor.col, selected.col) &&
      col <= Math.max(anchor.col, selected.col)
    )
  }
  const widths = cols.map(
    (c) =>
      colWidths[c] ??
      Math.min(280, Math.max(/text|varchar|json/.test(colMeta.get(c)?.type ?? '') ? 150 : 90, c.length * 9 + 40)),
  )
  const rows: GridRow[] = []
  for (let i = first; i <= last; i++)
    rows.push(rowAt(g, i) ?? { index: i, id: `loading:${i}`, key: null, values: {}, pending: undefined })

  return (
    <div
      className="grid-scroller"
      ref={scroller}
      tabIndex={0}
      onScroll={(e) => setScrollTop((e.target as HTMLDivElement).scrollTop)}
      onKeyDown={onKey}
      onPaste={(e) => {
        if (editing) return
        e.preventDefault()
        paste(e.clipboardData.getData('text'))
      }}
      data-testid="data-grid"
    >
      <input
        ref={fileInput}
        type="file"
        hidden
        data-testid="blob-file-input"
        onChange={(e) => {
          const f = e.target.files?.[0]
          e.target.value = ''
          if (f) void loadBlobFile(f)
        }}
      />
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
                  fitColumn(c)
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
      <div className="grid-body" style={{ height: scale.body, width: widths.reduce((a, b) => a + b, 64) }}>
        {rows.map((r) => {
          const p = r.pending
          const failed = g.failed?.id === r.id
          return (
            <div
              key={r.id}
              className={`grid-row${p ? ` pending-${p.kind}` : ''}${failed ? ' failed' : ''}${editing?.row === r.index ? ' editing' : ''}`}
              style={{ top: r.index * ROW_H - (vTop - scrollTop) }}
              data-testid={r.key ? `row-${JSON.stringify(r.key)}` : r.id.startsWith('new:') ? `row-${r.id}` : undefined}
              title={failed ? g.failed!.message : undefined}
            >
              <div className="g-cell rownum">
                {r.id.startsWith('new:') ? '+' : r.id.startsWith('loading') ? '' : r.index - g.inserts.length + 1}
              </div>
              {cols.map((c, k) => {
                const toDefault = p?.kind === 'update' && (p.defaults?.includes(c) ?? false)
                const changed = (p?.kind === 'update' && c in p.values) || toDefault
                const v = toDefault
                  ? undefined
                  : changed
                    ? (p as { values: Record<string, Cell> }).values[c]
                    : r.values[c]
                const isSel = selected?.row === r.index && selected.col === k
                const meta = colMeta.get(c)
                const fk = fkOf.get(c)
                const isEditing = editing?.row === r.index && editing.col === k
                return (
                  <div
                    key={c}
                    className={`g-cell${isEditing ? ' editing' : ''}${isSel ? ' selected' : ''}${inRange(r.index, k) ? ' in-range' : ''}${changed ? ' changed' : ''}${v === null ? ' null' : ''}${typeof v === 'number' ? ' num' : ''}`}
                    style={{ width: widths[k] }}
                    onMouseDown={(e) => {
                      if (e.button !== 0) return
                      onSelect({ row: r.index, col: k }, e.shiftKey)
                      // Dragging from here selects a range, as in a spreadsheet.
                      dragging.current = true
                      window.addEventListener('mouseup', () => (dragging.current = false), { once: true })
                    }}
                    onMouseEnter={() => dragging.current && !editing && onSelect({ row: r.index, col: k }, true)}
                    onDoubleClick={() => startEdit(r.index, k)}
                    data-testid={isSel ? 'selected-cell' : undefined}
                  >
                    {isEditing ? (
                      <CellEditor
                        editing={editing}
                        type={meta?.type}
                        value={v}
                        onChange={(text, error = null) => setEditing({ ...editing, text, error })}
                        onCommit={commitEdit}
                        onCancel={closeEditor}
                        onBlur={() => {
                          if (closingWithoutCommit.current) closingWithoutCommit.current = false
                          else if (editing.error) setEditing(null)
                          else commitEdit()
                        }}
                        onLoadFile={() => {
                          blobTarget.current = { row: r.index, col: c }
                          fileInput.current?.click()
                        }}
                        onSaveFile={(hex) => saveBlob(hex, `${c}.bin`)}
                      />
                    ) : toDefault ? (
                      <span className="default-mark" title="Set back to the column's default when committed">
                        {meta?.serverDefault ? `DEFAULT ${meta.serverDefault}` : 'DEFAULT (NULL)'}
                      </span>
                    ) : v === undefined ? (
                      r.id.startsWith('new:') ? (
                        <span className="default-mark">
                          {meta?.serverDefault || meta?.autoincrement
                            ? `DEFAULT${meta?.serverDefault ? ` ${meta.serverDefault}` : ''}`
                            : 'NULL'}
                        </span>
                      ) : null
                    ) : (
                      <>
                        <span className="cell-text">{formatCell(v)}</span>
                        {fk && v !== null && (
                          <button
                            className="fk-link"
                            title={`Open ${fk.refTable} where ${fk.refColumn} = ${formatCell(v)}`}
                            onMouseDown={(e) => e.stopPropagation()}
                            onClick={() => onOpenRef(fk.refTable, fk.refColumn, v)}
                          >
                            <Icon name="link" size={11} />
                          </button>
                        )}
                      </>
                    )}
                  </div>
                )
              })}
            </div>
          )
        })}
      </div>
    </div>
  )
}
