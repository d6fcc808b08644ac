import type { Driver } from '../../db/driver'
import type { CancelToken } from '../../normalize/discover-thread'
import type { Services } from '../../services'
import type { Handlers } from '../router'

/** What the handler groups share: the services, and the helpers several of them use. */
export interface HandlerKit {
  s: Services
  /** Run a schema change on a connection of its own (see ../handlers.ts). */
  onOwnConnection: <T>(handle: string, fn: (d: Driver) => Promise<T>) => Promise<T>
  /** A fresh download location under the data folder (web mode). */
  downloadTarget: (name: string) => Promise<{ path: string; url: string }>
  /** Running discoveries, by the id the renderer gave them, so Cancel can reach them. */
  normalizeJobs: Map<string, CancelToken>
}

/**
 * A group of handlers, typed by the contract (each method's input and output) and kept exact, so
 * the groups put together are checked to cover every method (createHandlers' return type).
 */
export const group = <T extends Partial<Handlers>>(h: T): T => h
