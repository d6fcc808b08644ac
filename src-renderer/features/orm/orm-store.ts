import { featureSlice } from '../../app/store'
import type { MapperInfo, OrmAction, SessionSnapshot } from '../../../src-shared/orm'
import { BridgeError, call, errorMessage } from '../../bridge/client'
import type { ModelDocument } from '../../../src-shared/model/document'

export interface OrmTabState {
  sessionId: string | null
  mappers: MapperInfo[]
  snapshot: SessionSnapshot | null
  /** Refs returned by the last query, in order. */
  results: number[]
  table: string
  busy: boolean
  error: { message: string; refs: number[]; code?: string } | null
}

/** One ORM session per playground tab, keyed by tab id. */
/** The ORM playgrounds' slice of the app store, by tab id. */
export const useOrm = featureSlice('orms')

const blank = (): OrmTabState => ({
  sessionId: null,
  mappers: [],
  snapshot: null,
  results: [],
  table: 'users',
  busy: false,
  error: null,
})

function patch(tabId: string, p: Partial<OrmTabState>) {
  useOrm.setState((s) => ({ [tabId]: { ...(s[tabId] ?? blank()), ...p } }))
}

export async function openOrmSession(tabId: string, handle: string, model?: ModelDocument) {
  if (useOrm.getState()[tabId]?.sessionId) return
  patch(tabId, { busy: true })
  try {
    const r = await call('orm.open', { handle, autoflush: true, expireOnCommit: true, model })
    const table = r.mappers.some((m) => m.table === 'users') ? 'users' : (r.mappers[0]?.table ?? '')
    patch(tabId, { sessionId: r.sessionId, mappers: r.mappers, snapshot: r.snapshot, table, busy: false })
  } catch (e) {
    patch(tabId, { busy: false, error: { message: errorMessage(e), refs: [] } })
  }
}

export async function closeOrmSession(tabId: string) {
  const st = useOrm.getState()[tabId]
  if (st?.sessionId) await call('orm.close', { sessionId: st.sessionId }).catch(() => {})
  useOrm.setState((s) => {
    const next = { ...s }
    delete next[tabId]
    return next
  }, true)
}

export function setOrmTable(tabId: string, table: string) {
  patch(tabId, { table })
}

export async function runOrmQuery(
  tabId: string,
  q: {
    table: string
    limit?: number
    loaders: { relationship: string; strategy: 'select' | 'joined' | 'selectin' | 'subquery' | 'raise' }[]
  },
) {
  const st = useOrm.getState()[tabId]
  if (!st?.sessionId) return
  patch(tabId, { busy: true, error: null })
  try {
    const r = await call('orm.query', {
      sessionId: st.sessionId,
      table: q.table,
      limit: q.limit,
      loaders: q.loaders,
      orderBy: [],
    })
    patch(tabId, { results: r.refs, snapshot: r.snapshot, busy: false })
  } catch (e) {
    patch(tabId, {
      busy: false,
      error: { message: errorMessage(e), refs: [], code: e instanceof BridgeError ? e.code : undefined },
    })
  }
}

/** Run one session operation; an error comes back with the objects it concerns. */
export async function ormAct(tabId: string, action: OrmAction): Promise<number | null> {
  const st = useOrm.getState()[tabId]
  if (!st?.sessionId) return null
  patch(tabId, { busy: true })
  try {
    const r = await call('orm.act', { sessionId: st.sessionId, action })
    const results = r.ref !== null && !st.results.includes(r.ref) ? [...st.results, r.ref] : st.results
    patch(tabId, {
      snapshot: r.snapshot,
      results,
      busy: false,
      error: r.error
        ? { message: `${r.error.code}: ${r.error.message}`, refs: r.error.refs, code: r.error.code }
        : null,
    })
    if (action.op === 'configure') {
      const m = await call('orm.snapshot', { sessionId: st.sessionId })
      patch(tabId, { snapshot: m })
    }
    return r.ref
  } catch (e) {
    patch(tabId, {
      busy: false,
      error: { message: errorMessage(e), refs: [], code: e instanceof BridgeError ? e.code : undefined },
    })
    return null
  }
}

/** A fresh connection for the tab's session after its connection dropped; pending changes stay. */
export async function reconnectOrmSession(tabId: string) {
  const st = useOrm.getState()[tabId]
  if (!st?.sessionId) return
  patch(tabId, { busy: true })
  try {
    const r = await call('orm.reconnect', { sessionId: st.sessionId })
    patch(tabId, {
      snapshot: r.snapshot,
      busy: false,
      error: r.rolledBack
        ? {
            message:
              'Reconnected. The lost transaction had flushed changes, which the database threw away: the session rolled back (objects added in it are transient again, the rest expired).',
            refs: [],
          }
        : null,
    })
  } catch (e) {
    patch(tabId, {
      busy: false,
      error: { message: errorMessage(e), refs: [], code: e instanceof BridgeError ? e.code : undefined },
    })
  }
}

export function applyConfigureLocally(
  tabId: string,
  table: string,
  rel: string,
  p: { cascade?: string; passiveDeletes?: boolean | 'all'; lazy?: MapperInfo['relationships'][number]['lazy'] },
) {
  const st = useOrm.getState()[tabId]
  if (!st) return
  patch(tabId, {
    mappers: st.mappers.map((m) =>
      m.table !== table
        ? m
        : {
            ...m,
            relationships: m.relationships.map((r) =>
              r.name !== rel
                ? r
                : {
                    ...r,
                    ...(p.cascade !== undefined
                      ? {
                          cascade: p.cascade
                            .split(',')
                            .map((x) => x.trim())
                            .filter(Boolean),
                        }
                      : {}),
                    ...(p.passiveDeletes !== undefined ? { passiveDeletes: p.passiveDeletes } : {}),
                    ...(p.lazy ? { lazy: p.lazy } : {}),
                  },
            ),
          },
    ),
  })
}
