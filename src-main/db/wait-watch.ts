import type { WaitEvent } from './driver'
import type { HolderInfo } from './lock-book'

/**
 * While a statement runs, poll who blocks it (an engine's own question, asked on a second
 * connection) and report each wait's start, a change of blockers, and its end, with the holders
 * described. Each engine's `*-waits.ts` says how to ask and how to describe a blocker.
 */
export function watchWaits(o: {
  listeners: ReadonlySet<(e: WaitEvent) => void>
  running: { queryId: string | null }
  pollMs: number
  /** The server's ids of the connections the running statement waits for (empty: none). */
  blockers: () => Promise<number[]>
  describe: (ids: number[]) => Promise<HolderInfo[]>
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
      const ids = await o.blockers()
      if (stopped) return
      if (ids.length > 0 && (!since || ids.join() !== blockers.join())) {
        holders = await o.describe(ids).catch(() => [])
        if (stopped) return
        since ||= Date.now()
        blockers = ids
        emit(true)
      } else if (ids.length === 0 && since) {
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
  }, o.pollMs)
  return async () => {
    clearInterval(timer)
    stopped = true
    if (since) emit(false)
  }
}
