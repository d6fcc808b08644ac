import type { RowEdit } from '../../../src-shared/grid'
import type { SessionSnapshot } from '../../../src-shared/orm'
import { call, errorMessage } from '../../bridge/client'
import { toast } from '../../app/store'
import { gridOf, history, patchGrid, refreshView, type GridState } from './grid-store'

/** Review, commit and the ORM session behind a grid's pending edits: one transaction through data.applyEdits. */

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
  const g = gridOf(tabId)
  if (!g) return
  const edits = toRowEdits(g)
  if (!edits.length) return
  patchGrid(tabId, { busy: true })
  try {
    const r = await call('data.applyEdits', { handle: g.handle, table: g.table, edits, mode: 'preview' })
    patchGrid(tabId, {
      review: r,
      busy: false,
      failed: r.error ? { id: r.error.editId, message: `${r.error.code}: ${r.error.message}` } : null,
      ...sessionOf(r.session, 'Review: flushed, then rolled back'),
    })
  } catch (e) {
    patchGrid(tabId, { busy: false, failed: { id: null, message: errorMessage(e) } })
  }
}

export function closeReview(tabId: string) {
  patchGrid(tabId, { review: null })
}

/** Whether the commit whose outcome was unknown took after all, if the server can say by now. */
async function earlierCommit(g: GridState): Promise<'committed' | 'aborted' | null> {
  if (!g.uncertainXid) return null
  try {
    const { status } = await call('data.commitStatus', { handle: g.handle, xid: g.uncertainXid })
    return status === 'committed' || status === 'aborted' ? status : null
  } catch {
    return null
  }
}

/**
 * Commit in one transaction; on failure everything stays pending and the failing row is marked.
 * After a commit whose outcome was unknown, the server is asked first whether it took: if it did,
 * the edits are done (never written twice); if it rolled back, they are committed now.
 */
export async function commitEdits(tabId: string): Promise<boolean> {
  const g = gridOf(tabId)
  if (!g) return false
  const edits = toRowEdits(g)
  if (!edits.length) return true
  const earlier = g.uncertain ? await earlierCommit(g) : null
  if (earlier === 'committed') {
    // It took after all: the pending edits are in the database; writing them again would duplicate them.
    history.delete(tabId)
    patchGrid(tabId, { uncertain: false, uncertainXid: undefined, edits: {}, inserts: [], failed: null, review: null })
    toast(
      'success',
      `The earlier commit did take (transaction ${g.uncertainXid} committed): the edits are in the database.`,
    )
    await refreshView(tabId)
    return true
  }
  if (earlier === 'aborted') patchGrid(tabId, { uncertain: false, uncertainXid: undefined })
  if (g.uncertain && earlier !== 'aborted') {
    patchGrid(tabId, {
      uncertain: false,
      uncertainXid: undefined,
      failed: {
        id: null,
        message:
          'The last commit may have been written: the rows are shown as the database has them now. Look before committing again (press Commit once more to write the pending edits anyway, or discard them).',
      },
    })
    return false
  }
  patchGrid(tabId, { busy: true })
  try {
    const r = await call('data.applyEdits', { handle: g.handle, table: g.table, edits, mode: 'commit' })
    if (!r.ok && r.error?.code === 'COMMIT_UNKNOWN') {
      patchGrid(tabId, {
        busy: false,
        review: null,
        uncertain: true,
        uncertainXid: r.error.xid,
        failed: { id: null, message: `${r.error.code}: ${r.error.message}` },
      })
      await refreshView(tabId)
      return false
    }
    if (!r.ok) {
      patchGrid(tabId, {
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
    patchGrid(tabId, {
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
    patchGrid(tabId, { busy: false, failed: { id: null, message: errorMessage(e) } })
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
  const g = gridOf(tabId)
  if (!g) return
  const edits = toRowEdits(g)
  if (!edits.length) {
    if (g.session && g.session.label !== 'Last commit') patchGrid(tabId, { session: null })
    return
  }
  try {
    const r = await call('data.applyEdits', { handle: g.handle, table: g.table, edits, mode: 'inspect' })
    if (gridOf(tabId)?.edits === g.edits) patchGrid(tabId, sessionOf(r.session, 'Pending edits: not flushed yet'))
  } catch (e) {
    patchGrid(tabId, { failed: { id: null, message: errorMessage(e) } })
  }
}
