import { txApi } from './api'
import { useEffect, useState } from 'react'
import type { QueueState, ScenarioRun } from '../../../src-shared/tx'
import type { MethodInput } from '../../../src-shared/contract'
import { errorMessage, onEvent } from '../../bridge/client'
import { HistoryFindings } from './HistoryCheck'
import { Icon } from '../../ui/icons'

export const VERDICT_CLASS: Record<ScenarioRun['verdict'], string> = {
  'anomaly observed': 'v-anomaly',
  'prevented by blocking': 'v-blocked',
  'prevented by aborting': 'v-aborted',
  prevented: 'v-ok',
}

/** A scenario from the library being stepped through: judged at the end like a full run. */
export interface ScenarioRef {
  id: string
  level: string | null
}

type Command = MethodInput<'tx.queue'>
/** A command without its console (each variant of the union keeps its own fields). */
type Cmd = Command extends infer C ? (C extends unknown ? Omit<C, 'consoleId'> : never) : never

/**
 * The console's step queue as the main process runs it (src-main/tx/console-queue.ts): a loaded
 * spec's permutation, a library scenario, or the timeline replayed, sent through the one step
 * engine. This hook only sends commands and shows the state main reports.
 */
export function useStepQueue(consoleId: string | null) {
  const [queue, setQueue] = useState<QueueState | null>(null)
  const [error, setError] = useState<string | null>(null)
  /** A command on its way (a step being sent): the buttons wait for it. */
  const [pending, setPending] = useState(false)
  useEffect(() => {
    if (!consoleId) return
    return onEvent('onTxQueue', (p) => p.consoleId === consoleId && setQueue(p.queue))
  }, [consoleId])

  async function send(cmd: Cmd) {
    if (!consoleId) return
    setError(null)
    const long = cmd.action === 'next' || cmd.action === 'finish' || cmd.action === 'load' || cmd.action === 'replay'
    if (long) setPending(true)
    try {
      setQueue(await txApi.queue({ ...cmd, consoleId } as Command))
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      if (long) setPending(false)
    }
  }

  return {
    queue,
    busy: queue?.busy ?? (pending ? ('step' as const) : null),
    message: error ?? queue?.message ?? null,
    verdict: queue?.verdict ?? null,
    loadSpec: (title: string, text: string, scenario: ScenarioRef | null = null) =>
      send({ action: 'load', title, text, scenario }),
    replay: () => send({ action: 'replay' }),
    choosePermutation: (index: number) => send({ action: 'permutation', index }),
    runNext: () => send({ action: 'next' }),
    runAll: () => send({ action: 'all' }),
    stop: () => void send({ action: 'stop' }),
    finish: () => send({ action: 'finish' }),
    close: () => void send({ action: 'close' }),
  }
}

export function QueueBar({ q }: { q: ReturnType<typeof useStepQueue> }) {
  const queue = q.queue
  if (!queue) return null
  const done = queue.next >= queue.steps.length
  const step = queue.steps[queue.next]
  return (
    <div className="queue-bar" data-testid="queue-bar">
      <strong>{queue.title}</strong>
      {queue.permutations.length > 1 && (
        <select
          value={queue.permutation}
          onChange={(e) => q.choosePermutation(Number(e.target.value))}
          disabled={!!q.busy}
          title="Which interleaving of the sessions' steps"
        >
          {queue.permutations.map((p, i) => (
            <option key={i} value={i}>
              permutation {i + 1}: {p.join(' ')}
            </option>
          ))}
        </select>
      )}
      <span className="muted small" data-testid="queue-progress">
        step {Math.min(queue.next + 1, queue.steps.length)} of {queue.steps.length}
        {step ? ` · next: ${step.label} in pane ${step.pane}: ${step.sql.slice(0, 60)}` : ' · all steps sent'}
      </span>
      <span className="spacer" />
      <button
        className="btn small"
        disabled={!!q.busy || done}
        onClick={() => void q.runNext()}
        data-testid="queue-next"
        title="Run the next step in its pane"
      >
        <Icon name="step" size={11} /> Next step
      </button>
      <button
        className="btn small primary"
        disabled={!!q.busy || done}
        onClick={() => void q.runAll()}
        data-testid="queue-all"
        title="Run the remaining steps in order; a step that blocks is left waiting"
      >
        <Icon name="play" size={11} /> Run all
      </button>
      {q.busy === 'all' && (
        <button className="btn small" onClick={q.stop}>
          Stop
        </button>
      )}
      {done && !queue.finished && (
        <button
          className="btn small"
          disabled={!!q.busy}
          onClick={() => void q.finish()}
          data-testid="queue-finish"
          title={
            queue.scenario
              ? 'Judge what happened, then drop the scratch table'
              : "Roll back open transactions and run the spec's teardown"
          }
        >
          {queue.scenario ? 'Verdict' : queue.kind === 'spec' ? 'Teardown' : 'Roll back panes'}
        </button>
      )}
      <button className="icon-button" onClick={q.close} title="Close">
        <Icon name="close" size={12} />
      </button>
      {q.message && (
        <div className="queue-message small" data-testid="queue-message">
          {q.message}
        </div>
      )}
      {q.verdict && (
        <div className={`verdict ${VERDICT_CLASS[q.verdict.verdict]} queue-verdict`} data-testid="queue-verdict">
          <strong>{q.verdict.verdict}</strong> at {q.verdict.level}. {q.verdict.explanation}
        </div>
      )}
      {q.queue?.history && (
        <div className="queue-history">
          <HistoryFindings check={q.queue.history} title="The run as a history" />
        </div>
      )}
    </div>
  )
}
