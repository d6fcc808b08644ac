import type { BlockProbe, LockProbeFactory } from '../lock-probe'

/**
 * SQLite reports no lock owners, so the app keeps the books: a pane is blocked when its worker
 * is retrying SQLITE_BUSY and another pane holds a lock that conflicts (the write lock: a write,
 * or BEGIN IMMEDIATE/EXCLUSIVE; in rollback-journal mode a reader's SHARED lock too, which keeps a
 * committer waiting). A wait with no pane to blame is another program's lock: blocked as well,
 * once the worker has reported it for a moment.
 */
export function sqliteProbe(journalMode: string | null): BlockProbe {
  const wal = (journalMode ?? '').toLowerCase() === 'wal'
  return async (pane, others) => {
    if (pane.state !== 'waiting') return false
    const holder = others.some(
      (o) =>
        o.state !== 'idle' &&
        o.state !== 'disconnected' &&
        (o.wrote || (o.beganWith !== null && o.beganWith !== 'DEFERRED') || (!wal && o.read)),
    )
    if (holder) return { blockedBy: [] }
    return pane.waitingSince > 0 && Date.now() - pane.waitingSince > 250 ? { blockedBy: [] } : false
  }
}

export const openSqliteProbe: LockProbeFactory = async (_config, journalMode) => ({
  probe: sqliteProbe(journalMode),
  close: async () => {},
})
