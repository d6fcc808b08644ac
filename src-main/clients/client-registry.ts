/**
 * Who owns what. Every request comes from one client (an Electron window, or one WebSocket
 * client identified by an id the page keeps for its life, reloads included). Whatever holds a
 * transaction or keeps running (connections, ORM sessions, console panes, exports, discoveries,
 * running queries) is registered under the client that made it. When a client goes away, its
 * resources are released after a grace period: a reload inside it finds them again, and a closed
 * tab no longer leaves a SQLite file locked until the host restarts.
 */

/** Passed to every handler with its input. */
export interface RequestContext {
  clientId: string
}

export type ResourceKind = 'connection' | 'orm-session' | 'console' | 'export' | 'discovery' | 'query'

export interface OwnedResource {
  kind: ResourceKind
  id: string
  /** Said in logs and in lock explanations: "query tab on Sample database". */
  label: string
  /** Rolls back and frees it; called once, at most. */
  release: () => Promise<unknown> | void
}

interface ClientEntry {
  resources: Map<string, OwnedResource>
  connected: number
  timer: NodeJS.Timeout | null
  since: number
}

/** A client id that nothing owns: tests and the CLI call handlers directly with it. */
export const LOCAL_CLIENT = 'local'

const key = (kind: ResourceKind, id: string) => `${kind}:${id}`

export class ClientRegistry {
  private clients = new Map<string, ClientEntry>()
  private owners = new Map<string, string>()

  constructor(
    /** How long a client may be gone before its resources are released. */
    readonly graceMs = 15_000,
    private readonly log: (message: string) => void = () => {},
  ) {}

  private entry(clientId: string): ClientEntry {
    let e = this.clients.get(clientId)
    if (!e) {
      e = { resources: new Map(), connected: 0, timer: null, since: Date.now() }
      this.clients.set(clientId, e)
    }
    return e
  }

  /** A transport for this client opened (a first connect, or a reload coming back). */
  attach(clientId: string): { resumed: number } {
    const e = this.entry(clientId)
    e.connected++
    if (e.timer) {
      clearTimeout(e.timer)
      e.timer = null
      this.log(`client ${clientId} came back within the grace period: ${e.resources.size} resource(s) kept`)
    }
    return { resumed: e.resources.size }
  }

  /** A transport closed; when the client has none left, its resources go after the grace period. */
  detach(clientId: string): void {
    const e = this.clients.get(clientId)
    if (!e) return
    e.connected = Math.max(0, e.connected - 1)
    if (e.connected > 0 || e.timer) return
    if (e.resources.size === 0) {
      this.clients.delete(clientId)
      return
    }
    e.timer = setTimeout(() => void this.releaseClient(clientId), this.graceMs)
    e.timer.unref?.()
  }

  isConnected(clientId: string): boolean {
    return (this.clients.get(clientId)?.connected ?? 0) > 0
  }

  own(clientId: string, r: OwnedResource): void {
    if (clientId === LOCAL_CLIENT) return
    const k = key(r.kind, r.id)
    const prev = this.owners.get(k)
    if (prev && prev !== clientId) this.clients.get(prev)?.resources.delete(k)
    this.entry(clientId).resources.set(k, r)
    this.owners.set(k, clientId)
  }

  /** The resource ended on its own (closed, finished): nothing to release any more. */
  disown(kind: ResourceKind, id: string): void {
    const k = key(kind, id)
    const owner = this.owners.get(k)
    if (!owner) return
    this.owners.delete(k)
    this.clients.get(owner)?.resources.delete(k)
  }

  ownerOf(kind: ResourceKind, id: string): string | null {
    return this.owners.get(key(kind, id)) ?? null
  }

  label(kind: ResourceKind, id: string): string | null {
    const owner = this.owners.get(key(kind, id))
    return owner ? (this.clients.get(owner)?.resources.get(key(kind, id))?.label ?? null) : null
  }

  resources(clientId: string): OwnedResource[] {
    return [...(this.clients.get(clientId)?.resources.values() ?? [])]
  }

  /** Releases everything the client owns, newest first (a query before its connection). */
  async releaseClient(clientId: string): Promise<number> {
    const e = this.clients.get(clientId)
    if (!e) return 0
    if (e.timer) clearTimeout(e.timer)
    e.timer = null
    const all = [...e.resources.entries()].reverse()
    e.resources.clear()
    if (e.connected === 0) this.clients.delete(clientId)
    for (const [k] of all) this.owners.delete(k)
    for (const [, r] of all) {
      try {
        await r.release()
      } catch (err) {
        this.log(`releasing ${r.label}: ${err instanceof Error ? err.message : String(err)}`)
      }
    }
    if (all.length) this.log(`client ${clientId} gone: released ${all.map(([, r]) => r.label).join(', ')}`)
    return all.length
  }

  /** At shutdown: every timer stopped, everything released. */
  async releaseAll(): Promise<void> {
    for (const id of [...this.clients.keys()]) await this.releaseClient(id)
  }
}
