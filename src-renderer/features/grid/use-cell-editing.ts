import { useCallback, useRef, useState, type RefObject } from 'react'
import { cellEditText, parseCellInput } from '../../../src-shared/cell-input'
import type { Column } from '../../../src-shared/schema'
import { blobFromFile } from './blob-file'
import type { Editing } from './GridRowView'
import { setCell } from './grid-edits'
import { useGrid, type GridState } from './grid-store'
import type { CellAt } from './grid-range'
import { rowAt, shownValue } from './grid-rows'

/**
 * The cell editor's state and its moves: open on a cell (with what was typed), commit (parsed
 * by the column's type; a value that does not parse keeps the editor open with the reason) and
 * move on as a spreadsheet does, cancel, and a file loaded into a BLOB cell.
 */
export function useCellEditing(o: {
  tabId: string
  g: GridState | undefined
  cols: string[]
  colMeta: Map<string, Column>
  editable: boolean
  total: number
  scroller: RefObject<HTMLDivElement | null>
  onSelect: (s: CellAt, extend: boolean) => void
  ensureVisible: (row: number) => void
  onMessage: (kind: 'info' | 'error', text: string) => void
}) {
  const { tabId, g, cols, colMeta, editable, total, scroller } = o
  const [editing, setEditing] = useState<Editing | null>(null)
  // The file chooser takes focus, which ends the edit: the target cell is remembered here.
  const blobTarget = useRef<{ row: number; col: string } | null>(null)
  const fileInput = useRef<HTMLInputElement>(null)
  const closingWithoutCommit = useRef(false)

  const startEdit = useCallback(
    (row: number, col: number, initial?: string) => {
      if (!g || !editable) return
      const r = rowAt(g, row)
      if (!r || r.pending?.kind === 'delete') return
      const v = shownValue(r, cols[col])
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
    const parsed = parseCellInput(editing.text, colMeta.get(c)?.type ?? 'text')
    if (!parsed.ok) {
      setEditing({ ...editing, error: parsed.error })
      return
    }
    if (r) setCell(tabId, r, c, parsed.value)
    closeEditor()
    if (!move) return
    const row = Math.max(0, Math.min(total - 1, editing.row + (move === 'down' ? 1 : 0)))
    const col = Math.max(0, Math.min(cols.length - 1, editing.col + (move === 'right' ? 1 : move === 'left' ? -1 : 0)))
    o.onSelect({ row, col }, false)
    o.ensureVisible(row)
  }

  const onEditorBlur = () => {
    if (closingWithoutCommit.current) closingWithoutCommit.current = false
    else if (editing?.error) setEditing(null)
    else commitEdit()
  }

  /** A file's bytes become the edited BLOB cell (pending, like any edit). */
  async function loadBlobFile(file: File) {
    const target = blobTarget.current
    blobTarget.current = null
    const cur = useGrid.getState()[tabId]
    if (!target || !cur) return
    const blob = await blobFromFile(file)
    if ('error' in blob) return o.onMessage('error', blob.error)
    const r = rowAt(cur, target.row)
    if (!r) return
    setCell(tabId, r, target.col, { $blob: blob.hex })
    // An editor still open holds the old text: moving focus away (which blurs it, synchronously)
    // must not commit that over the file.
    closeEditor()
    o.onMessage('info', `${file.name}: ${blob.bytes.toLocaleString('en-US')} bytes loaded into ${target.col} (pending)`)
  }

  const chooseFile = (at: { row: number; col: string }) => {
    blobTarget.current = at
    fileInput.current?.click()
  }

  return {
    editing,
    setEditing,
    startEdit,
    closeEditor,
    commitEdit,
    onEditorBlur,
    chooseFile,
    fileInput,
    loadBlobFile,
  }
}
