import { getState, openDialog, toggleSidebar, toggleTheme } from './store'
import { closeTab, cycleTab, openQueryTab } from '../features/tabs/actions'

/** App-wide keyboard shortcuts; editors handle their own (Ctrl+Enter) first. */
export function installShortcuts() {
  const onKey = (e: KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey
    if (!mod) return
    const k = e.key.toLowerCase()
    const s = getState()
    if (k === 'n' && !e.shiftKey) openDialog({ kind: 'connection' })
    else if (k === 't' && !e.shiftKey && s.activeHandle) openQueryTab(s.activeHandle)
    else if (k === 'w' && s.activeTab) closeTab(s.activeTab)
    else if (e.key === 'Tab') cycleTab(e.shiftKey ? -1 : 1)
    else if (k === 'b') toggleSidebar()
    else if (k === 'l' && e.shiftKey) toggleTheme()
    else return
    e.preventDefault()
  }
  window.addEventListener('keydown', onKey)
  return () => window.removeEventListener('keydown', onKey)
}
