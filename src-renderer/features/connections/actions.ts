import type { ConnectionConfig } from '../../../src-shared/connection'
import { call, errorMessage } from '../../bridge/client'
import { getState, setState, toast } from '../../app/store'
import { closeTabsOf, restoreQueryTabs } from '../tabs/actions'
import { refreshGridsOf } from '../grid/grid-store'

export async function loadSaved() {
  const saved = await call('connections.list', {})
  setState({ saved })
}

export async function refreshSchema(handle: string) {
  setState((s) => ({ schemas: { ...s.schemas, [handle]: { state: 'loading' } } }))
  try {
    const schema = await call('schema.introspect', { handle })
    setState((s) => ({ schemas: { ...s.schemas, [handle]: { state: 'ready', schema } } }))
  } catch (e) {
    setState((s) => ({ schemas: { ...s.schemas, [handle]: { state: 'error', message: errorMessage(e) } } }))
  }
}

/** Take back the connections this page (by its client id) left open before a reload. */
export async function adoptOpen(): Promise<string[]> {
  const open = await call('connections.listOpen', {}).catch(() => [])
  for (const info of open) {
    setState((s) => ({
      open: { ...s.open, [info.handle]: info },
      ...(info.savedId
        ? {
            handleBySaved: { ...s.handleBySaved, [info.savedId]: info.handle },
            expanded: { ...s.expanded, [info.savedId]: true },
          }
        : {}),
      activeHandle: s.activeHandle ?? info.handle,
    }))
    if (info.savedId) restoreQueryTabs(info.savedId, info.handle)
    void refreshSchema(info.handle)
  }
  return open.map((c) => c.handle)
}

/**
 * Open a saved connection (or focus it when already open) and load its schema. The sample opened
 * at start-up takes the focus only if nothing else has it by then: a connection the user clicked
 * meanwhile stays the active one (its actions stay on screen).
 */
export async function openSaved(id: string, options: { focus?: 'always' | 'if-none' } = {}): Promise<string | null> {
  const focus = options.focus ?? 'always'
  const existing = getState().handleBySaved[id]
  if (existing) {
    setState((s) => ({ activeHandle: existing, expanded: { ...s.expanded, [id]: true } }))
    return existing
  }
  setState((s) => ({ connecting: { ...s.connecting, [id]: true } }))
  try {
    const info = await call('connections.open', { id })
    setState((s) => ({
      open: { ...s.open, [info.handle]: info },
      handleBySaved: { ...s.handleBySaved, [id]: info.handle },
      expanded: { ...s.expanded, [id]: true },
      activeHandle: focus === 'always' || !s.activeHandle ? info.handle : s.activeHandle,
    }))
    restoreQueryTabs(id, info.handle)
    await refreshSchema(info.handle)
    return info.handle
  } catch (e) {
    toast('error', `Could not open the connection: ${errorMessage(e)}`)
    return null
  } finally {
    setState((s) => ({ connecting: { ...s.connecting, [id]: false } }))
  }
}

export async function closeConnection(handle: string) {
  closeTabsOf(handle)
  await call('connections.close', { handle }).catch(() => {})
  forgetHandle(handle)
}

/**
 * The connection dropped (server restart, network, a killed backend, a dead SQLite thread): the
 * handle stays, with its tabs and their pending edits, marked lost until it is reconnected.
 */
export function markLost(handle: string, message: string) {
  const info = getState().open[handle]
  if (!info) return
  toast('error', `Connection to ${info.name} lost: ${message}. Tabs and pending edits are kept: Reconnect to go on.`)
  setState((s) => ({
    open: { ...s.open, [handle]: { ...info, lost: message } },
    txState: { ...s.txState, [handle]: 'auto-commit' },
  }))
}

/** A fresh connection under the same handle; what the lost one had not committed is gone. */
export async function reconnect(handle: string): Promise<boolean> {
  try {
    const info = await call('connections.reconnect', { handle })
    setState((s) => ({ open: { ...s.open, [handle]: info }, txState: { ...s.txState, [handle]: 'auto-commit' } }))
    toast('info', `Reconnected to ${info.name}`)
    void refreshSchema(handle)
    refreshGridsOf(handle)
    return true
  } catch (e) {
    toast('error', `Could not reconnect: ${errorMessage(e)}`)
    return false
  }
}

/** Drop a handle from the store (closed by the user). */
export function forgetHandle(handle: string) {
  setState((s) => {
    const open = { ...s.open }
    const savedId = open[handle]?.savedId
    delete open[handle]
    const handleBySaved = { ...s.handleBySaved }
    if (savedId) delete handleBySaved[savedId]
    const schemas = { ...s.schemas }
    delete schemas[handle]
    return {
      open,
      handleBySaved,
      schemas,
      activeHandle: s.activeHandle === handle ? (Object.keys(open)[0] ?? null) : s.activeHandle,
    }
  })
}

export function toggleExpanded(id: string) {
  const s = getState()
  if (!s.handleBySaved[id]) {
    void openSaved(id)
    return
  }
  setState({ expanded: { ...s.expanded, [id]: !s.expanded[id] } })
}

export async function saveConnection(input: {
  id?: string
  name: string
  config: ConnectionConfig
  rememberPassword: boolean
}) {
  const saved = await call('connections.save', input)
  await loadSaved()
  return saved
}

export async function removeConnection(id: string) {
  const handle = getState().handleBySaved[id]
  if (handle) await closeConnection(handle)
  try {
    await call('connections.remove', { id })
    await loadSaved()
  } catch (e) {
    toast('error', errorMessage(e))
  }
}
