import { useRef, useState } from 'react'
import { splitStatements } from '../../../src-shared/sql-split'
import type { MethodOutput } from '../../../src-shared/contract'
import type { PaneInfo, ScenarioRun, StepOutcome, TimelineEntry } from '../../../src-shared/tx'
import { call, errorMessage } from '../../bridge/client'
import { Icon } from '../../ui/icons'

type Spec = MethodOutput<'tx.parseSpec'>
export interface QueuedStep {
  pane: string
  sql: string
  label: string
}
interface Queue {
  title: string
  steps: QueuedStep[]
  next: number
  /** Timeline entries the queue started, step by step. */
  entries: number[]
  spec: Spec | null
  /** The pane each of the spec's sessions runs in, by session index. */
  panes: string[]
  permutation: number
  /** The spec's setup has run for this permutation. */
  setupDone: boolean
  finished: boolean
  scenario: ScenarioRef | null
}

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

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** A spec permutation as pane steps: each session's setup, then the permutation's steps, then session teardowns. */
function specSteps(spec: Spec, perm: number, paneOf: (session: number) => string): QueuedStep[] {
  const steps: QueuedStep[] = []
  const split = (sql: string) => splitStatements(sql).map((s) => s.text)
  spec.sessions.forEach((s, i) => s.setup.forEach((b) => split(b).forEach((sql) => steps.push({ pane: paneOf(i), sql, label: `${s.name} setup` }))))
  for (const name of spec.permutations[perm] ?? []) {
    const i = spec.sessions.findIndex((s) => s.steps.some((st) => st.name === name))
    if (i < 0) continue
    const step = spec.sessions[i].steps.find((st) => st.name === name)!
    const parts = split(step.sql)
    parts.forEach((sql, k) => steps.push({ pane: paneOf(i), sql, label: parts.length > 1 ? `${name} (${k + 1}/${parts.length})` : name }))
  }
  spec.sessions.forEach((s, i) => s.teardown.forEach((b) => split(b).forEach((sql) => steps.push({ pane: paneOf(i), sql, label: `${s.name} teardown` }))))
  return steps
}

/**
 * Steps to run in the panes one at a time, or all in order the way PostgreSQL's isolation
 * tester does (a step that blocks is left waiting and the next one runs): a loaded spec's
 * permutation, or the console's own timeline replayed.
 */
export function useStepQueue(consoleId: string | null, panesRef: React.RefObject<PaneInfo[]>, timelineRef: React.RefObject<Map<number, TimelineEntry>>) {
  const [queue, setQueue] = useState<Queue | null>(null)
  const [busy, setBusy] = useState<'all' | 'finish' | null>(null)
  const [message, setMessage] = useState<string | null>(null)
  const [verdict, setVerdict] = useState<ScenarioRun | null>(null)
  const queueRef = useRef<Queue | null>(null)
  const stop = useRef(false)
  const update = (q: Queue | null) => {
    queueRef.current = q
    setQueue(q)
  }

  const paneBusy = (pane: string) => panesRef.current?.find((p) => p.id === pane)?.busy ?? false

  /** Panes left in a transaction are rolled back, so a run starts clean. */
  async function rollbackPanes() {
    for (const p of panesRef.current ?? []) {
      if (p.state === 'idle' || p.busy) continue
      const { entry } = await call('tx.run', { consoleId: consoleId!, pane: p.id, sql: 'ROLLBACK' })
      for (let t = 0; t < 100 && timelineRef.current?.get(entry)?.finishedAt == null; t++) await sleep(30)
    }
  }

  async function runNext(): Promise<boolean> {
    const q = queueRef.current
    if (!q || !consoleId || q.next >= q.steps.length) return false
    const step = q.steps[q.next]
    if (paneBusy(step.pane)) {
      setMessage(`Pane ${step.pane} is still running (or waiting on a lock): run a step in another pane first`)
      return false
    }
    setMessage(null)
    try {
      if (q.spec && !q.setupDone) {
        await rollbackPanes()
        if (q.spec.setup.length) await call('tx.runAdmin', { consoleId, statements: q.spec.setup })
        q.setupDone = true
      }
      const { entry } = await call('tx.run', { consoleId, pane: step.pane, sql: step.sql })
      update({ ...q, next: q.next + 1, entries: [...q.entries, entry] })
      return true
    } catch (e) {
      setMessage(errorMessage(e))
      return false
    }
  }

  async function runAll() {
    stop.current = false
    setBusy('all')
    try {
      while (!stop.current && queueRef.current && queueRef.current.next < queueRef.current.steps.length) {
        const step = queueRef.current.steps[queueRef.current.next]
        // A step's pane still waits on a lock: give the others time to release it.
        for (let t = 0; t < 300 && paneBusy(step.pane) && !stop.current; t++) await sleep(50)
        if (paneBusy(step.pane)) {
          setMessage(`Stopped: step ${step.label} needs pane ${step.pane}, which has waited 15 s`)
          return
        }
        if (!(await runNext())) return
        const id = queueRef.current!.entries.at(-1)!
        // Until it finishes or is seen waiting (then the next step may be the one that frees it).
        for (let t = 0; t < 60; t++) {
          const e = timelineRef.current?.get(id)
          if (e && (e.finishedAt !== null || e.waitStartedAt !== null)) break
          await sleep(50)
        }
      }
    } finally {
      setBusy(null)
    }
  }

  async function finish() {
    const q = queueRef.current
    if (!q || !consoleId) return
    setBusy('finish')
    try {
      for (let t = 0; t < 100 && (panesRef.current ?? []).some((p) => p.busy); t++) await sleep(50)
      await rollbackPanes()
      if (q.scenario && q.spec) {
        // Each pane stands for one of the scenario's transactions, named as the library names them.
        const sessionOf = new Map(q.panes.map((pane, i) => [pane, q.spec!.sessions[i].name]))
        const steps = q.entries.map((e) => timelineRef.current?.get(e)?.outcome).filter((o): o is StepOutcome => !!o).map((o) => ({ ...o, pane: sessionOf.get(o.pane) ?? o.pane }))
        setVerdict(await call('tx.judgeScenario', { consoleId, scenario: q.scenario.id, level: q.scenario.level, steps }))
      }
      if (q.spec?.teardown.length) await call('tx.runAdmin', { consoleId, statements: q.spec.teardown })
      update({ ...q, finished: true })
      setMessage(q.spec ? 'Teardown done' : null)
    } catch (e) {
      setMessage(errorMessage(e))
    } finally {
      setBusy(null)
    }
  }

  async function loadSpec(title: string, text: string, ensurePanes: (n: number) => Promise<string[]>, scenario: ScenarioRef | null = null) {
    setVerdict(null)
    try {
      const spec = await call('tx.parseSpec', { text })
      if (spec.sessions.length > 4) throw new Error(`This spec has ${spec.sessions.length} sessions; a console has at most four panes`)
      const panes = await ensurePanes(spec.sessions.length)
      update({ title, steps: specSteps(spec, 0, (i) => panes[i]), next: 0, entries: [], spec, panes, permutation: 0, setupDone: false, finished: false, scenario })
      setMessage(`Sessions ${spec.sessions.map((s, i) => `${s.name} → pane ${panes[i]}`).join(', ')}. The spec's setup runs before the first step.`)
    } catch (e) {
      setMessage(errorMessage(e))
    }
  }

  function choosePermutation(i: number) {
    const q = queueRef.current
    if (!q?.spec) return
    setVerdict(null)
    update({ ...q, steps: specSteps(q.spec, i, (k) => q.panes[k]), permutation: i, next: 0, entries: [], setupDone: false, finished: false })
  }

  function replay(entries: TimelineEntry[]) {
    if (!entries.length) return
    setVerdict(null)
    update({ title: `Replay of ${entries.length} step(s)`, steps: entries.map((e) => ({ pane: e.pane, sql: e.sql, label: `#${e.id}` })), next: 0, entries: [], spec: null, panes: [], permutation: 0, setupDone: true, finished: false, scenario: null })
    setMessage('Panes in a transaction are rolled back first; then each step runs again in its pane, in the order it first ran.')
    void rollbackPanes()
  }

  return { queue, busy, message, verdict, runNext, runAll, finish, loadSpec, choosePermutation, replay, close: () => update(null), stop: () => (stop.current = true) }
}

export function QueueBar({ q }: { q: ReturnType<typeof useStepQueue> }) {
  const queue = q.queue
  if (!queue) return null
  const done = queue.next >= queue.steps.length
  const step = queue.steps[queue.next]
  return (
    <div className="queue-bar" data-testid="queue-bar">
      <strong>{queue.title}</strong>
      {queue.spec && queue.spec.permutations.length > 1 && (
        <select value={queue.permutation} onChange={(e) => q.choosePermutation(Number(e.target.value))} disabled={!!q.busy} title="Which interleaving of the sessions' steps">
          {queue.spec.permutations.map((p, i) => (
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
      <button className="btn small" disabled={!!q.busy || done} onClick={() => void q.runNext()} data-testid="queue-next" title="Run the next step in its pane">
        <Icon name="step" size={11} /> Next step
      </button>
      <button className="btn small primary" disabled={!!q.busy || done} onClick={() => void q.runAll()} data-testid="queue-all" title="Run the remaining steps in order; a step that blocks is left waiting">
        <Icon name="play" size={11} /> Run all
      </button>
      {q.busy === 'all' && (
        <button className="btn small" onClick={q.stop}>
          Stop
        </button>
      )}
      {done && !queue.finished && (
        <button className="btn small" disabled={!!q.busy} onClick={() => void q.finish()} data-testid="queue-finish" title={queue.scenario ? 'Judge what happened, then drop the scratch table' : "Roll back open transactions and run the spec's teardown"}>
          {queue.scenario ? 'Verdict' : queue.spec ? 'Teardown' : 'Roll back panes'}
        </button>
      )}
      <button className="icon-button" onClick={q.close} title="Close">
        <Icon name="close" size={12} />
      </button>
      {q.message && <div className="queue-message small" data-testid="queue-message">{q.message}</div>}
      {q.verdict && (
        <div className={`verdict ${VERDICT_CLASS[q.verdict.verdict]} queue-verdict`} data-testid="queue-verdict">
          <strong>{q.verdict.verdict}</strong> at {q.verdict.level}. {q.verdict.explanation}
        </div>
      )}
    </div>
  )
}
