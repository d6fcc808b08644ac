import { txApi } from './api'
import { ENGINES } from '../../../src-shared/engines'
import { useEffect, useState } from 'react'
import type { MethodOutput } from '../../../src-shared/contract'
import type { ScenarioRun, StepOutcome } from '../../../src-shared/tx'
import { formatCell } from '../../../src-shared/values'
import { errorMessage } from '../../bridge/client'
import { useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { ConsoleTab, type ConsoleLoad } from './ConsoleTab'
import { VERDICT_CLASS } from './StepQueue'
import { HistoryFindings } from './HistoryCheck'

type Scenarios = MethodOutput<'tx.scenarios'>
type Matrix = MethodOutput<'tx.matrix'>
type Workload = MethodOutput<'tx.workload'>

function StepCell({ o, completed = false }: { o: StepOutcome; completed?: boolean }) {
  return (
    <div className={`step${o.error ? ' err' : ''}`} data-testid="step">
      {completed ? (
        <div className="mono step-sql muted">… {o.sql.split('\n')[0]} completed</div>
      ) : (
        <div className="mono step-sql">{o.sql}</div>
      )}
      {o.waitedMs > 0 && (
        <div className="step-wait" data-testid="step-wait">
          <Icon name="warning" size={11} /> waited {(o.waitedMs / 1000).toFixed(2)} s
          {o.waitedOn.length ? ` on ${o.waitedOn.join(', ')}` : ''}
        </div>
      )}
      {o.error ? (
        <div className="step-error">
          {o.error.sqlstate ? <span className="mono">{o.error.sqlstate} </span> : null}
          {o.error.message}
        </div>
      ) : o.result && o.result.columns.length ? (
        <div className="mono step-rows">
          {o.result.rows.length ? o.result.rows.map((r) => r.map(formatCell).join(', ')).join(' · ') : '(no rows)'}
        </div>
      ) : (
        <div className="muted small">
          {o.result?.command}
          {o.result && o.result.rowCount ? ` ${o.result.rowCount}` : ''}
        </div>
      )}
      {o.note && <div className="step-note">{o.note}</div>}
      <div className={`pill tiny st-${o.state.replace(' ', '-')}`}>{o.state}</div>
    </div>
  )
}

/**
 * One run drawn as lanes: a column per transaction, a row per moment in the order things
 * happened. A step that waited appears where it was sent and again where it completed, with a
 * bar down its lane across what the other transactions did meanwhile (so on SQLite a read that
 * waited for a COMMIT shows below that COMMIT, where it really finished).
 */
export function RunLanes({ run, panes }: { run: ScenarioRun; panes: string[] }) {
  type Ev = { i: number; kind: 'step' | 'sent' | 'done'; t: number }
  const events: Ev[] = run.steps
    .flatMap((o, i): Ev[] =>
      o.waitedMs > 0
        ? [
            { i, kind: 'sent', t: o.startedAt },
            { i, kind: 'done', t: o.finishedAt },
          ]
        : [{ i, kind: 'step', t: o.startedAt }],
    )
    .sort((a, b) => a.t - b.t || a.i - b.i || (a.kind === 'done' ? 1 : -1))
  const rowOf = (i: number, kind: Ev['kind']) => events.findIndex((e) => e.i === i && e.kind === kind) + 2
  return (
    <div className="run" data-testid="scenario-run">
      <div className={`verdict ${VERDICT_CLASS[run.verdict]}`} data-testid="verdict">
        <strong>{run.verdict}</strong> at {run.level}. {run.explanation}
      </div>
      {run.history && <HistoryFindings check={run.history} />}
      <div className="lanes" style={{ gridTemplateColumns: `repeat(${panes.length}, minmax(0, 1fr))` }}>
        {panes.map((p) => (
          <div key={p} className="lane-head">
            {p}
          </div>
        ))}
        {run.steps.map((o, i) =>
          o.waitedMs > 0 ? (
            <div
              key={`bar${i}`}
              className="wait-bar"
              style={{
                gridColumn: `${panes.indexOf(o.pane) + 1}`,
                gridRow: `${rowOf(i, 'sent')} / ${rowOf(i, 'done') + 1}`,
              }}
              data-testid="wait-bar"
              title={`waited ${(o.waitedMs / 1000).toFixed(2)} s`}
            />
          ) : null,
        )}
        {events.map((e) => {
          const o = run.steps[e.i]
          return (
            <div
              key={`${e.i}${e.kind}`}
              className={`lane-row${e.kind === 'sent' ? ' sent' : ''}`}
              style={{ gridColumn: `${panes.indexOf(o.pane) + 1}`, gridRow: `${rowOf(e.i, e.kind)}` }}
            >
              <span className="step-no">{e.kind === 'done' ? '' : e.i + 1}</span>
              {e.kind === 'sent' ? (
                <div className="step waiting-step" data-testid="step-sent">
                  <div className="mono step-sql">{o.sql}</div>
                  <div className="step-wait">
                    <Icon name="warning" size={11} /> waiting{o.waitedOn.length ? ` on ${o.waitedOn.join(', ')}` : ''}…
                  </div>
                </div>
              ) : (
                <StepCell o={o} completed={e.kind === 'done'} />
              )}
            </div>
          )
        })}
      </div>
    </div>
  )
}

/**
 * The scenario library and the isolation matrix: each anomaly run step by step on real
 * connections at a chosen level, with waits, errors and a verdict; the matrix runs them all.
 */
export function IsolationTab({ handle }: { handle: string }) {
  const [mode, setMode] = useState<'console' | 'scenarios'>('scenarios')
  const [load, setLoad] = useState<ConsoleLoad | null>(null)
  // Opened on first use, then kept: its connections and timeline survive a look at the scenarios.
  const [consoleOpened, setConsoleOpened] = useState(false)
  if (mode === 'console' && !consoleOpened) setConsoleOpened(true)
  return (
    <div className="iso-wrap">
      <div className="segmented small iso-mode">
        <button
          className={mode === 'console' ? 'on' : ''}
          onClick={() => setMode('console')}
          data-testid="mode-console"
        >
          Console
        </button>
        <button
          className={mode === 'scenarios' ? 'on' : ''}
          onClick={() => setMode('scenarios')}
          data-testid="mode-scenarios"
        >
          Scenarios & matrix
        </button>
      </div>
      {consoleOpened && (
        <div className="iso-mode-body" hidden={mode !== 'console'}>
          <ConsoleTab handle={handle} load={load} />
        </div>
      )}
      {mode === 'scenarios' && (
        <ScenariosView
          handle={handle}
          onStepThrough={(l) => {
            setLoad(l)
            setMode('console')
          }}
        />
      )}
    </div>
  )
}

function ScenariosView({ handle, onStepThrough }: { handle: string; onStepThrough: (l: ConsoleLoad) => void }) {
  const conn = useApp((s) => s.open[handle])
  const { scenarios, levels, id, setId, level, setLevel, run, setRun, matrix, setMatrix, workload, setWorkload } =
    useScenarioRuns(handle)
  const { busy, error, go } = useBusy()
  const sc = scenarios.find((s) => s.id === id)
  return (
    <div className="iso-tab">
      <div className="toolbar wrap">
        <select value={id} onChange={(e) => setId(e.target.value)} data-testid="scenario-select" aria-label="Scenario">
          {scenarios.map((s) => (
            <option key={s.id} value={s.id}>
              {s.name} ({s.anomaly})
            </option>
          ))}
        </select>
        <select
          value={level ?? ''}
          onChange={(e) => setLevel(e.target.value)}
          data-testid="level-select"
          aria-label="Isolation level"
        >
          {levels.map((l) => (
            <option key={l}>{l}</option>
          ))}
        </select>
        <button
          className="btn small primary"
          disabled={!!busy}
          onClick={() =>
            go('run', async () => {
              setWorkload(null)
              setRun((await txApi.runScenario({ handle, scenario: id, level })) ?? null)
            })
          }
          data-testid="run-scenario"
        >
          {busy === 'run' ? <span className="spinner" /> : <Icon name="play" size={12} />} Run scenario
        </button>
        <button
          className="btn small"
          disabled={!!busy}
          onClick={() =>
            go('step', async () =>
              onStepThrough({
                ...(await txApi.scenarioSpec({ handle, scenario: id, level })),
                scenario: { id, level },
              }),
            )
          }
          data-testid="step-scenario"
          title="Open the scenario in the console and run it one step at a time, in panes you can also type into"
        >
          <Icon name="step" size={12} /> Step through
        </button>
        <button
          className="btn small"
          disabled={!!busy}
          onClick={() => go('matrix', async () => setMatrix((await txApi.matrix({ handle })) ?? null))}
          data-testid="run-matrix"
        >
          {busy === 'matrix' ? <span className="spinner" /> : null} Isolation matrix
        </button>
        <button
          className="btn small"
          disabled={!!busy}
          onClick={() =>
            go('workload', async () => {
              setRun(null)
              setMatrix(null)
              setWorkload((await txApi.workload({ handle, level })) ?? null)
            })
          }
          data-testid="run-workload"
          title="Four clients run read-then-write transactions on two rows at this level for a few seconds; their history is checked for every anomaly class"
        >
          {busy === 'workload' ? <span className="spinner" /> : <Icon name="query" size={12} />} Find by experiment
        </button>
        <span className="spacer" />
        <span className="muted small">
          {conn?.name} · {conn?.serverVersion} · runs on a scratch table, schemist_isolation_test
        </span>
      </div>
      <div className="iso-body">
        {sc && (
          <p className="iso-desc">
            <strong>{sc.name}.</strong> {sc.description}
            {conn && level && ENGINES[conn.engine].levelNotes[level] && (
              <span className="muted"> {ENGINES[conn.engine].levelNotes[level]}</span>
            )}
          </p>
        )}
        {error && <div className="error-box">{error}</div>}
        {matrix && (
          <MatrixTable
            matrix={matrix}
            serverVersion={conn?.serverVersion}
            onPick={(scenario, l, r) => {
              setId(scenario)
              setLevel(l)
              setRun(r)
            }}
          />
        )}
        {workload && <WorkloadFindings workload={workload} />}
        {run && <RunLanes run={run} panes={scenarios.find((s) => s.id === run.scenario)?.panes ?? ['T1', 'T2']} />}
        {!run && !matrix && !workload && !error && (
          <div className="pane-note muted">
            Pick an anomaly and a level, then run it: each transaction gets its own connection, and you see every
            statement, every wait and every error in the order they happened.
          </div>
        )}
      </div>
    </div>
  )
}

/** The scenario library, the server's isolation levels, and what was picked and run. */
function useScenarioRuns(handle: string) {
  const [scenarios, setScenarios] = useState<Scenarios>([])
  const [levels, setLevels] = useState<string[]>([])
  const [id, setId] = useState('lost-update')
  const [level, setLevel] = useState<string | null>(null)
  const [run, setRun] = useState<ScenarioRun | null>(null)
  const [matrix, setMatrix] = useState<Matrix | null>(null)
  const [workload, setWorkload] = useState<Workload | null>(null)
  useEffect(() => {
    void txApi.scenarios({}).then(setScenarios)
    void txApi.levels({ handle }).then((l) => {
      setLevels(l)
      setLevel(l.includes('READ COMMITTED') ? 'READ COMMITTED' : l[0])
    })
  }, [handle])
  return { scenarios, levels, id, setId, level, setLevel, run, setRun, matrix, setMatrix, workload, setWorkload }
}

/** One long request at a time, named while it runs; its error shown. */
function useBusy() {
  const [busy, setBusy] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  const go = async <T,>(label: string, fn: () => Promise<T>) => {
    setBusy(label)
    setError(null)
    try {
      return await fn()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(null)
    }
  }
  return { busy, error, go }
}

/** Every scenario at every level, as measured on this server; a cell opens its run. */
function MatrixTable({
  matrix,
  serverVersion,
  onPick,
}: {
  matrix: Matrix
  serverVersion: string | undefined
  onPick: (scenario: string, level: string, run: ScenarioRun) => void
}) {
  return (
    <section className="matrix" data-testid="matrix">
      <h3>Measured on {serverVersion}</h3>
      <div className="matrix-scroll">
        <table className="grid-table">
          <thead>
            <tr>
              <th>level</th>
              {matrix.scenarios.map((s) => (
                <th key={s.id}>{s.name}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {matrix.levels.map((l) => (
              <tr key={l}>
                <td className="mono strong">{l}</td>
                {matrix.scenarios.map((s) => {
                  const r = matrix.runs[l][s.id]
                  return (
                    <td
                      key={s.id}
                      className={`m-cell ${VERDICT_CLASS[r.verdict]}`}
                      title={r.explanation}
                      onClick={() => onPick(s.id, l, r)}
                      data-testid={`m-${l}-${s.id}`}
                    >
                      {r.verdict === 'anomaly observed'
                        ? 'anomaly'
                        : r.verdict === 'prevented'
                          ? 'prevented'
                          : r.verdict.replace('prevented by ', '')}
                    </td>
                  )
                })}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="muted small">Click a cell to see its run, step by step.</p>
    </section>
  )
}

/** What the randomized workload's history showed: the anomalies the server allowed, if any. */
function WorkloadFindings({ workload }: { workload: Workload }) {
  return (
    <section className="workload" data-testid="workload">
      <h3>
        {workload.committed + workload.aborted} transactions at {workload.level} in {(workload.ms / 1000).toFixed(1)} s:{' '}
        {workload.committed} committed, {workload.aborted} aborted
      </h3>
      <HistoryFindings
        check={workload.check}
        title={
          workload.check.anomalies.length
            ? `The server allowed ${workload.check.anomalies.map((a) => a.name).join(', ')}`
            : 'The server allowed no anomaly'
        }
      />
    </section>
  )
}
