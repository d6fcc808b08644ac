import { restored, seenInsertId, useGrid, type Pending } from './grid-store'

const PENDING_KEY = 'schemist-pending-edits'

/**
 * Pending grid edits are written to this page's session storage as they change, so a reload
 * (within the host's grace period, which keeps the connection) brings them back instead of
 * dropping them. Only table grids: a query's result is run again anyway.
 */
export function persistPendingEdits(tabOf: (tabId: string) => { table: string } | undefined) {
  let timer: ReturnType<typeof setTimeout> | null = null
  useGrid.subscribe((all) => {
    if (timer) clearTimeout(timer)
    timer = setTimeout(() => {
      const out: Record<string, { handle: string; table: string; edits: Record<string, Pending>; inserts: string[] }> =
        {}
      for (const [tabId, g] of Object.entries(all)) {
        const tab = tabOf(tabId)
        if (g.mode !== 'table' || !tab || Object.keys(g.edits).length === 0) continue
        out[tabId] = { handle: g.handle, table: tab.table, edits: g.edits, inserts: g.inserts }
      }
      try {
        sessionStorage.setItem(PENDING_KEY, JSON.stringify(out))
      } catch {
        // Storage full or off: edits stay in memory as before.
      }
    }, 250)
  })
}

/** After a reload: the data tabs that had pending edits, on connections the host kept, come back with them. */
export function restorePendingEdits(openHandles: string[], openTab: (handle: string, table: string) => void) {
  let saved: Record<string, { handle: string; table: string; edits: Record<string, Pending>; inserts: string[] }>
  try {
    saved = JSON.parse(sessionStorage.getItem(PENDING_KEY) ?? '{}')
  } catch {
    return 0
  }
  let n = 0
  for (const [tabId, p] of Object.entries(saved)) {
    if (!openHandles.includes(p.handle)) continue
    restored.set(tabId, { edits: p.edits, inserts: p.inserts })
    for (const id of p.inserts) seenInsertId(id)
    openTab(p.handle, p.table)
    n += Object.keys(p.edits).length
  }
  return n
}
