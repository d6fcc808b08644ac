import { cellEditText, parseCellInput } from '../../../src-shared/cell-input'
import { parseCsv, toTsv } from '../../../src-shared/csv'
import type { Column } from '../../../src-shared/schema'
import type { Cell } from '../../../src-shared/values'
import { addRow, batchEdits, setCell } from './grid-edits'
import { type GridState } from './grid-store'
import { rowAt, shownValue, type GridRow } from './grid-rows'

/** A cell by row index and column position. */
export interface CellAt {
  row: number
  col: number
}

/** What the range operations act on: one grid, its shown columns, the selection. */
export interface RangeContext {
  tabId: string
  g: GridState
  /** Shown columns, in display order. */
  cols: string[]
  colMeta: Map<string, Column>
  editable: boolean
  selected: CellAt | null
  anchor: CellAt | null
  onMessage: (kind: 'info' | 'error', text: string) => void
}

/** The selected range, or the selected cell. */
export function selectedRange(selected: CellAt, anchor: CellAt | null) {
  const a = anchor ?? selected
  return {
    r0: Math.min(a.row, selected.row),
    r1: Math.max(a.row, selected.row),
    c0: Math.min(a.col, selected.col),
    c1: Math.max(a.col, selected.col),
  }
}

export const inRange = (r: ReturnType<typeof selectedRange>, row: number, col: number) =>
  row >= r.r0 && row <= r.r1 && col >= r.c0 && col <= r.c1

const editableRow = (r: GridRow | null): r is GridRow =>
  !!r && !r.id.startsWith('loading') && r.pending?.kind !== 'delete'

/** Delete: NULL in every selected cell that may be NULL (an empty text where it may not). */
export function clearRange({ tabId, g, cols, colMeta, editable, selected, anchor, onMessage }: RangeContext) {
  if (!selected || !editable) return
  const { r0, r1, c0, c1 } = selectedRange(selected, anchor)
  const refused: string[] = []
  batchEdits(tabId, () => {
    for (let i = r0; i <= r1; i++) {
      const r = rowAt(g, i)
      if (!editableRow(r)) continue
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
export function fillDown({ tabId, g, cols, editable, selected, anchor }: RangeContext) {
  if (!selected || !editable) return
  const { r0, r1, c0, c1 } = selectedRange(selected, anchor)
  const from = r0 === r1 ? r0 - 1 : r0
  const src = rowAt(g, from)
  if (!src || from < 0) return
  const valueOf = (r: GridRow, c: string) => (r.pending?.kind === 'insert' ? r.pending.values[c] : shownValue(r, c))
  batchEdits(tabId, () => {
    for (let i = from + 1; i <= r1; i++) {
      const r = rowAt(g, i)
      if (!editableRow(r)) continue
      for (let k = c0; k <= c1; k++) {
        const v = valueOf(src, cols[k])
        if (v !== undefined) setCell(tabId, r, cols[k], v)
      }
    }
  })
}

/** The selected rectangle as TSV, to the clipboard. */
export async function copySelection({ g, cols, selected, anchor, onMessage }: RangeContext) {
  if (!selected) return
  const { r0, r1, c0, c1 } = selectedRange(selected, anchor)
  const lines: string[][] = []
  for (let i = r0; i <= r1; i++) {
    const r = rowAt(g, i)
    if (!r) continue
    const line: string[] = []
    for (let k = c0; k <= c1; k++) {
      const v = shownValue(r, cols[k])
      line.push(v === undefined || v === null ? '' : cellEditText(v))
    }
    lines.push(line)
  }
  try {
    await navigator.clipboard.writeText(toTsv(lines))
    onMessage('info', `Copied ${lines.length} row(s) × ${c1 - c0 + 1} column(s)`)
  } catch {
    onMessage('error', 'The browser refused clipboard access')
  }
}

/** TSV pasted at the selection: changes to existing rows, new rows past the end; nothing at all if a value does not parse. */
export function paste({ tabId, g, cols, colMeta, editable, selected, onMessage }: RangeContext, text: string) {
  if (!selected || !editable) return
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
