import { formatCell, type Cell } from '../../../src-shared/values'
import { call, errorMessage } from '../../bridge/client'
import { toast } from '../../app/store'
import type { ModelDocument } from '../../../src-shared/model/document'
import { getState, setState, type Tab } from '../../app/store'
import { askPath } from '../../ui/PathPrompt'
import { restoreDrafts } from '../query/drafts'
import { mayCloseTab, tabClosed } from '../../app/tab-registry'

let nextQuery = 1

export function openStructureTab(handle: string, table: string) {
  const id = `structure:${handle}:${table}`
  const s = getState()
  if (!s.tabs.some((t) => t.id === id)) {
    // PostgreSQL's default schema is left out of the title, as everywhere else in the UI.
    const tab: Tab = { id, kind: 'structure', handle, table, title: table.replace(/^public\./, '') }
    setState({ tabs: [...s.tabs, tab] })
  }
  setState({ activeTab: id, activeHandle: handle })
}

/** The normalization wizard on a table, or on a CSV file (`csv` is its path; `table` its name). */
export function openNormalizeTab(handle: string, table: string, csv?: string) {
  const id = csv ? `normalize:csv:${csv}` : `normalize:${handle}:${table}`
  const s = getState()
  if (!s.tabs.some((t) => t.id === id))
    setState({
      tabs: [
        ...s.tabs,
        {
          id,
          kind: 'normalize',
          handle,
          table,
          csv,
          title: `Normalize ${table.replace(/^public\./, '')}${csv ? ' (CSV)' : ''}`,
        },
      ],
    })
  setState({ activeTab: id, activeHandle: handle })
}

function newQueryTabId(handle: string) {
  const n = nextQuery++
  return { id: `query:${handle}:${n}`, n }
}

/** A connection just opened: its query tabs from last time come back, with their text. */
export function restoreQueryTabs(savedId: string, handle: string) {
  restoreDrafts(savedId, handle, () => newQueryTabId(handle))
}

export function openQueryTab(handle: string) {
  const { id, n } = newQueryTabId(handle)
  setState((s) => ({
    tabs: [...s.tabs, { id, kind: 'query', handle, title: `Query ${n}` }],
    activeTab: id,
    activeHandle: handle,
  }))
}

/** A table's rows in the data grid; `filter` opens it on one referenced row (FK links). */
export function openDataTab(handle: string, table: string, filter?: { column: string; value: Cell }) {
  const id = `data:${handle}:${table}${filter ? `:${filter.column}=${JSON.stringify(filter.value)}` : ''}`
  const s = getState()
  if (!s.tabs.some((t) => t.id === id)) {
    const name = table.replace(/^public\./, '')
    const title = filter ? `${name} (${filter.column} = ${formatCell(filter.value)})` : name
    setState({ tabs: [...s.tabs, { id, kind: 'data', handle, table, title, filter }] })
  }
  setState({ activeTab: id, activeHandle: handle })
}

export function openIsolationTab(handle: string) {
  const id = `isolation:${handle}`
  const s = getState()
  if (!s.tabs.some((t) => t.id === id))
    setState({ tabs: [...s.tabs, { id, kind: 'isolation', handle, title: 'Isolation' }] })
  setState({ activeTab: id, activeHandle: handle })
}

let nextOrm = 1

/** The ORM playground: a session on this connection, with its objects and SQL in view. */
export function openOrmTab(handle: string, o: { model?: ModelDocument } = {}) {
  const n = nextOrm++
  const id = `orm:${handle}:${n}`
  const title = o.model ? `ORM · ${o.model.name}` : n === 1 ? 'ORM playground' : `ORM playground ${n}`
  setState((s) => ({
    tabs: [...s.tabs, { id, kind: 'orm', handle, title, model: o.model }],
    activeTab: id,
    activeHandle: handle,
  }))
}

let nextDesigner = 1

/**
 * The model designer, tied to a connection (where Apply and Reverse engineer go). With
 * `reverse`, it opens on the connection's database read into a model.
 */
export async function openDesignerTab(handle: string, o: { reverse?: boolean; doc?: ModelDocument } = {}) {
  // A model read from a database applies back to it; a new one has no target until the user picks one.
  let doc: ModelDocument | undefined = o.doc
  if (o.reverse) {
    try {
      doc = await call('model.reverse', { handle })
    } catch (e) {
      toast('error', errorMessage(e))
      return
    }
  }
  const n = nextDesigner++
  const id = `designer:${handle}:${n}`
  const title = doc ? `Model: ${doc.name.split(/[\\/]/).pop()}` : n === 1 ? 'New model' : `New model ${n}`
  setState((s) => ({
    tabs: [...s.tabs, { id, kind: 'designer', handle, title, doc, target: o.reverse ? handle : null }],
    activeTab: id,
    activeHandle: handle,
  }))
}

/** A saved model (or an autosaved one) in the designer, tied to the active connection. */
export async function openModelFile(handle: string, path: string) {
  try {
    const r = await call('model.open', { path })
    const autosave = /autosave-[^/\\]*\.schemist\.json$/.test(r.path)
    const n = nextDesigner++
    const id = `designer:${handle}:${n}`
    const title = `Model: ${r.doc.name}`
    // An autosave is recovered as an unsaved model: Save asks where it should live.
    setState((s) => ({
      tabs: [
        ...s.tabs,
        { id, kind: 'designer', handle, title, doc: r.doc, path: autosave ? undefined : r.path, target: null },
      ],
      activeTab: id,
      activeHandle: handle,
    }))
  } catch (e) {
    toast('error', errorMessage(e))
  }
}

export function activateTab(id: string) {
  const tab = getState().tabs.find((t) => t.id === id)
  if (tab) setState({ activeTab: id, activeHandle: tab.handle })
}

export function closeTab(id: string) {
  const tab = getState().tabs.find((t) => t.id === id)
  if (!tab || !mayCloseTab(tab)) return
  tabClosed(tab)
  setState((s) => {
    const i = s.tabs.findIndex((t) => t.id === id)
    if (i < 0) return {}
    const tabs = s.tabs.filter((t) => t.id !== id)
    const activeTab = s.activeTab === id ? (tabs[Math.min(i, tabs.length - 1)]?.id ?? null) : s.activeTab
    return { tabs, activeTab }
  })
}

export function cycleTab(delta: number) {
  const { tabs, activeTab } = getState()
  if (tabs.length === 0) return
  const i = tabs.findIndex((t) => t.id === activeTab)
  activateTab(tabs[(i + delta + tabs.length) % tabs.length].id)
}

export function closeTabsOf(handle: string) {
  for (const t of getState().tabs) if (t.handle === handle) tabClosed(t, 'disconnect')
  setState((s) => {
    const tabs = s.tabs.filter((t) => t.handle !== handle)
    return { tabs, activeTab: tabs.some((t) => t.id === s.activeTab) ? s.activeTab : (tabs.at(-1)?.id ?? null) }
  })
}

/** Normalize a CSV file: its path asked for, the wizard opened on its rows. */
export async function openNormalizeCsv(handle: string) {
  const path = await askPath({
    title: 'Normalize a CSV file',
    hint: 'A CSV (or TSV) file with a header line, on the machine Schemist runs on. Its dependencies are discovered and splits proposed; to apply one, import the file into a table first.',
    initial: '',
    expect: ['.csv', '.tsv', '.txt'],
    fileType: 'CSV or TSV',
    ok: 'Open',
  })
  if (!path) return
  openNormalizeTab(handle, path.replace(/^.*[\\/]/, '').replace(/\.(csv|tsv|txt)$/i, ''), path)
}
