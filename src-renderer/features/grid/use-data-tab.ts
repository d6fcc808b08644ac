import { useEffect, useState, type RefObject } from 'react'
import type { Table } from '../../../src-shared/schema'
import { useApp } from '../../app/store'
import { commitEdits } from './grid-commit'
import { refreshView, type GridState } from './grid-store'

/**
 * The grid's columns as the user arranged them: their order (null: the table's), the hidden ones,
 * and their widths. Hidden columns keep their place in the order.
 */
export function useColumnLayout(table: Table | undefined) {
  const [order, setOrder] = useState<string[] | null>(null)
  const [hidden, setHidden] = useState<string[]>([])
  const [colWidths, setColWidths] = useState<Record<string, number>>({})
  const all = order ?? table?.columns.map((c) => c.name) ?? []
  const visible = all.filter((c) => !hidden.includes(c))
  /** A step left or right, from the Columns menu. */
  const move = (c: string, d: -1 | 1) => {
    const list = [...all]
    const i = list.indexOf(c)
    const j = i + d
    if (j < 0 || j >= list.length) return
    ;[list[i], list[j]] = [list[j], list[i]]
    setOrder(list)
  }
  /** Dragged header: `c` goes before `before` among all columns (hidden ones keep their place). */
  const drop = (c: string, before: string | null) => {
    const list = all.filter((x) => x !== c)
    const i = before === null ? list.length : list.indexOf(before)
    list.splice(i < 0 ? list.length : i, 0, c)
    setOrder(list)
  }
  const reset = () => {
    setOrder(null)
    setHidden([])
  }
  const resize = (c: string, w: number) => setColWidths((x) => ({ ...x, [c]: w }))
  return { all, visible, hidden, setHidden, move, drop, reset, colWidths, resize }
}

export type ColumnLayout = ReturnType<typeof useColumnLayout>

/** Ctrl+S commits the grid's edits while its tab is the active one; Ctrl+G goes to the row-number box. */
export function useGridShortcuts(tabId: string, gridId: string, jumpInput?: RefObject<HTMLInputElement | null>) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey) || useApp.getState().activeTab !== tabId) return
      const key = e.key.toLowerCase()
      if (key === 's') {
        e.preventDefault()
        void commitEdits(gridId)
      } else if (key === 'g' && jumpInput) {
        e.preventDefault()
        jumpInput.current?.focus()
        jumpInput.current?.select()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [tabId, gridId, jumpInput])
}

/** A header click sorts by its column; with Shift it adds the column to the sort. Asc, desc, off. */
export function sortBy(tabId: string, g: GridState, col: string, add: boolean) {
  const cur = g.sort.find((s) => s.column === col)
  let next = add ? g.sort.filter((s) => s.column !== col) : []
  if (!cur) next = [...next, { column: col, desc: false }]
  else if (!cur.desc) next = [...next, { column: col, desc: true }]
  void refreshView(tabId, { sort: next })
}

/** Why the grid cannot be edited, or how it is (by rowid); null when it is edited by its key. */
export function editability(table: Table): { editable: boolean; reason: string | null } {
  const hasKey = table.columns.some((c) => c.primaryKey > 0)
  const editable = table.kind === 'table' && (hasKey || table.hasRowid)
  const reason =
    table.kind === 'view'
      ? 'Views are read-only here'
      : !editable
        ? 'Read-only: this table has no primary key, so a changed row could not be found again reliably'
        : !hasKey
          ? 'No primary key: rows are edited by their SQLite rowid'
          : null
  return { editable, reason }
}
