import { expect } from 'vitest'
import type { ConnectionConfig } from '../../src-shared/connection'
import type { EventPayload } from '../../src-shared/contract'
import { EventBus } from '../events/event-bus'
import { openDriver } from '../db/open-driver'
import { TxConsoles } from '../tx/tx-consoles'

/**
 * A transaction console on a database prepared by `setup` (run on a connection of its own), with
 * every step event kept, and helpers that wait for a step to finish or to start waiting.
 */
export async function consoleOn(config: ConnectionConfig, setup: string[], panes = 2) {
  const admin = await openDriver(config)
  for (const sql of setup) await admin.query(sql)
  await admin.close()
  const events = new EventBus()
  const steps: EventPayload<'onTxStep'>[] = []
  events.subscribe((e, p) => e === 'onTxStep' && steps.push(p as EventPayload<'onTxStep'>))
  const consoles = new TxConsoles(events)
  const cfg = { ...config, create: false } as ConnectionConfig
  const id = await consoles.open(cfg, panes)
  const finished = (entry: number) =>
    expect
      .poll(() => steps.some((s) => s.entry.id === entry && s.entry.finishedAt !== null), { timeout: 5000 })
      .toBe(true)
  const waits = (entry: number) =>
    expect
      .poll(() => steps.some((s) => s.entry.id === entry && s.entry.waitStartedAt !== null), { timeout: 5000 })
      .toBe(true)
  /** The step's last reported state once it finished. */
  const outcome = (entry: number) => steps.find((s) => s.entry.id === entry && s.entry.finishedAt !== null)!.entry
  const run = async (pane: string, sql: string) => {
    const e = consoles.run(id, pane, sql)
    await finished(e)
    return outcome(e)
  }
  return { consoles, id, cfg, steps, finished, waits, outcome, run }
}
