import type { Cell } from '../../../src-shared/values'
import { gridOf, history, nextInsertId, patchGrid, type Pending } from './grid-store'

/**
 * Undo and redo of staged edits, per grid: each action (a cell, a paste, a fill, a deleted row)
 * keeps the edits as they were before it. Edits are immutable, so a snapshot is two references.
 */
let batching: string | null = null

function remember(tabId: string) {
  if (batching === tabId) return
  const g = gridOf(tabId)
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
  const g = gridOf(tabId)
  const h = history.get(tabId)
  if (!g || !h) return false
  // Skip snapshots that are the edits as they are now (an action that changed nothing).
  let snap = h[from].pop()
  while (snap && snap.edits === g.edits && snap.inserts === g.inserts) snap = h[from].pop()
  if (!snap) return false
  h[from === 'past' ? 'future' : 'past'].push({ edits: g.edits, inserts: g.inserts })
  patchGrid(tabId, { edits: snap.edits, inserts: snap.inserts, failed: null, review: null })
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
  patchGrid(tabId, (g) => {
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
  patchGrid(tabId, (g) => {
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
  const id = nextInsertId()
  patchGrid(tabId, (g) => ({
    edits: { ...g.edits, [id]: { kind: 'insert', id, values } },
    inserts: [id, ...g.inserts],
    failed: null,
  }))
  return id
}

export function toggleDelete(tabId: string, row: { id: string; key: Cell[] | null; values: Record<string, Cell> }) {
  remember(tabId)
  patchGrid(tabId, (g) => {
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
  patchGrid(tabId, { edits: {}, inserts: [], failed: null, review: null })
}
