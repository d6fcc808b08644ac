import type pg from 'pg'
import { lockBook, type HolderInfo } from '../lock-book'
import type { WaitEvent } from '../driver'

/** How often a running statement is checked for lock waits, and after how long it starts. */
const WAIT_POLL_MS = 40

/**
 * The holders behind blocking pids: the app's own connections by their names, any other
 * backend by what the server says of it (program, transaction start, statement).
 */
async function describePids(mon: pg.Client, resource: string, pids: number[]): Promise<HolderInfo[]> {
  const out: HolderInfo[] = []
  const foreign: number[] = []
  for (const pid of pids) {
    const own = lockBook.byPid(resource, pid)
    if (own) out.push(own)
    else foreign.push(pid)
  }
  if (foreign.length) {
    const r = await mon.query<{ pid: number; app: string; xact: Date | null; query: string }>(
      'SELECT pid, application_name AS app, xact_start AS xact, query FROM pg_stat_activity WHERE pid = ANY($1::int[])',
      [foreign],
    )
    for (const row of r.rows) {
      out.push({
        id: null,
        label: `${row.app ? `another program (${row.app})` : 'another program'}, server process ${row.pid}`,
        since: row.xact ? new Date(row.xact).getTime() : null,
        lastStatement: row.query ?? '',
      })
    }
  }
  return out
}

/**
 * While a statement runs, a second connection asks the server whether our backend is blocked
 * (`pg_blocking_pids`) and reports the start and end of each wait with the blocking pids.
 */
export function watchForWaits(o: {
  listeners: ReadonlySet<(e: WaitEvent) => void>
  running: { queryId: string | null }
  backendPid: number
  resource: string
  monitor: () => Promise<pg.Client>
}): () => Promise<void> {
  const { listeners, running } = o
  if (listeners.size === 0) return async () => {}
  let since = 0
  let blockers: number[] = []
  let holders: HolderInfo[] = []
  let stopped = false
  let inFlight: Promise<void> = Promise.resolve()
  const emit = (waiting: boolean) => {
    for (const l of listeners)
      l({ queryId: running.queryId, waiting, since, blockedBy: blockers, holders: waiting ? holders : [] })
  }
  const poll = async () => {
    try {
      const mon = await o.monitor()
      const r = await mon.query<{ pids: number[] }>('SELECT pg_blocking_pids($1) AS pids', [o.backendPid])
      if (stopped) return
      const pids = r.rows[0]?.pids ?? []
      if (pids.length > 0 && (!since || pids.join() !== blockers.join())) {
        holders = await describePids(mon, o.resource, pids).catch(() => [])
        if (stopped) return
        since ||= Date.now()
        blockers = pids
        emit(true)
      } else if (pids.length === 0 && since) {
        emit(false)
        since = 0
        blockers = []
      }
    } catch {
      // The monitor is best effort; the statement itself reports real errors.
    }
  }
  const timer = setInterval(() => {
    inFlight = inFlight.then(poll)
  }, WAIT_POLL_MS)
  return async () => {
    clearInterval(timer)
    stopped = true
    if (since) emit(false)
  }
}
