import type { BlockProbe, LockProbeFactory } from '../lock-probe'
import { MariadbDriver } from './mariadb-driver'
import { lockWaits } from './mariadb-waits'
import type { Driver } from '../driver'

/** InnoDB's answer: is this connection's transaction waiting for a lock, and whose? */
export function mariadbProbe(admin: Driver, resource: string): BlockProbe {
  return async (pane) => {
    if (pane.backendId === null) return pane.state === 'waiting' ? { blockedBy: pane.waitingOn } : false
    const waits = await lockWaits(resource, async (sql) => (await admin.query(sql)).rows)
    const by = waits.get(pane.backendId) ?? []
    return by.length ? { blockedBy: by } : false
  }
}

/** The probe asks on a connection of its own, so it is never queued behind a blocked step. */
export const openMariadbProbe: LockProbeFactory = async (config) => {
  if (config.engine !== 'mariadb') throw new Error('not a MariaDB connection')
  const admin = await MariadbDriver.open(config)
  admin.label = 'step engine (lock probe)'
  return { probe: mariadbProbe(admin, admin.resource), close: () => admin.close() }
}
