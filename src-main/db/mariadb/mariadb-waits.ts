import type mysql from 'mysql2/promise'
import type { WaitEvent } from '../driver'
import { lockBook, type HolderInfo } from '../lock-book'
import { watchWaits } from '../wait-watch'

const WAIT_POLL_MS = 40

/** Every lock wait on the server: the waiting connection's id, and the id of the one it waits for. */
const WAITS_SQL = `SELECT r.trx_mysql_thread_id AS waiter, b.trx_mysql_thread_id AS blocker
  FROM information_schema.INNODB_LOCK_WAITS w
  JOIN information_schema.INNODB_TRX r ON r.trx_id = w.requesting_trx_id
  JOIN information_schema.INNODB_TRX b ON b.trx_id = w.blocking_trx_id`

/**
 * InnoDB fills INNODB_TRX and INNODB_LOCK_WAITS from a cache it refreshes only when nobody has
 * read it for 100 ms (trx0i_s.cc): polled faster, it never changes. So every reader in this
 * process goes through one throttle per server, which reads at most every 120 ms. An answer is
 * always read after it was asked for (a wait a COMMIT just released must not be reported from a
 * read begun before the COMMIT); askers meanwhile share the next read.
 */
const MIN_GAP_MS = 120
type Waits = Map<number, number[]>
const servers = new Map<string, { last: number; inflight: Promise<Waits> | null; queued: Promise<Waits> | null }>()

async function readWaits(query: (sql: string) => Promise<unknown[][]>): Promise<Waits> {
  const out: Waits = new Map()
  for (const [waiter, blocker] of await query(WAITS_SQL)) {
    const w = Number(waiter)
    out.set(w, [...new Set([...(out.get(w) ?? []), Number(blocker)])])
  }
  return out
}

export function lockWaits(resource: string, query: (sql: string) => Promise<unknown[][]>): Promise<Waits> {
  let state = servers.get(resource)
  if (!state) servers.set(resource, (state = { last: 0, inflight: null, queued: null }))
  const s = state
  if (s.queued) return s.queued
  const run = async (): Promise<Waits> => {
    await null // the caller records this read as queued before it starts
    const gap = s.last + MIN_GAP_MS - Date.now()
    if (gap > 0) await new Promise((r) => setTimeout(r, gap))
    s.queued = null
    const p = readWaits(query)
    s.inflight = p
    try {
      return await p
    } finally {
      s.last = Date.now()
      if (s.inflight === p) s.inflight = null
    }
  }
  s.queued = s.inflight ? s.inflight.then(run, run) : run()
  return s.queued
}

/** The app's own connections by their names; any other by what the server says of it. */
async function describe(mon: mysql.Connection, resource: string, ids: number[]): Promise<HolderInfo[]> {
  const out: HolderInfo[] = []
  for (const id of ids) {
    const own = lockBook.byPid(resource, id)
    if (own) {
      out.push(own)
      continue
    }
    const [rows] = (await mon.query('SELECT user, host, info FROM information_schema.PROCESSLIST WHERE id = ?', [
      id,
    ])) as unknown as [unknown[][]]
    const r = rows[0]
    out.push({
      id: null,
      label: `another program (${r ? `${String(r[0])}@${String(r[1])}` : 'gone'}), connection ${id}`,
      since: null,
      lastStatement: r?.[2] == null ? '' : String(r[2]),
    })
  }
  return out
}

/**
 * While a statement runs, a second connection asks InnoDB whether our connection's transaction
 * waits for a lock (INNODB_LOCK_WAITS) and reports each wait's start and end with the blockers.
 */
export function watchForWaits(o: {
  listeners: ReadonlySet<(e: WaitEvent) => void>
  running: { queryId: string | null }
  threadId: number
  resource: string
  monitor: () => Promise<mysql.Connection>
}): () => void {
  return watchWaits({
    listeners: o.listeners,
    running: o.running,
    pollMs: WAIT_POLL_MS,
    blockers: async () => {
      const mon = await o.monitor()
      const waits = await lockWaits(o.resource, async (sql) => ((await mon.query(sql)) as unknown as [unknown[][]])[0])
      return waits.get(o.threadId) ?? []
    },
    describe: async (ids) => describe(await o.monitor(), o.resource, ids),
  })
}
