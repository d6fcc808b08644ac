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
}): () => void {
  const { listeners, running } = o
  if (listeners.size === 0) return () => {}
  let since = 0
  let blockers: number[] = []
  let holders: HolderInfo[] = []
  let stopped = false
  let polling = false
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
    } finally {
      polling = false
    }
  }
  const watch: Watch = {
    startedAt: performance.now(),
    pollMs: o.pollMs,
    // One poll at a time: a slow monitor query is not stacked up behind itself.
    tick: () => {
      if (polling || stopped) return
      polling = true
      void poll()
    },
  }
  watching(watch)
  return () => {
    stopped = true
    unwatch(watch)
    if (since) emit(false)
  }
}

interface Watch {
  startedAt: number
  pollMs: number
  tick: () => void
}

/*
 * One timer for every statement being watched, rather than one per statement: a console step or
 * a grid page is a fraction of a millisecond, and making and clearing an interval for each was a
 * good part of what a pane adds to a round trip. A statement is polled once it has run pollMs;
 * the timer stops after a second with nothing to watch, and never keeps the process alive.
 */
const watches = new Set<Watch>()
let timer: ReturnType<typeof setInterval> | null = null
let idleTicks = 0
const TICK_MS = 10
const IDLE_TICKS = 100

function watching(w: Watch) {
  watches.add(w)
  idleTicks = 0
  if (timer) return
  timer = setInterval(() => {
    if (watches.size === 0) {
      if (++idleTicks >= IDLE_TICKS && timer) {
        clearInterval(timer)
        timer = null
      }
      return
    }
    const now = performance.now()
    for (const x of watches) if (now - x.startedAt >= x.pollMs) x.tick()
  }, TICK_MS)
  timer.unref?.()
}

function unwatch(w: Watch) {
  watches.delete(w)
}
