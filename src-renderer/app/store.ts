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

/** The renderer's single source of truth; features own their actions in their own folders. */
export interface AppState {
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
  playground: PlaygroundStatus | null
  dialog: Dialog
  toasts: Toast[]
  logs: EventPayload<'onLog'>[]
  /** Whether the host answers; 'lost' is shown at once while the page reconnects by itself. */
  host: import('../bridge/client').HostStatus
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
  playground: null,
  dialog: null,
  toasts: [],
  logs: [],
  host: { state: 'connected' },
}))

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
