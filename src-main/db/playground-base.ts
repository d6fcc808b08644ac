import type { PlaygroundStatus } from '../../src-shared/contract'
import type { ConnectionConfig } from '../../src-shared/connection'
import type { PlaygroundEngine } from '../../src-shared/engines'

/**
 * What every local playground shares: a status with listeners, and start, stop and reset run
 * one at a time. An engine's playground (PostgreSQL's in playground.ts, MariaDB's in its
 * folder) says how its server starts, stops and is wiped.
 */
export abstract class PlaygroundBase {
  protected status: PlaygroundStatus
  private listeners = new Set<(s: PlaygroundStatus) => void>()
  private busy: Promise<unknown> = Promise.resolve()

  constructor(
    readonly engine: PlaygroundEngine,
    protected readonly root: string,
    unavailable: string | null = null,
  ) {
    this.status = {
      engine,
      state: 'stopped',
      dataDir: root,
      port: null,
      connectionId: null,
      message: unavailable,
      available: unavailable == null,
    }
  }

  get current(): PlaygroundStatus {
    return this.status
  }

  onStatus(l: (s: PlaygroundStatus) => void) {
    this.listeners.add(l)
    return () => this.listeners.delete(l)
  }

  protected set(patch: Partial<PlaygroundStatus>) {
    this.status = { ...this.status, ...patch }
    for (const l of this.listeners) l(this.status)
  }

  setConnectionId(id: string) {
    this.set({ connectionId: id })
  }

  /** The connection config for the running playground. */
  abstract config(): Promise<ConnectionConfig>
  protected abstract doStart(): Promise<PlaygroundStatus>
  protected abstract doStop(): Promise<PlaygroundStatus>
  /** Delete the server's files (it is stopped). */
  protected abstract wipe(): Promise<void>

  start(): Promise<PlaygroundStatus> {
    return this.serial(() => this.doStart())
  }
  stop(): Promise<PlaygroundStatus> {
    return this.serial(() => this.doStop())
  }
  reset(): Promise<PlaygroundStatus> {
    return this.serial(async () => {
      await this.doStop()
      await this.wipe()
      return this.doStart()
    })
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.busy.then(fn, fn)
    this.busy = run.catch(() => {})
    return run
  }
}
