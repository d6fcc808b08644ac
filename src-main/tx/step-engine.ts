import type { ConnectionConfig } from '../../src-shared/connection'
import type { StepOutcome } from '../../src-shared/tx'
import type { BlockProbe } from '../db/lock-probe'
import { engineRoles } from '../db/open-driver'
import type { TxPane } from './tx-pane'

/**
 * The one step engine: scenarios, SQLite spec permutations and the console's step queue all send
 * their steps through it. It follows PostgreSQL's isolationtester (run_permutation and
 * try_complete_step): a step is sent on its pane's connection; the engine then waits until it has
 * either completed or is confirmed blocked, and before the next step it waits, for every step
 * left waiting earlier, until that one too has completed or is confirmed still blocked. So a
 * step a commit released always completes before the next step is sent, however slow the
 * machine, and a slow step that waits on nothing is waited for, not taken for a lock wait.
 *
 * "Confirmed blocked" is the server's word where it has one (PostgreSQL's
 * pg_isolation_test_session_is_blocked, which also knows safe-snapshot waits), and on SQLite,
 * which reports no lock owners, the app's own bookkeeping: the worker is retrying SQLITE_BUSY and
 * another pane holds a lock that can be the reason.
 */

export interface StepEngineOptions {
  /** A step neither completed nor confirmed blocked after this long is reported as still running. */
  stallMs?: number
  /** How often to ask (isolationtester asks every 10 ms). */
  pollMs?: number
}

export type SendResult = { state: 'completed'; outcome: StepOutcome } | { state: 'blocked' } | { state: 'running' }

interface InFlight {
  pane: TxPane
  done: Promise<StepOutcome>
  outcome: StepOutcome | null
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

export class StepEngine {
  private inflight = new Map<TxPane, InFlight>()
  private stallMs: number
  private pollMs: number

  constructor(
    private readonly panes: () => TxPane[],
    private readonly probe: BlockProbe,
    options: StepEngineOptions = {},
  ) {
    this.stallMs = options.stallMs ?? 30_000
    this.pollMs = options.pollMs ?? 10
  }

  /**
   * Send a step: `start` sends it on `pane` (directly, or through the console so its timeline
   * records it) and resolves when it completes. Returns once it completed or is confirmed
   * blocked, and every step waiting before it has completed or is confirmed still blocked.
   */
  async send(pane: TxPane, start: () => Promise<StepOutcome>, signal?: { stopped: boolean }): Promise<SendResult> {
    const f: InFlight = { pane, done: start(), outcome: null }
    this.inflight.set(pane, f)
    void f.done.then((o) => (f.outcome = o))
    const state = await this.settle(f, signal)
    await this.settleOthers(f, signal)
    return state === 'completed' ? { state, outcome: f.outcome! } : { state }
  }

  /** Wait until every waiting step has completed or is confirmed blocked. */
  private async settleOthers(except?: InFlight, signal?: { stopped: boolean }): Promise<void> {
    for (const other of [...this.inflight.values()])
      if (other !== except && !other.outcome) await this.settle(other, signal)
    this.forgetCompleted()
  }

  /** Wait for the step a pane is running (a pane's steps run in order), at most `ms`. */
  async finishOn(pane: TxPane, ms: number): Promise<boolean> {
    const f = this.inflight.get(pane)
    if (!f || f.outcome) return true
    const ok = await Promise.race([f.done.then(() => true), sleep(ms).then(() => false)])
    if (ok) this.inflight.delete(pane)
    return ok
  }

  /** Wait for every step still running, at most `ms` in all. */
  async finishAll(ms: number): Promise<boolean> {
    const open = [...this.inflight.values()].filter((f) => !f.outcome)
    const ok = await Promise.race([Promise.all(open.map((f) => f.done)).then(() => true), sleep(ms).then(() => false)])
    this.forgetCompleted()
    return ok
  }

  private forgetCompleted() {
    for (const [p, f] of this.inflight) if (f.outcome) this.inflight.delete(p)
  }

  private async settle(f: InFlight, signal?: { stopped: boolean }): Promise<'completed' | 'blocked' | 'running'> {
    const started = Date.now()
    for (;;) {
      if (f.outcome) return 'completed'
      // A step that completes while the probe's answer is on its way counts as completed.
      const blocked = await this.probe(
        f.pane,
        this.panes().filter((p) => p !== f.pane),
      ).catch(() => false as const)
      if (f.outcome) return 'completed'
      if (blocked) {
        // The server's word is quicker than the driver's own watch: the step's wait starts now.
        f.pane.confirmWait(blocked.blockedBy)
        return 'blocked'
      }
      if (signal?.stopped || Date.now() - started > this.stallMs) return 'running'
      await Promise.race([f.done, sleep(this.pollMs)])
    }
  }
}

/** The probe for a database, from its engine's folder (see ../db/lock-probe.ts). */
export function probeFor(
  config: ConnectionConfig,
  journalMode: string | null,
): Promise<{ probe: BlockProbe; close: () => Promise<void> }> {
  return engineRoles(config.engine).lockProbe(config, journalMode)
}
