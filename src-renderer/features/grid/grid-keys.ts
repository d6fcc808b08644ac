import type { KeyboardEvent } from 'react'
import { redoEdit, setCell, setDefault, undoEdit } from './grid-edits'
import { ROW_H, rowAt } from './grid-rows'
import { clearRange, copySelection, fillDown, type CellAt, type RangeContext } from './grid-range'

export interface KeyContext extends RangeContext {
  total: number
  /** The scroller's height, for PageUp and PageDown. */
  height: number
  onSelect: (s: CellAt, extend: boolean) => void
  ensureVisible: (row: number) => void
  startEdit: (row: number, col: number, initial?: string) => void
}

/**
 * The grid's keyboard, as in a spreadsheet: arrows, Tab, Page and Home/End move (Shift extends
 * the range), Enter or F2 or typing edits, Delete clears, Ctrl+D fills down, Ctrl+C copies,
 * Ctrl+Z / Ctrl+Shift+Z undo and redo, Ctrl+Alt+N sets NULL and Ctrl+Alt+D the DEFAULT.
 */
export function onGridKey(e: KeyboardEvent, k: KeyContext) {
  const { tabId, g, selected, total, cols } = k
  const s = selected ?? { row: 0, col: 0 }
  const mod = e.ctrlKey || e.metaKey
  const key = e.key.toLowerCase()
  const take = (f: () => void) => {
    e.preventDefault()
    f()
  }
  if (mod && !e.altKey && ((key === 'z' && e.shiftKey) || key === 'y'))
    return take(() => redoEdit(tabId) || k.onMessage('info', 'Nothing to redo'))
  if (mod && !e.altKey && key === 'z') return take(() => undoEdit(tabId) || k.onMessage('info', 'Nothing to undo'))
  if (mod && !e.altKey && key === 'd' && selected) return take(() => fillDown(k))
  if (e.key === 'Delete' && selected) return take(() => clearRange(k))
  const move = (row: number, col: number) => {
    const r = Math.max(0, Math.min(total - 1, row))
    k.onSelect({ row: r, col: Math.max(0, Math.min(cols.length - 1, col)) }, e.shiftKey && e.key !== 'Tab')
    k.ensureVisible(r)
    e.preventDefault()
  }
  const page = Math.floor(k.height / ROW_H)
  if (e.key === 'ArrowDown') move(s.row + 1, s.col)
  else if (e.key === 'ArrowUp') move(s.row - 1, s.col)
  else if (e.key === 'ArrowLeft') move(s.row, s.col - 1)
  else if (e.key === 'ArrowRight' || e.key === 'Tab') move(s.row, s.col + (e.shiftKey ? -1 : 1))
  else if (e.key === 'PageDown') move(s.row + page, s.col)
  else if (e.key === 'PageUp') move(s.row - page, s.col)
  else if (e.key === 'Home' && e.ctrlKey) move(0, s.col)
  else if (e.key === 'End' && e.ctrlKey) move(total - 1, s.col)
  else if (e.key === 'Home') move(s.row, 0)
  else if (e.key === 'End') move(s.row, cols.length - 1)
  else if (e.ctrlKey && e.altKey && (e.code === 'KeyN' || e.code === 'KeyD') && selected && k.editable) {
    // Ctrl+Alt+N: NULL; Ctrl+Alt+D: the column's DEFAULT.
    e.preventDefault()
    const r = rowAt(g, s.row)
    const c = cols[s.col]
    if (!r || !c || r.id.startsWith('loading')) return
    if (e.code === 'KeyN') setCell(tabId, r, c, null)
    else setDefault(tabId, r, c)
  } else if (mod && key === 'c' && selected) take(() => void copySelection(k))
  else if ((e.key === 'Enter' || e.key === 'F2') && selected) take(() => k.startEdit(s.row, s.col))
  else if (selected && e.key.length === 1 && !e.ctrlKey && !e.metaKey && !e.altKey)
    // Typing replaces the value with exactly what was typed: the key itself must not also
    // reach the editor it opens (it did, and "Moscow" became "MoscowM").
    take(() => k.startEdit(s.row, s.col, e.key))
}
