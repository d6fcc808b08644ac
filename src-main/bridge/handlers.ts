import { AppError } from '../../src-shared/errors'
import { openDriver } from '../db/open-driver'
import { type Services } from '../services'
import type { Handlers } from './router'
import { CancelToken } from '../normalize/discover-thread'
import type { Driver } from '../db/driver'
import { randomBytes } from 'node:crypto'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { safeFileName } from '../clients/safe-file-name'
import { appHandlers } from './handlers/app'
import { connectionsHandlers } from './handlers/connections'
import { dataHandlers } from './handlers/data'
import { ormHandlers } from './handlers/orm'
import { txHandlers } from './handlers/tx'
import { normalizeHandlers } from './handlers/normalize'
import { modelHandlers } from './handlers/model'
import { queryHandlers } from './handlers/query'
import type { HandlerKit } from './handlers/kit'

/** One handler per contract method; each is a thin call into a service. */
export function createHandlers(s: Services): Handlers {
  /** Running discoveries, by the id the renderer gave them, so Cancel can reach them. */
  const normalizeJobs = new Map<string, CancelToken>()

  /**
   * Schema changes (applies, migrations, normalization) run on a connection of their own, never
   * on the handle's: on PostgreSQL a BEGIN inside the query tabs' open transaction is only a
   * warning, so a failed apply rolled back the user's uncommitted work, and a good one committed it.
   */
  async function onOwnConnection<T>(handle: string, fn: (d: Driver) => Promise<T>): Promise<T> {
    s.connections.driver(handle) // a closed or lost handle says so first
    const name = s.connections.list().find((c) => c.handle === handle)?.name ?? 'this database'
    const d = await openDriver(s.connections.config(handle), `a schema change on ${name}`)
    try {
      return await fn(d)
    } finally {
      await d.close().catch(() => {})
      s.data.invalidate(handle)
    }
  }

  /** A fresh folder under the data directory's downloads/ (see the web host's /download/ route). */
  async function downloadTarget(name: string) {
    if (s.info.transport !== 'web')
      throw new AppError('UNSUPPORTED', 'The desktop app saves files through its file dialog')
    const id = randomBytes(9).toString('base64url').replace(/_/g, '-')
    const file = safeFileName(name)
    await mkdir(join(s.info.dataDir, 'downloads', id), { recursive: true })
    return { path: join(s.info.dataDir, 'downloads', id, file), url: `/download/${id}/${encodeURIComponent(file)}` }
  }

  const kit: HandlerKit = { s, onOwnConnection, downloadTarget, normalizeJobs }
  return {
    ...appHandlers(kit),
    ...connectionsHandlers(kit),
    ...dataHandlers(kit),
    ...ormHandlers(kit),
    ...txHandlers(kit),
    ...normalizeHandlers(kit),
    ...modelHandlers(kit),
    ...queryHandlers(kit),
  }
}
