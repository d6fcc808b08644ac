import { getState, setState } from '../../app/store'

/**
 * The query tabs' text, kept in the app's storage per saved connection: a restart, a reload or a
 * disconnect loses none of it. Opening the connection again brings its query tabs back; closing a
 * query tab is what forgets its text.
 */
const KEY = 'schemist-query-drafts'
type Stored = Record<string, { title: string; text: string }[]>

const texts = new Map<string, string>()
let timer: ReturnType<typeof setTimeout> | null = null

function read(): Stored {
  try {
    const v = JSON.parse(localStorage.getItem(KEY) ?? '{}') as unknown
    return v && typeof v === 'object' && !Array.isArray(v) ? (v as Stored) : {}
  } catch {
    return {}
  }
}

/** Tabs of open connections as they are now; those of closed connections as they were stored. */
function persist() {
  if (timer) clearTimeout(timer)
  timer = null
  const s = getState()
  const out: Stored = read()
  const openIds = new Set(
    Object.values(s.open)
      .map((c) => c.savedId)
      .filter((id): id is string => !!id),
  )
  for (const id of openIds) delete out[id]
  for (const t of s.tabs) {
    if (t.kind !== 'query') continue
    const savedId = s.open[t.handle]?.savedId
    const text = texts.get(t.id)
    if (!savedId || text === undefined) continue
    ;(out[savedId] ??= []).push({ title: t.title, text })
  }
  try {
    localStorage.setItem(KEY, JSON.stringify(out))
  } catch {
    // Storage full or unavailable: the text stays in memory for this run.
  }
}

if (typeof window !== 'undefined') window.addEventListener('beforeunload', () => timer && persist())

export function draftOf(tabId: string): string | undefined {
  return texts.get(tabId)
}

export function setDraft(tabId: string, text: string) {
  texts.set(tabId, text)
  if (timer) clearTimeout(timer)
  timer = setTimeout(persist, 300)
}

/** A query tab closed by the user: its text goes. */
export function forgetDraft(tabId: string) {
  if (!texts.delete(tabId)) return
  persist()
}

/** The connection's query tabs from last time, opened again in the background with their text. */
export function restoreDrafts(savedId: string, handle: string, newTabId: () => { id: string; n: number }) {
  const entries = read()[savedId]
  if (!entries?.length) return
  const tabs = entries.map((e) => {
    const { id, n } = newTabId()
    texts.set(id, e.text)
    return { id, kind: 'query' as const, handle, title: /^Query \d+$/.test(e.title) ? `Query ${n}` : e.title }
  })
  setState((s) => ({ tabs: [...s.tabs, ...tabs], activeTab: s.activeTab ?? tabs[0].id }))
}
