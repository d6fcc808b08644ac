/**
 * Who in this app holds a transaction where. A lock wait or a "database is locked" then names its
 * holder ("the query tabs of Sample database, in a transaction for 42 s, last: UPDATE ...")
 * instead of nothing, and the user can roll the app's own holder back. SQLite reports no lock
 * owners, so for it this book is the only source; for PostgreSQL it maps the backend pids that
 * `pg_blocking_pids` names to the app's connections.
 */

/** One connection that can hold a transaction. */
export interface LockParty {
  readonly partyId: string
  /** What the user calls it: "the query tabs of Sample database", "console pane B". */
  label: string
  /** What it locks: a SQLite file's real path, or a PostgreSQL server and database. */
  readonly resource: string
  /** The server's process id for this connection (PostgreSQL), to match pg_blocking_pids. */
  readonly pid?: number
  /** When its open transaction began, or null when it has none. */
  transactionSince(): number | null
  lastStatement(): string
  /** Ends its transaction (ROLLBACK on its own connection). */
  rollback(): Promise<void>
}

/** A holder as the bridge carries it. */
export interface HolderInfo {
  /** Set for the app's own connections (the ones a rollback can reach). */
  id: string | null
  label: string
  since: number | null
  lastStatement: string
}

const parties = new Map<string, LockParty>()

export const lockBook = {
  register(p: LockParty): () => void {
    parties.set(p.partyId, p)
    return () => {
      if (parties.get(p.partyId) === p) parties.delete(p.partyId)
    }
  },

  get(id: string): LockParty | undefined {
    return parties.get(id)
  },

  /** The app's connections to the same resource with a transaction open, the asker left out. */
  holders(resource: string, except?: LockParty): HolderInfo[] {
    const out: HolderInfo[] = []
    for (const p of parties.values()) {
      if (p === except || p.resource !== resource) continue
      const since = p.transactionSince()
      if (since !== null) out.push(info(p, since))
    }
    return out.sort((a, b) => (a.since ?? 0) - (b.since ?? 0))
  },

  /** The app's connection behind a server process id, if it is one of ours. */
  byPid(resource: string, pid: number): HolderInfo | null {
    for (const p of parties.values()) if (p.resource === resource && p.pid === pid) return info(p, p.transactionSince())
    return null
  },
}

function info(p: LockParty, since: number | null): HolderInfo {
  return { id: p.partyId, label: p.label, since, lastStatement: p.lastStatement() }
}

/** "the query tabs of Sample database (in a transaction for 42 s; last: UPDATE cities SET …)". */
export function describeHolder(h: HolderInfo, now = Date.now()): string {
  const age = h.since !== null ? `in a transaction for ${formatAge(now - h.since)}` : 'no transaction open now'
  const last = h.lastStatement ? `; last: ${h.lastStatement.replace(/\s+/g, ' ').slice(0, 80)}` : ''
  return `${h.label} (${age}${last})`
}

export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s} s`
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`
  return `${Math.floor(s / 3600)} h ${Math.floor((s % 3600) / 60)} min`
}
