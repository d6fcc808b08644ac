import type { Driver } from '../driver'
import type { BlockProbe, LockProbeFactory } from '../lock-probe'
import { PostgresDriver } from './pg-driver'

/**
 * PostgreSQL: the server's answer, as isolationtester asks it: is this backend blocked by one of
 * the others (locks, and a SERIALIZABLE READ ONLY DEFERRABLE snapshot waiting to be safe)? A wait
 * on a connection outside the engine is what the pane's driver saw through pg_blocking_pids.
 */
export function postgresProbe(admin: Driver): BlockProbe {
  return async (pane, others) => {
    if (pane.backendId === null) return pane.state === 'waiting' ? { blockedBy: pane.waitingOn } : false
    const pids = others.map((p) => p.backendId).filter((x): x is number => x !== null)
    const r = await admin.query(
      'SELECT pg_catalog.pg_isolation_test_session_is_blocked($1, $2::int[]) AS b, pg_catalog.pg_blocking_pids($1) AS by',
      [pane.backendId, pids],
    )
    const by = pidList(r.rows[0]?.[1])
    if (r.rows[0]?.[0] === true) return { blockedBy: by.length ? by : pids }
    return pane.state === 'waiting' && pane.waitingOn.some((pid) => !pids.includes(pid))
      ? { blockedBy: pane.waitingOn }
      : false
  }
}

/** The probe asks on a connection of its own, so it is never queued behind a blocked step. */
export const openPostgresProbe: LockProbeFactory = async (config) => {
  if (config.engine !== 'postgres') throw new Error('not a PostgreSQL connection')
  const admin = await PostgresDriver.open(config)
  admin.label = 'step engine (lock probe)'
  return { probe: postgresProbe(admin), close: () => admin.close() }
}

/** An int[] as the driver hands it over: an array, or its text ("[1,2]" or "{1,2}"). */
function pidList(v: unknown): number[] {
  if (Array.isArray(v)) return v.map(Number)
  if (typeof v === 'string') return (v.match(/\d+/g) ?? []).map(Number)
  return []
}
