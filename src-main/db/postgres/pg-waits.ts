import type pg from 'pg'
import { lockBook, type HolderInfo } from '../lock-book'
import type { WaitEvent } from '../driver'
import { watchWaits } from '../wait-watch'

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
}): () => void {
  return watchWaits({
    listeners: o.listeners,
    running: o.running,
    pollMs: WAIT_POLL_MS,
    blockers: async () => {
      const mon = await o.monitor()
      const r = await mon.query<{ pids: number[] }>('SELECT pg_blocking_pids($1) AS pids', [o.backendPid])
      return r.rows[0]?.pids ?? []
    },
    describe: async (pids) => describePids(await o.monitor(), o.resource, pids),
  })
}
