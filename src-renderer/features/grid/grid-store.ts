import { featureSlice } from '../../app/store'
import type { Expr } from '../../../src-shared/expr'
import type { ApplyEditsResult, Cursor, RowEdit, SortKey, TableRef } from '../../../src-shared/grid'
import type { Cell } from '../../../src-shared/values'
import { counted } from '../../../src-shared/naming'
import { call, errorMessage } from '../../bridge/client'
import type { Holder } from '../../../src-shared/contract'
import type { SessionSnapshot } from '../../../src-shared/orm'

export const BLOCK = 100

export interface Block {
  rows: Cell[][]
  first: Cursor | null
  last: Cursor | null
  keys: Cell[][]
}

/** A pending change to one row, kept until commit or discard, whatever the view does. */
export type Pending =
  | {
      kind: 'update'
      id: string
      key: Cell[]
      values: Record<string, Cell>
      original: Record<string, Cell>
      defaults?: string[]
    }
  | { kind: 'insert'; id: string; values: Record<string, Cell> }
  | { kind: 'delete'; id: string; key: Cell[]; original: Record<string, Cell> }

export interface GridState {
  handle: string
  table: TableRef
  columns: string[]
  keyColumns: string[]
  sort: SortKey[]
  filter: Expr | null
  where: string
  count: { count: number; exact: boolean } | null
  blocks: Record<number, Block>
  /** Bumped when the view changes, so late pages of an old view are dropped. */
  generation: number
  edits: Record<string, Pending>
  /** Insert ids in the order they were added (shown first). */
  inserts: string[]
  failed: { id: string | null; message: string; holders?: Holder[] } | null
  /**
   * The last commit's outcome is unknown (the connection dropped with COMMIT on its way and the
   * server could not be asked): the next Commit only warns, so edits that may already be in the
   * database are not written twice by reflex.
   */
  uncertain?: boolean
  review: ApplyEditsResult | null
  busy: boolean
  loadError: string | null
  lastSql: string
  /** The ORM session behind the edits, as last seen, for the Session panel. */
  session: { snapshot: SessionSnapshot; label: string } | null
  /** A table read page by page, or a query's result held whole (edited the same way). */
  mode: 'table' | 'result'
}

/** How a result grid reads its rows again (its query runs again) after a commit. */
const reloaders = new Map<string, () => Promise<void>>()

/** The grids' slice of the app store, by tab id (a query tab's result grid is `<tab>:result`). */
export const useGrid = featureSlice('grids')

export const rowId = (key: Cell[]) => `k:${JSON.stringify(key)}`
let insertSeq = 1

function get(tabId: string): GridState | undefined {
  return useGrid.getState()[tabId]
}
function patch(tabId: string, p: Partial<GridState> | ((g: GridState) => Partial<GridState>)) {
  useGrid.setState((s) => {
    const g = s[tabId]
    if (!g) return {}
    return { [tabId]: { ...g, ...(typeof p === 'function' ? p(g) : p) } }
  })
}

/** Pending edits a reload brought back, waiting for their tab's grid (see restorePendingEdits). */
const restored = new Map<string, { edits: Record<string, Pending>; inserts: string[] }>()

export function initGrid(tabId: string, handle: string, table: TableRef, filter: Expr | null = null) {
  if (get(tabId)) return
  const back = restored.get(tabId)
  restored.delete(tabId)
  useGrid.setState({
    [tabId]: {
      handle,
      table,
      columns: [],
      keyColumns: [],
      sort: [],
      filter,
      where: '',
      count: null,
      blocks: {},
      generation: 0,
      edits: back?.edits ?? {},
      inserts: back?.inserts ?? [],
      failed: null,
      review: null,
      busy: false,
      loadError: null,
      lastSql: '',
      session: null,
      mode: 'table',
    },
  })
  void refreshView(tabId)
}

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
    for (const id of p.inserts) insertSeq = Math.max(insertSeq, Number(id.replace(/^new:/, '')) + 1 || insertSeq)
    openTab(p.handle, p.table)
    n += Object.keys(p.edits).length
  }
  return n
}

/**
 * A query's result as an editable grid: all rows are here already, in blocks; edits go to the
 * source table by its key. Pending edits on the same table survive the query running again.
 */
export function initResultGrid(
  tabId: string,
  handle: string,
  source: { table: TableRef; keyColumns: string[] },
  columns: string[],
  rows: Cell[][],
  sql: string,
  reload: () => Promise<void>,
) {
  const prev = get(tabId)
  const keep = prev && prev.table.name === source.table.name && prev.table.schema === source.table.schema
  const keyPos = source.keyColumns.map((k) => columns.indexOf(k))
  const blocks: Record<number, Block> = {}
  for (let b = 0; b * BLOCK < rows.length; b++) {
    const part = rows.slice(b * BLOCK, (b + 1) * BLOCK)
    blocks[b] = { rows: part, first: null, last: null, keys: part.map((r) => keyPos.map((i) => r[i])) }
  }
  reloaders.set(tabId, reload)
  useGrid.setState({
    [tabId]: {
      handle,
      table: source.table,
      columns,
      keyColumns: source.keyColumns,
      sort: [],
      filter: null,
      where: '',
      count: { count: rows.length, exact: true },
      blocks,
      generation: (prev?.generation ?? 0) + 1,
      edits: keep ? prev.edits : {},
      inserts: keep ? prev.inserts : [],
      failed: keep ? prev.failed : null,
      review: null,
      busy: false,
      loadError: null,
      lastSql: sql,
      session: keep ? prev.session : null,
      mode: 'result',
    },
  })
}

export function pendingCount(tabId: string): number {
  return Object.keys(get(tabId)?.edits ?? {}).length
}

/** Whether a grid may go: pending edits are not dropped silently. */
export function mayDropGrid(tabId: string): boolean {
  const n = Object.keys(get(tabId)?.edits ?? {}).length
  return n === 0 || confirm(`Close this tab and discard ${counted(n, 'pending change')}?`)
}

export function dropGrid(tabId: string) {
  history.delete(tabId)
  reloaders.delete(tabId)
  useGrid.setState((s) => {
    const n = { ...s }
    delete n[tabId]
    return n
  }, true)
}

/** New sort, filter or WHERE: pages are read again; pending edits stay. */
export async function refreshView(tabId: string, p: Partial<Pick<GridState, 'sort' | 'filter' | 'where'>> = {}) {
  const reload = get(tabId)?.mode === 'result' ? reloaders.get(tabId) : undefined
  if (reload) return reload()
  patch(tabId, (g) => ({ ...p, blocks: {}, count: null, generation: g.generation + 1, loadError: null }))
  const g = get(tabId)!
  const view = { handle: g.handle, table: g.table, sort: g.sort, filter: g.filter, where: g.where }
  try {
    const [count] = await Promise.all([call('data.count', view), loadBlock(tabId, 0)])
    if (get(tabId)?.generation === g.generation) patch(tabId, { count })
  } catch (e) {
    patch(tabId, { loadError: errorMessage(e) })
  }
}

/** After a reconnect: every table grid on the handle reads its rows again, pending edits kept. */
export function refreshGridsOf(handle: string) {
  for (const [tabId, g] of Object.entries(useGrid.getState()))
    if (g.handle === handle && g.mode === 'table') void refreshView(tabId)
}

const inflight = new Map<string, Promise<void>>()

/** Read block `b` of the view: next to a loaded block by keyset, from the end, or by jumping. */
export function loadBlock(tabId: string, b: number): Promise<void> {
  const key = `${tabId}|${get(tabId)?.generation}|${b}`
  const existing = inflight.get(key)
  if (existing) return existing
  const p = (async () => {
    const g = get(tabId)
    if (!g || g.blocks[b] || g.mode === 'result') return
    const gen = g.generation
    const view = { handle: g.handle, table: g.table, sort: g.sort, filter: g.filter, where: g.where }
    const prev = g.blocks[b - 1]
    const next = g.blocks[b + 1]
    let req: { after: Cursor | null; before: Cursor | null; fromEnd: boolean; limit: number; skip: number }
    if (b === 0) req = { after: null, before: null, fromEnd: false, limit: BLOCK, skip: 0 }
    else if (prev?.last) req = { after: prev.last, before: null, fromEnd: false, limit: BLOCK, skip: 0 }
    else if (next?.first) req = { after: null, before: next.first, fromEnd: false, limit: BLOCK, skip: 0 }
    else if (g.count?.exact && (b + 1) * BLOCK >= g.count.count)
      req = { after: null, before: null, fromEnd: true, limit: g.count.count - b * BLOCK, skip: 0 }
    else {
      const at = await call('data.locate', { ...view, row: b * BLOCK })
      req = { after: at.after, before: null, fromEnd: false, limit: BLOCK, skip: at.skip }
    }
    try {
      const page = await call('data.page', { ...view, ...req })
      if (get(tabId)?.generation !== gen) return
      patch(tabId, (s) => ({
        columns: page.columns,
        keyColumns: page.keyColumns,
        lastSql: page.sql,
        blocks: {
          ...s.blocks,
          [b]: { rows: page.rows, first: page.firstCursor, last: page.lastCursor, keys: page.keys },
        },
      }))
    } catch (e) {
      patch(tabId, { loadError: errorMessage(e) })
    }
  })().finally(() => inflight.delete(key))
  inflight.set(key, p)
  return p
}

/**
 * Undo and redo of staged edits, per grid: each action (a cell, a paste, a fill, a deleted row)
 * keeps the edits as they were before it. Edits are immutable, so a snapshot is two references.
 */
type EditsSnapshot = { edits: Record<string, Pending>; inserts: string[] }
const history = new Map<string, { past: EditsSnapshot[]; future: EditsSnapshot[] }>()
let batching: string | null = null

function remember(tabId: string) {
  if (batching === tabId) return
  const g = get(tabId)
  if (!g) return
  const h = history.get(tabId) ?? { past: [], future: [] }
  const last = h.past[h.past.length - 1]
  if (!last || last.edits !== g.edits || last.inserts !== g.inserts) h.past.push({ edits: g.edits, inserts: g.inserts })
  if (h.past.length > 500) h.past.shift()
  h.future = []
  history.set(tabId, h)
}

/** Several changes as one action (a paste, a fill down): one undo takes them all back. */
export function batchEdits(tabId: string, fn: () => void) {
  remember(tabId)
  const prev = batching
  batching = tabId
  try {
    fn()
  } finally {
    batching = prev
  }
}

function step(tabId: string, from: 'past' | 'future'): boolean {
  const g = get(tabId)
  const h = history.get(tabId)
  if (!g || !h) return false
  // Skip snapshots that are the edits as they are now (an action that changed nothing).
  let snap = h[from].pop()
  while (snap && snap.edits === g.edits && snap.inserts === g.inserts) snap = h[from].pop()
  if (!snap) return false
  h[from === 'past' ? 'future' : 'past'].push({ edits: g.edits, inserts: g.inserts })
  patch(tabId, { edits: snap.edits, inserts: snap.inserts, failed: null, review: null })
  return true
}
export const undoEdit = (tabId: string) => step(tabId, 'past')
export const redoEdit = (tabId: string) => step(tabId, 'future')

export function setCell(
  tabId: string,
  row: { id: string; key: Cell[] | null; values: Record<string, Cell> },
  column: string,
  value: Cell,
) {
  remember(tabId)
  patch(tabId, (g) => {
    const cur = g.edits[row.id]
    if (cur?.kind === 'insert')
      return { edits: { ...g.edits, [row.id]: { ...cur, values: { ...cur.values, [column]: value } } }, failed: null }
    if (cur?.kind === 'delete') return {}
    const original = cur?.kind === 'update' ? cur.original : row.values
    const values = { ...(cur?.kind === 'update' ? cur.values : {}), [column]: value }
    const defaults = (cur?.kind === 'update' ? (cur.defaults ?? []) : []).filter((c) => c !== column)
    // Typing the original value back removes the change.
    if (JSON.stringify(original[column]) === JSON.stringify(value)) delete values[column]
    return { edits: withUpdate(g.edits, row, original, values, defaults), failed: null }
  })
}

function withUpdate(
  edits: Record<string, Pending>,
  row: { id: string; key: Cell[] | null },
  original: Record<string, Cell>,
  values: Record<string, Cell>,
  defaults: string[],
) {
  const next = { ...edits }
  if (Object.keys(values).length === 0 && defaults.length === 0) delete next[row.id]
  else
    next[row.id] = {
      kind: 'update',
      id: row.id,
      key: row.key!,
      values,
      original,
      ...(defaults.length ? { defaults } : {}),
    }
  return next
}

/**
 * Put a cell back to its column's default: a new row simply leaves the column out of its INSERT;
 * an existing row gets `SET column = DEFAULT` (or the default expression, on SQLite) at commit.
 */
export function setDefault(
  tabId: string,
  row: { id: string; key: Cell[] | null; values: Record<string, Cell> },
  column: string,
) {
  remember(tabId)
  patch(tabId, (g) => {
    const cur = g.edits[row.id]
    if (cur?.kind === 'delete') return {}
    if (cur?.kind === 'insert') {
      const values = { ...cur.values }
      delete values[column]
      return { edits: { ...g.edits, [row.id]: { ...cur, values } }, failed: null }
    }
    const original = cur?.kind === 'update' ? cur.original : row.values
    const values = { ...(cur?.kind === 'update' ? cur.values : {}) }
    delete values[column]
    const defaults = [...new Set([...(cur?.kind === 'update' ? (cur.defaults ?? []) : []), column])]
    return { edits: withUpdate(g.edits, row, original, values, defaults), failed: null }
  })
}

export function addRow(tabId: string, values: Record<string, Cell> = {}) {
  remember(tabId)
  const id = `new:${insertSeq++}`
  patch(tabId, (g) => ({
    edits: { ...g.edits, [id]: { kind: 'insert', id, values } },
    inserts: [id, ...g.inserts],
    failed: null,
  }))
  return id
}

export function toggleDelete(tabId: string, row: { id: string; key: Cell[] | null; values: Record<string, Cell> }) {
  remember(tabId)
  patch(tabId, (g) => {
    const edits = { ...g.edits }
    const cur = edits[row.id]
    if (cur?.kind === 'insert') {
      delete edits[row.id]
      return { edits, inserts: g.inserts.filter((i) => i !== row.id) }
    }
    if (cur?.kind === 'delete') delete edits[row.id]
    else edits[row.id] = { kind: 'delete', id: row.id, key: row.key!, original: row.values }
    return { edits, failed: null }
  })
}

export function discardEdits(tabId: string) {
  remember(tabId)
  patch(tabId, { edits: {}, inserts: [], failed: null, review: null })
}

function toRowEdits(g: GridState): RowEdit[] {
  const out: RowEdit[] = []
  for (const id of g.inserts) {
    const e = g.edits[id]
    if (e?.kind === 'insert') out.push({ kind: 'insert', id, values: e.values })
  }
  for (const e of Object.values(g.edits)) {
    if (e.kind === 'update')
      out.push({ kind: 'update', id: e.id, key: e.key, values: e.values, defaults: e.defaults ?? [] })
    else if (e.kind === 'delete') out.push({ kind: 'delete', id: e.id, key: e.key })
  }
  return out
}

/** Run the edits in a transaction and roll back: the exact SQL, and any error, before committing. */
export async function reviewEdits(tabId: string) {
  const g = get(tabId)
  if (!g) return
  const edits = toRowEdits(g)
  if (!edits.length) return
  patch(tabId, { busy: true })
  try {
    const r = await call('data.applyEdits', { handle: g.handle, table: g.table, edits, mode: 'preview' })
    patch(tabId, {
      review: r,
      busy: false,
      failed: r.error ? { id: r.error.editId, message: `${r.error.code}: ${r.error.message}` } : null,
      ...sessionOf(r.session, 'Review: flushed, then rolled back'),
    })
  } catch (e) {
    patch(tabId, { busy: false, failed: { id: null, message: errorMessage(e) } })
  }
}

export function closeReview(tabId: string) {
  patch(tabId, { review: null })
}

/** Commit in one transaction; on failure everything stays pending and the failing row is marked. */
export async function commitEdits(tabId: string): Promise<boolean> {
  const g = get(tabId)
  if (!g) return false
  const edits = toRowEdits(g)
  if (!edits.length) return true
  if (g.uncertain) {
    patch(tabId, {
      uncertain: false,
      failed: {
        id: null,
        message:
          'The last commit may have been written: the rows are shown as the database has them now. Look before committing again (press Commit once more to write the pending edits anyway, or discard them).',
      },
    })
    return false
  }
  patch(tabId, { busy: true })
  try {
    const r = await call('data.applyEdits', { handle: g.handle, table: g.table, edits, mode: 'commit' })
    if (!r.ok && r.error?.code === 'COMMIT_UNKNOWN') {
      patch(tabId, {
        busy: false,
        review: null,
        uncertain: true,
        failed: { id: null, message: `${r.error.code}: ${r.error.message}` },
      })
      await refreshView(tabId)
      return false
    }
    if (!r.ok) {
      patch(tabId, {
        busy: false,
        review: null,
        failed: {
          id: r.error?.editId ?? null,
          message: `${r.error?.code}: ${r.error?.message}`,
          holders: r.error?.holders,
        },
        ...sessionOf(r.session, 'Failed commit: rolled back, edits kept'),
      })
      return false
    }
    // Written to the database: nothing left to undo here.
    history.delete(tabId)
    patch(tabId, {
      busy: false,
      edits: {},
      inserts: [],
      failed: null,
      review: null,
      ...sessionOf(r.session, 'Last commit'),
    })
    await refreshView(tabId)
    return true
  } catch (e) {
    patch(tabId, { busy: false, failed: { id: null, message: errorMessage(e) } })
    return false
  }
}

function sessionOf(snapshot: SessionSnapshot | undefined, label: string): Partial<GridState> {
  return snapshot ? { session: { snapshot, label } } : {}
}

/**
 * The session the pending edits make, before it flushes (the Session panel keeps this current):
 * only the SELECT of the edited rows is sent, then rolled back.
 */
export async function inspectSession(tabId: string) {
  const g = get(tabId)
  if (!g) return
  const edits = toRowEdits(g)
  if (!edits.length) {
    if (g.session && g.session.label !== 'Last commit') patch(tabId, { session: null })
    return
  }
  try {
    const r = await call('data.applyEdits', { handle: g.handle, table: g.table, edits, mode: 'inspect' })
    if (get(tabId)?.edits === g.edits) patch(tabId, sessionOf(r.session, 'Pending edits: not flushed yet'))
  } catch (e) {
    patch(tabId, { failed: { id: null, message: errorMessage(e) } })
  }
}
