import type { PlaygroundEngine } from '../../src-shared/engines'
import { create } from 'zustand'
import type { AppInfo, EventPayload, PlaygroundStatus } from '../../src-shared/contract'
import type { OpenConnection, SavedConnection } from '../../src-shared/connection'
import type { DatabaseSchema } from '../../src-shared/schema'

export type Tab =
  | { id: string; kind: 'structure'; handle: string; table: string; title: string }
  | { id: string; kind: 'normalize'; handle: string; table: string; title: string; csv?: string }
  | { id: string; kind: 'query'; handle: string; title: string }
  | {
      id: string
      kind: 'orm'
      handle: string
      title: string
      model?: import('../../src-shared/model/document').ModelDocument
    }
  | { id: string; kind: 'isolation'; handle: string; title: string }
  | {
      id: string
      kind: 'designer'
      handle: string
      title: string
      doc?: import('../../src-shared/model/document').ModelDocument
      path?: string
      /** The database Apply goes to; null until the user picks one. */ target: string | null
    }
  | {
      id: string
      kind: 'data'
      handle: string
      table: string
      title: string
      filter?: { column: string; value: import('../../src-shared/values').Cell }
    }

export type SchemaEntry =
  { state: 'loading' } | { state: 'ready'; schema: DatabaseSchema } | { state: 'error'; message: string }

export interface Toast {
  id: number
  kind: 'info' | 'error' | 'success'
  message: string
}

export type Dialog = null | { kind: 'connection'; editId?: string }

/**
 * The renderer's one store. The shell's state sits at the top; each feature owns a slice
 * (its state type and actions in its own folder, keyed by tab id) and reads it through narrow
 * selectors (`featureSlice`). One store means one subscription model, one place to look in
 * devtools, and a tab's state dropped in one update.
 */
export interface AppState extends FeatureSlices {
  info: AppInfo | null
  bootError: string | null
  theme: 'dark' | 'light'
  sidebarOpen: boolean
  saved: SavedConnection[]
  /** Open connections by handle. */
  open: Record<string, OpenConnection>
  /** Which handle serves a saved connection, when it is open. */
  handleBySaved: Record<string, string>
  /** Which saved connections are expanded in the sidebar. */
  expanded: Record<string, boolean>
  connecting: Record<string, boolean>
  schemas: Record<string, SchemaEntry>
  activeHandle: string | null
  /** Transaction state of each open connection's own session (query tabs), by handle. */
  txState: Record<string, 'auto-commit' | 'in transaction' | 'failed'>
  /** When the query tabs' transaction began, by handle: an idle transaction shows its age. */
  txSince: Record<string, number | null>
  tabs: Tab[]
  activeTab: string | null
  /** Each local playground's server, by engine. */
  playgrounds: Partial<Record<PlaygroundEngine, PlaygroundStatus>>
  dialog: Dialog
  toasts: Toast[]
  logs: EventPayload<'onLog'>[]
  /** Whether the host answers; 'lost' is shown at once while the page reconnects by itself. */
  host: import('../bridge/client').HostStatus
}

/** The features' slices: each keyed by the tab it belongs to. */
export interface FeatureSlices {
  designers: Record<string, import('../features/designer/designer-store').Designer>
  grids: Record<string, import('../features/grid/grid-store').GridState>
  orms: Record<string, import('../features/orm/orm-store').OrmTabState>
}

const storedTheme = (typeof localStorage !== 'undefined' && localStorage.getItem('schemist-theme')) as
  AppState['theme'] | null

export const useApp = create<AppState>()(() => ({
  info: null,
  bootError: null,
  theme: storedTheme ?? (window.matchMedia?.('(prefers-color-scheme: light)').matches ? 'light' : 'dark'),
  sidebarOpen: true,
  saved: [],
  open: {},
  handleBySaved: {},
  expanded: {},
  connecting: {},
  schemas: {},
  activeHandle: null,
  txState: {},
  txSince: {},
  tabs: [],
  activeTab: null,
  playgrounds: {},
  dialog: null,
  toasts: [],
  logs: [],
  host: { state: 'connected' },
  designers: {},
  grids: {},
  orms: {},
}))

/**
 * A feature's slice of the store, with the store's own API narrowed to it: `use(selector)` in
 * components re-renders only when what the selector returns changes; `getState`, `setState`
 * (merging into the slice, or replacing it) and `subscribe` see only the slice.
 */
export function featureSlice<K extends keyof FeatureSlices>(key: K) {
  type S = FeatureSlices[K]
  const use = <T>(selector: (s: S) => T): T => useApp((a) => selector(a[key]))
  return Object.assign(use, {
    getState: (): S => useApp.getState()[key],
    setState: (p: Partial<S> | ((s: S) => Partial<S>), replace = false) =>
      useApp.setState((a) => {
        const next = typeof p === 'function' ? p(a[key]) : p
        return { [key]: replace ? (next as S) : { ...a[key], ...next } } as Pick<AppState, K>
      }),
    subscribe: (listener: (s: S, prev: S) => void) =>
      useApp.subscribe((a, b) => {
        if (a[key] !== b[key]) listener(a[key], b[key])
      }),
  })
}

export const setState = useApp.setState
export const getState = useApp.getState

let toastId = 1
export function toast(kind: Toast['kind'], message: string, ms = kind === 'error' ? 8000 : 3500) {
  const id = toastId++
  setState((s) => ({ toasts: [...s.toasts, { id, kind, message }] }))
  setTimeout(() => dismissToast(id), ms)
}
export function dismissToast(id: number) {
  setState((s) => ({ toasts: s.toasts.filter((t) => t.id !== id) }))
}

export function setTheme(theme: AppState['theme']) {
  localStorage.setItem('schemist-theme', theme)
  setState({ theme })
}
export function toggleTheme() {
  setTheme(getState().theme === 'dark' ? 'light' : 'dark')
}
export function toggleSidebar() {
  setState((s) => ({ sidebarOpen: !s.sidebarOpen }))
}
export function openDialog(d: Dialog) {
  setState({ dialog: d })
}
