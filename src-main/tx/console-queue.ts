import { AppError } from '../../src-shared/errors'
import { splitStatements } from '../../src-shared/sql-split'
import type { ConsoleHistoryCheck, QueueState, QueuedStep, ScenarioRun, StepOutcome } from '../../src-shared/tx'
import { allPermutations, parseSpec, type IsolationSpec } from './isolation-spec'
import type { StepEngine } from './step-engine'
import type { TxPane } from './tx-pane'

/** What the queue needs of its console: its panes, a way to run a step on the timeline, and the rest. */
export interface QueueHost {
  panes(): Map<string, TxPane>
  addPane(): Promise<string>
  /** Start a statement on a pane through the console's timeline: its entry id and its outcome. */
  start(pane: string, sql: string): { entry: number; done: Promise<StepOutcome> }
  engine(): Promise<StepEngine>
  runAdmin(statements: string[]): Promise<void>
  /** The queue's steps as a history, checked (see ../console-check.ts). */
  checkHistory(entries: number[]): Promise<ConsoleHistoryCheck>
  judge(scenario: string, level: string | null, steps: StepOutcome[]): Promise<ScenarioRun>
  emit(state: QueueState | null): void
}

/** A spec permutation as pane steps: each session's setup, then the permutation's steps, then session teardowns. */
function specSteps(spec: IsolationSpec, perm: string[], paneOf: (session: number) => string): QueuedStep[] {
  const steps: QueuedStep[] = []
  const split = (sql: string) => splitStatements(sql).map((s) => s.text)
  spec.sessions.forEach((s, i) =>
    s.setup.forEach((b) => split(b).forEach((sql) => steps.push({ pane: paneOf(i), sql, label: `${s.name} setup` }))),
  )
  for (const name of perm) {
    const i = spec.sessions.findIndex((s) => s.steps.some((st) => st.name === name))
    if (i < 0) continue
    const step = spec.sessions[i].steps.find((st) => st.name === name)!
    const parts = split(step.sql)
    parts.forEach((sql, k) =>
      steps.push({ pane: paneOf(i), sql, label: parts.length > 1 ? `${name} (${k + 1}/${parts.length})` : name }),
    )
  }
  spec.sessions.forEach((s, i) =>
    s.teardown.forEach((b) =>
      split(b).forEach((sql) => steps.push({ pane: paneOf(i), sql, label: `${s.name} teardown` })),
    ),
  )
  return steps
}

/**
 * The console's step queue, in the main process: a loaded spec's permutation (or a scenario from
 * the library, or the console's own timeline replayed) sent step by step through the console's
 * step engine, so "Run all" waits exactly as PostgreSQL's isolation tester does: after each step,
 * until it and every step waiting before it has completed or is confirmed blocked. The renderer
 * only sends commands and shows the state this emits.
 */
export class ConsoleQueue {
  private spec: IsolationSpec | null = null
  private permutations: string[][] = []
  private sessionPanes: string[] = []
  private setupDone = true
  private stopRequested = false
  state: QueueState

  private constructor(
    private readonly host: QueueHost,
    state: QueueState,
  ) {
    this.state = state
  }

  static async fromSpec(
    host: QueueHost,
    title: string,
    text: string,
    scenario: QueueState['scenario'],
  ): Promise<ConsoleQueue> {
    const spec = parseSpec(text)
    if (spec.sessions.length > 4)
      throw new AppError(
        'BAD_REQUEST',
        `This spec has ${spec.sessions.length} sessions; a console has at most four panes`,
      )
    const permutations = spec.permutations.length ? spec.permutations : allPermutations(spec, 200)
    const ids = [...host.panes().keys()]
    while (ids.length < spec.sessions.length) ids.push(await host.addPane())
    const panes = ids.slice(0, spec.sessions.length)
    const q = new ConsoleQueue(host, {
      title,
      steps: specSteps(spec, permutations[0] ?? [], (i) => panes[i]),
      next: 0,
      entries: [],
      permutations,
      permutation: 0,
      finished: false,
      scenario,
      kind: 'spec',
      busy: null,
      history: null,
      message: `Sessions ${spec.sessions.map((s, i) => `${s.name} → pane ${panes[i]}`).join(', ')}. The spec's setup runs before the first step.`,
      verdict: null,
    })
    q.spec = spec
    q.permutations = permutations
    q.sessionPanes = panes
    q.setupDone = false
    return q
  }

  static replay(host: QueueHost, steps: QueuedStep[]): ConsoleQueue {
    return new ConsoleQueue(host, {
      title: `Replay of ${steps.length} step(s)`,
      steps,
      next: 0,
      entries: [],
      permutations: [],
      permutation: 0,
      finished: false,
      scenario: null,
      kind: 'replay',
      busy: null,
      history: null,
      message:
        'Panes in a transaction are rolled back first; then each step runs again in its pane, in the order it first ran.',
      verdict: null,
    })
  }

  private update(patch: Partial<QueueState>) {
    this.state = { ...this.state, ...patch }
    this.host.emit(this.state)
  }

  choosePermutation(i: number) {
    if (!this.spec || !this.permutations[i]) throw new AppError('BAD_REQUEST', 'No such permutation')
    if (this.state.busy) throw new AppError('BAD_REQUEST', 'The queue is running: stop it first')
    this.setupDone = false
    this.update({
      steps: specSteps(this.spec, this.permutations[i], (k) => this.sessionPanes[k]),
      permutation: i,
      next: 0,
      entries: [],
      finished: false,
      verdict: null,
      history: null,
      message: null,
    })
  }

  /** Panes left in a transaction are rolled back (on the timeline), so a run starts clean. */
  async rollbackPanes() {
    for (const [id, p] of this.host.panes()) {
      if (p.state === 'idle' || p.state === 'disconnected' || p.busy) continue
      await this.host.start(id, 'ROLLBACK').done
    }
  }

  /** Commands arrive while earlier ones still run (a quick double click): steps go one at a time. */
  private chain: Promise<unknown> = Promise.resolve()

  /** Send the next step; resolves once it completed or is confirmed blocked (and every earlier waiting step too). */
  next(): Promise<boolean> {
    const run = this.chain.then(() => this.step())
    this.chain = run.catch(() => {})
    return run
  }

  private async step(): Promise<boolean> {
    const step = this.state.steps[this.state.next]
    if (!step) return false
    const pane = this.host.panes().get(step.pane)
    if (!pane) return this.fail(`Pane ${step.pane} is gone: load the spec again`)
    if (pane.busy)
      return this.fail(`Pane ${step.pane} is still running (or waiting on a lock): run a step in another pane first`)
    try {
      if (!this.setupDone) {
        await this.rollbackPanes()
        if (this.spec?.setup.length) await this.host.runAdmin(this.spec.setup)
        this.setupDone = true
      }
      const engine = await this.host.engine()
      let entry = 0
      this.update({ message: null })
      await engine.send(pane, () => {
        const s = this.host.start(step.pane, step.sql)
        entry = s.entry
        void s.done.then((o) => this.outcomes.set(s.entry, o))
        this.update({ next: this.state.next + 1, entries: [...this.state.entries, s.entry] })
        return s.done
      })
      return entry > 0
    } catch (e) {
      return this.fail((e as Error).message)
    }
  }

  private fail(message: string): false {
    this.update({ message })
    return false
  }

  async runAll() {
    if (this.state.busy) return
    this.stopRequested = false
    this.update({ busy: 'all' })
    try {
      await this.chain
      const engine = await this.host.engine()
      while (!this.stopRequested && this.state.next < this.state.steps.length) {
        const step = this.state.steps[this.state.next]
        const pane = this.host.panes().get(step.pane)
        // As the isolation tester: a session still blocked on its earlier step is waited for.
        if (pane?.busy && !(await engine.finishOn(pane, 15_000)))
          return void this.fail(`Stopped: step ${step.label} needs pane ${step.pane}, which has waited 15 s`)
        if (!(await this.step())) return
      }
    } finally {
      this.update({ busy: null })
    }
  }

  stop() {
    this.stopRequested = true
  }

  /** Roll back what is open, judge a scenario, run the spec's teardown. */
  async finish() {
    if (this.state.busy) return
    this.update({ busy: 'finish' })
    try {
      await this.chain
      const engine = await this.host.engine()
      await engine.finishAll(5_000)
      await this.rollbackPanes()
      let verdict: ScenarioRun | null = null
      if (this.state.scenario && this.spec) {
        // Each pane stands for one of the scenario's transactions, named as the library names them.
        const sessionOf = new Map(this.sessionPanes.map((pane, i) => [pane, this.spec!.sessions[i].name]))
        // A spec step of several statements ran in parts (MariaDB's `SET TRANSACTION ...; BEGIN`):
        // the scenario's step is its last part.
        const last = (k: number) => {
          const m = /\((\d+)\/(\d+)\)$/.exec(this.state.steps[k]?.label ?? '')
          return !m || m[1] === m[2]
        }
        const steps = this.state.entries
          .filter((_, k) => last(k))
          .map((e) => this.outcomes.get(e))
          .filter((o): o is StepOutcome => !!o)
          .map((o) => ({ ...o, pane: sessionOf.get(o.pane) ?? o.pane }))
        verdict = await this.host.judge(this.state.scenario.id, this.state.scenario.level, steps)
      }
      // The run as a history, checked before the teardown drops its tables.
      const history = this.state.entries.length
        ? await this.host.checkHistory(this.state.entries).catch(() => null)
        : null
      if (this.spec?.teardown.length) await this.host.runAdmin(this.spec.teardown)
      this.update({ finished: true, verdict, history, message: this.spec ? 'Teardown done' : null })
    } catch (e) {
      this.fail((e as Error).message)
    } finally {
      this.update({ busy: null })
    }
  }

  /** Outcomes of the steps the queue ran, by timeline entry. */
  private readonly outcomes = new Map<number, StepOutcome>()
}
