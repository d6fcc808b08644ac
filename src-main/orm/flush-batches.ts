import type { BatchStep, BatchStepResult } from '../db/driver'
import { runSteps } from './flush-errors'
import type { InstanceState } from './instance-state'
import type { Session } from './session'

/**
 * Rows per batch where a flush sends many (./flush-chain.ts for INSERTs, runLazySteps here for
 * UPDATEs): small enough that the connection starts on the first rows soon, large enough that a
 * batch's own cost (a message each way, a statement lookup) stays small per row.
 */
export const CHUNK_ROWS = 4096

/** A statement run once per state, its parameters built by `row` only when its rows are sent. */
export type LazyStep = { sql: string; states: InstanceState[]; row: (st: InstanceState) => unknown[] }

/**
 * Steps run for their states, one answer per step as runSteps gives. Where the connection takes
 * batches behind batches (SQLite's worker), many rows go in chunks sent back to back: the worker
 * runs the first while this thread builds the parameters of the next. Elsewhere, one batch.
 */
export async function runLazySteps(
  s: Session,
  steps: LazyStep[],
): Promise<{ results: BatchStepResult[]; stepStates: InstanceState[][] }> {
  const stepStates = steps.map((x) => x.states)
  if (!s.driver.batchKeyRefs || steps.every((x) => x.states.length <= CHUNK_ROWS)) {
    const built: BatchStep[] = steps.map((x) => ({ sql: x.sql, params: x.states.map(x.row) }))
    return { results: await runSteps(s, built, stepStates), stepStates }
  }
  await s.tx.ready()
  const sent: Promise<BatchStepResult[]>[] = []
  for (const x of steps)
    for (let off = 0; off < x.states.length; off += CHUNK_ROWS) {
      const sts = x.states.slice(off, off + CHUNK_ROWS)
      const done = runSteps(s, [{ sql: x.sql, params: sts.map(x.row) }], [sts], (b) => s.tx.sendBatch(b))
      // Awaited below in order; a later chunk's failure must not go unhandled meanwhile.
      done.catch(() => {})
      sent.push(done)
    }
  const answers = (await Promise.all(sent)).map((r) => r[0])
  // The chunks' answers merged back into one per step.
  const results: BatchStepResult[] = []
  let k = 0
  for (const x of steps) {
    const parts = answers.slice(k, (k += Math.ceil(x.states.length / CHUNK_ROWS)))
    results.push({
      changes: parts.flatMap((p) => p.changes),
      rows: parts.every((p) => p.rows) ? parts.flatMap((p) => p.rows!) : null,
      ids: parts.every((p) => p.ids) ? parts.flatMap((p) => p.ids!) : null,
    })
  }
  return { results, stepStates }
}
