import { featureSlice } from '../../app/store'
import type { Expr } from '../../../src-shared/expr'
import type { ApplyEditsResult, Cursor, SortKey, TableRef } from '../../../src-shared/grid'
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
  /** The transaction of that commit, so the next Commit can ask whether it took (data.commitStatus). */
  uncertainXid?: string
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
export const reloaders = new Map<string, () => Promise<void>>()

/** The grids' slice of the app store, by tab id (a query tab's result grid is `<tab>:result`). */
export const useGrid = featureSlice('grids')

export const rowId = (key: Cell[]) => `k:${JSON.stringify(key)}`
let insertSeq = 1
/** The id of a new row: `new:<n>`, never reused in this page (a reload's restored ids included). */
export const nextInsertId = () => `new:${insertSeq++}`
export const seenInsertId = (id: string) => {
  insertSeq = Math.max(insertSeq, Number(id.replace(/^new:/, '')) + 1 || insertSeq)
}

/** One grid's state (for this feature's modules). */
export function gridOf(tabId: string): GridState | undefined {
  return useGrid.getState()[tabId]
}
/** Merge into one grid's state, when the grid is there. */
export function patchGrid(tabId: string, p: Partial<GridState> | ((g: GridState) => Partial<GridState>)) {
  useGrid.setState((s) => {
    const g = s[tabId]
    if (!g) return {}
    return { [tabId]: { ...g, ...(typeof p === 'function' ? p(g) : p) } }
  })
}

/** Pending edits a reload brought back, waiting for their tab's grid (see restorePendingEdits). */
export const restored = new Map<string, { edits: Record<string, Pending>; inserts: string[] }>()

export function initGrid(tabId: string, handle: string, table: TableRef, filter: Expr | null = null) {
  if (gridOf(tabId)) return
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
  const prev = gridOf(tabId)
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
  return Object.keys(gridOf(tabId)?.edits ?? {}).length
}

/** Whether a grid may go: pending edits are not dropped silently. */
export function mayDropGrid(tabId: string): boolean {
  const n = Object.keys(gridOf(tabId)?.edits ?? {}).length
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
  const reload = gridOf(tabId)?.mode === 'result' ? reloaders.get(tabId) : undefined
  if (reload) return reload()
  patchGrid(tabId, (g) => ({ ...p, blocks: {}, count: null, generation: g.generation + 1, loadError: null }))
  const g = gridOf(tabId)!
  const view = { handle: g.handle, table: g.table, sort: g.sort, filter: g.filter, where: g.where }
  try {
    const [count] = await Promise.all([call('data.count', view), loadBlock(tabId, 0)])
    if (gridOf(tabId)?.generation === g.generation) patchGrid(tabId, { count })
  } catch (e) {
    patchGrid(tabId, { loadError: errorMessage(e) })
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
  const key = `${tabId}|${gridOf(tabId)?.generation}|${b}`
  const existing = inflight.get(key)
  if (existing) return existing
  const p = (async () => {
    const g = gridOf(tabId)
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
      if (gridOf(tabId)?.generation !== gen) return
      patchGrid(tabId, (s) => ({
        columns: page.columns,
        keyColumns: page.keyColumns,
        lastSql: page.sql,
        blocks: {
          ...s.blocks,
          [b]: { rows: page.rows, first: page.firstCursor, last: page.lastCursor, keys: page.keys },
        },
      }))
    } catch (e) {
      patchGrid(tabId, { loadError: errorMessage(e) })
    }
  })().finally(() => inflight.delete(key))
  inflight.set(key, p)
  return p
}

/** Undo and redo of each grid's staged edits (grid-edits.ts): the edits as they were before each action. */
export type EditsSnapshot = { edits: Record<string, Pending>; inserts: string[] }
export const history = new Map<string, { past: EditsSnapshot[]; future: EditsSnapshot[] }>()
