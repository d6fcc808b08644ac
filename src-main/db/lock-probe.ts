import type { ConnectionConfig } from '../../src-shared/connection'

/**
 * Lock inspection, the role each engine fills in its own folder (`<engine>/*-lock-probe.ts`):
 * whether a connection's running statement is blocked by one of the others. The step engine
 * (../tx/step-engine.ts) asks it; a console pane is such a participant.
 */
export interface LockParticipant {
  /** The server's id for the connection (PostgreSQL's pid), where there is one. */
  readonly backendId: number | null
  state: 'idle' | 'in transaction' | 'failed' | 'waiting' | 'disconnected' | string
  /** Where the driver saw a wait: since when, and on which backends. */
  waitingSince: number
  waitingOn: number[]
  /** Wrote in the current transaction. */
  wrote: boolean
  /** Read in the current transaction. */
  read: boolean
  /** How the current transaction began (SQLite's DEFERRED, IMMEDIATE, EXCLUSIVE), if it did. */
  beganWith: string | null
}

/**
 * Whether `pane`'s running step is blocked by another participant (or by something outside):
 * false, or the blocking backends where the engine knows them (PostgreSQL pids; empty on SQLite).
 */
export type BlockProbe = (pane: LockParticipant, others: LockParticipant[]) => Promise<false | { blockedBy: number[] }>

/** Opens the probe for a database; a probe that needs a connection of its own closes it in `close`. */
export type LockProbeFactory = (
  config: ConnectionConfig,
  journalMode: string | null,
) => Promise<{ probe: BlockProbe; close: () => Promise<void> }>
