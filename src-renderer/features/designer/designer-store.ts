import type { Engine } from '../../../src-shared/engines'
import type { ModelDocument } from '../../../src-shared/model/document'
import { emptyModel } from '../../../src-shared/model/document'
import { call, errorMessage } from '../../bridge/client'
import { featureSlice, getState as getApp, toast } from '../../app/store'

/** What is selected on the canvas; the inspector shows the first table or the edge. */
export interface Selection {
  tables: string[]
  fk: { table: string; fk: string } | null
}

export interface Designer {
  doc: ModelDocument
  /** Earlier documents, newest last, for undo; `future` holds what undo took back. */
  past: ModelDocument[]
  future: ModelDocument[]
  /** The key of the last edit, so typing in one field is one undo step. */
  lastKey: string | null
  lastAt: number
  selection: Selection
  path: string | null
  /** Saved since the last edit. */
  saved: boolean
  savedAt: number | null
  saveError: string | null
  engine: Engine
  /** Bumped to ask the canvas to fit the view (after layout, open, reverse engineering). */
  fitRequest: number
  /** The connection Apply goes to (a handle), or null: a new model is bound to no database. */
  target: string | null
}

const HISTORY = 200
/** Edits with the same key within this window merge into one undo step. */
const COALESCE_MS = 1200

/** The designers' slice of the app store, by tab id. */
export const useDesigners = featureSlice('designers')

export function initDesigner(
  tabId: string,
  o: { doc?: ModelDocument; path?: string | null; engine: Engine; target: string | null },
) {
  if (useDesigners.getState()[tabId]) return
  useDesigners.setState({
    [tabId]: {
      doc: o.doc ?? emptyModel(),
      past: [],
      future: [],
      lastKey: null,
      lastAt: 0,
      selection: { tables: [], fk: null },
      path: o.path ?? null,
      saved: o.path != null,
      savedAt: null,
      saveError: null,
      engine: o.engine,
      fitRequest: 1,
      target: o.target,
    },
  })
}

/** Where Apply goes from now on. */
export function setTarget(tabId: string, handle: string | null) {
  patch(tabId, { target: handle })
}

export function dropDesigner(tabId: string) {
  const s = { ...useDesigners.getState() }
  delete s[tabId]
  useDesigners.setState(s, true)
}

function patch(tabId: string, p: Partial<Designer> | ((d: Designer) => Partial<Designer>)) {
  useDesigners.setState((s) => {
    const d = s[tabId]
    if (!d) return {}
    return { [tabId]: { ...d, ...(typeof p === 'function' ? p(d) : p) } }
  })
}

export function designer(tabId: string): Designer {
  const d = useDesigners.getState()[tabId]
  if (!d) throw new Error(`No designer ${tabId}`)
  return d
}

/**
 * Apply one edit to the document, keeping the old one for undo. An edit that throws (a
 * relationship to a table without a key, say) changes nothing and says why.
 */
export function edit(tabId: string, fn: (doc: ModelDocument) => ModelDocument, key?: string): boolean {
  const d = designer(tabId)
  let next: ModelDocument
  try {
    next = fn(d.doc)
  } catch (e) {
    toast('error', errorMessage(e))
    return false
  }
  if (next === d.doc) return true
  const now = Date.now()
  const merge = key != null && key === d.lastKey && now - d.lastAt < COALESCE_MS
  patch(tabId, {
    doc: next,
    past: merge ? d.past : [...d.past, d.doc].slice(-HISTORY),
    future: [],
    lastKey: key ?? null,
    lastAt: now,
    saved: false,
  })
  scheduleAutosave(tabId)
  return true
}

export function undo(tabId: string) {
  const d = designer(tabId)
  const prev = d.past[d.past.length - 1]
  if (!prev) return
  patch(tabId, {
    doc: prev,
    past: d.past.slice(0, -1),
    future: [d.doc, ...d.future],
    lastKey: null,
    saved: false,
    selection: pruneSelection(d.selection, prev),
  })
  scheduleAutosave(tabId)
}

export function redo(tabId: string) {
  const d = designer(tabId)
  const next = d.future[0]
  if (!next) return
  patch(tabId, {
    doc: next,
    past: [...d.past, d.doc],
    future: d.future.slice(1),
    lastKey: null,
    saved: false,
    selection: pruneSelection(d.selection, next),
  })
  scheduleAutosave(tabId)
}

function pruneSelection(sel: Selection, doc: ModelDocument): Selection {
  const ids = new Set(doc.tables.map((t) => t.id))
  const fkOk = sel.fk && doc.tables.find((t) => t.id === sel.fk!.table)?.foreignKeys.some((f) => f.id === sel.fk!.fk)
  return { tables: sel.tables.filter((t) => ids.has(t)), fk: fkOk ? sel.fk : null }
}

export function select(tabId: string, selection: Partial<Selection>) {
  patch(tabId, (d) => ({ selection: { ...d.selection, ...selection } }))
}

export function setEngine(tabId: string, engine: Designer['engine']) {
  patch(tabId, { engine })
}

export function requestFit(tabId: string) {
  patch(tabId, (d) => ({ fitRequest: d.fitRequest + 1 }))
}

/** Replace the whole document (open, reverse engineer) as one undoable step. */
export function replaceDoc(tabId: string, doc: ModelDocument, path?: string | null) {
  const d = designer(tabId)
  patch(tabId, {
    doc,
    past: [...d.past, d.doc].slice(-HISTORY),
    future: [],
    lastKey: null,
    selection: { tables: [], fk: null },
    ...(path !== undefined ? { path, saved: path != null } : {}),
  })
  requestFit(tabId)
}

const timers = new Map<string, ReturnType<typeof setTimeout>>()

/** A model with a file is saved two seconds after the last edit; one without is kept in the data folder so nothing is lost. */
function scheduleAutosave(tabId: string) {
  clearTimeout(timers.get(tabId))
  timers.set(
    tabId,
    setTimeout(() => {
      timers.delete(tabId)
      const d = useDesigners.getState()[tabId]
      if (!d || d.saved) return
      void saveModel(tabId, d.path ?? autosavePath(tabId), { quiet: true, keepPath: d.path == null })
    }, 2000),
  )
}

function autosavePath(tabId: string): string {
  const dir = getApp().info?.dataDir ?? '.'
  return `${dir}/models/autosave-${tabId.replace(/[^A-Za-z0-9_-]/g, '_')}.schemist.json`
}

/** Write the model; `keepPath` leaves the document's own path alone (an autosave of an unsaved model). */
export async function saveModel(tabId: string, path: string, o: { quiet?: boolean; keepPath?: boolean } = {}) {
  const d = designer(tabId)
  const doc = d.doc
  try {
    const r = await call('model.save', { path, doc })
    patch(tabId, (cur) => ({
      ...(o.keepPath ? {} : { path: r.path }),
      saved: cur.doc === doc && !o.keepPath,
      savedAt: Date.now(),
      saveError: null,
    }))
    if (!o.quiet) toast('success', `Saved ${r.path}`)
  } catch (e) {
    patch(tabId, { saveError: errorMessage(e) })
    toast('error', `Could not save the model: ${errorMessage(e)}`)
  }
}
