import { useEffect } from 'react'
import type { ModelDocument, ModelTable } from '../../../src-shared/model/document'
import { deleteTables, duplicateTables } from '../../../src-shared/model/edit'
import { autoLayout } from '../../../src-shared/model/layout'
import { designer, edit, redo, requestFit, select, undo } from './designer-store'
import { save } from './model-actions'

/** Tables copied with Ctrl+C, shared by every designer tab in this window. */
let clipboard: { tables: ModelTable[]; layout: ModelDocument['layout'] } = { tables: [], layout: {} }

/**
 * The designer's keyboard: Ctrl+S save (Ctrl+Shift+S save as), Ctrl+Z / Ctrl+Shift+Z undo and
 * redo, Ctrl+C / Ctrl+V copy and paste tables, Delete, N a new table, L layout, F fit. Not while
 * typing in a field (except save).
 */
export function useDesignerKeys(tabId: string, addNewTable: () => void) {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const root = document.querySelector(`[data-designer="${tabId}"]`)
      if (!root) return
      const typing =
        e.target instanceof HTMLElement && (e.target.matches('input, textarea, select') || e.target.isContentEditable)
      const mod = e.ctrlKey || e.metaKey
      const k = e.key.toLowerCase()
      if (mod && k === 's') {
        e.preventDefault()
        void save(tabId, e.shiftKey)
        return
      }
      if (typing) return
      if (mod && k === 'z' && !e.shiftKey) {
        e.preventDefault()
        undo(tabId)
      } else if (mod && (k === 'y' || (k === 'z' && e.shiftKey))) {
        e.preventDefault()
        redo(tabId)
      } else if (mod && k === 'c') {
        const s = designer(tabId)
        clipboard = { tables: s.doc.tables.filter((t) => s.selection.tables.includes(t.id)), layout: s.doc.layout }
      } else if (mod && k === 'v' && clipboard.tables.length) {
        e.preventDefault()
        let ids: string[] = []
        edit(tabId, (x) => {
          const r = duplicateTables(x, clipboard.tables, 40, clipboard.layout)
          ids = r.ids
          return r.doc
        })
        select(tabId, { tables: ids, fk: null })
      } else if (e.key === 'Delete' || e.key === 'Backspace') deleteSelection(tabId)
      else if (!mod && k === 'n') {
        e.preventDefault()
        addNewTable()
      } else if (!mod && k === 'l') layoutModel(tabId)
      else if (!mod && k === 'f') requestFit(tabId)
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [tabId, addNewTable])
}

/** Delete the selected tables (one undoable edit). */
function deleteSelection(tabId: string) {
  const s = designer(tabId).selection
  if (!s.tables.length) return
  edit(tabId, (x) => deleteTables(x, s.tables))
  select(tabId, { tables: [], fk: null })
}

/** Lay the tables out again and fit the view to them. */
export function layoutModel(tabId: string) {
  edit(tabId, (x) => autoLayout(x))
  requestFit(tabId)
}
