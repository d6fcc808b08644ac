import { DependenciesSection, fdId } from './DependenciesSection'
import { CsvReadOptions } from './CsvReadOptions'
import { AppliedNote } from './AppliedNote'
import { normalizeApi } from './api'
import { useEffect, useRef, useState } from 'react'
import type { MethodOutput } from '../../../src-shared/contract'
import type {
  Analysis,
  CsvReading,
  CsvSource,
  DiagnosisView,
  FdSpec,
  NormalizeTarget,
  ProposalView,
} from '../../../src-shared/normalize'
import { tableKey } from '../../../src-shared/schema'
import { errorMessage, onEvent } from '../../bridge/client'
import { toast, useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { refreshSchema } from '../connections/actions'
import { ProposalPanel } from './ProposalPanel'
import { DiagnosisSummary } from './DiagnosisSummary'
import { parseFdText } from './fd-text'

const TARGETS: { id: NormalizeTarget; label: string; hint: string }[] = [
  { id: '1nf', label: '1NF', hint: 'one value per cell' },
  { id: '3nf', label: '3NF synthesis', hint: 'keeps every dependency' },
  { id: 'bcnf', label: 'BCNF', hint: 'may lose a dependency' },
  { id: '4nf', label: '4NF', hint: 'independent facts' },
  { id: '5nf', label: '5NF', hint: 'join dependency' },
]

/** The form a diagnosis suggests going to next. */
function nextTarget(a: Analysis): NormalizeTarget {
  const f = a.diagnosis.normalForm
  return f === 'not 1NF' ? '1nf' : f === 'BCNF' ? '4nf' : f === '4NF' ? '5nf' : f === '3NF' ? 'bcnf' : '3nf'
}

/**
 * The normalization wizard for one table: discover dependencies in its rows, accept or reject
 * each, read the diagnosis, look at the proposed split with its rows, and apply it.
 */
export function NormalizeTab({ handle, table: key, csv }: { handle: string; table: string; csv?: string }) {
  const entry = useApp((s) => s.schemas[handle])
  const t = entry?.state === 'ready' ? entry.schema.tables.find((x) => tableKey(x) === key) : undefined
  const ref = { schema: t?.schema ?? null, name: t?.name ?? key }
  const [busy, setBusy] = useState<null | 'analyze' | 'propose' | 'apply'>(null)
  const [error, setError] = useState<string | null>(null)
  const [analysis, setAnalysis] = useState<Analysis | null>(null)
  const [accepted, setAccepted] = useState<Set<string>>(new Set())
  const [custom, setCustom] = useState<FdSpec[]>([])
  const [customText, setCustomText] = useState('')
  const [showAll, setShowAll] = useState(false)
  const [nullsEqual, setNullsEqual] = useState(true)
  const [target, setTarget] = useState<NormalizeTarget>('3nf')
  const [proposal, setProposal] = useState<ProposalView | null>(null)
  const [keepView, setKeepView] = useState(true)
  const [applied, setApplied] = useState<MethodOutput<'normalize.apply'> | null>(null)
  /** How a CSV source is read where the guesses are wrong; every call about it reads it the same way. */
  const [read, setRead] = useState<CsvReading>({})
  const source = (r = read): CsvSource | undefined => (csv ? { path: csv, ...r } : undefined)

  const [diagnosis, setDiagnosis] = useState<DiagnosisView | null>(null)
  const firstDiagnosis = useRef(true)

  const chosen = (): FdSpec[] => [
    ...(analysis?.fds ?? []).filter((f) => accepted.has(fdId(f))).map(({ lhs, rhs, error }) => ({ lhs, rhs, error })),
    ...custom,
  ]

  const [job, setJob] = useState<{ id: string; phase: string; done: number; total: number } | null>(null)
  useEffect(
    () =>
      onEvent('onNormalizeProgress', (p) =>
        setJob((j) => (j && j.id === p.jobId ? { id: p.jobId, phase: p.phase, done: p.done, total: p.total } : j)),
      ),
    [],
  )

  async function analyze(how = read) {
    setBusy('analyze')
    setError(null)
    const jobId = `nf-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`
    setJob({ id: jobId, phase: 'reading', done: 0, total: 1 })
    setNames({})
    setProposal(null)
    setApplied(null)
    try {
      const a = await normalizeApi.analyze({
        handle,
        table: ref,
        nullsEqual,
        maxError: 0,
        jobId,
        csv: source(how),
      })
      firstDiagnosis.current = true
      setAnalysis(a)
      setAccepted(new Set(a.fds.filter((f) => f.suggested).map(fdId)))
      setCustom([])
      setTarget(nextTarget(a))
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(null)
      setJob(null)
    }
  }

  /** Names the user gave proposed tables, by the name Schemist proposed. */
  const [names, setNames] = useState<Record<string, string>>({})

  async function propose(to = target, view = keepView, renames = names) {
    setBusy('propose')
    setError(null)
    setApplied(null)
    try {
      setProposal(
        await normalizeApi.propose({
          handle,
          table: ref,
          target: to,
          fds: chosen(),
          keepView: view,
          csv: source(),
          names: renames,
        }),
      )
      setNames(renames)
    } catch (e) {
      setProposal(null)
      setError(errorMessage(e))
    } finally {
      setBusy(null)
    }
  }

  async function apply() {
    if (!proposal) return
    setBusy('apply')
    setError(null)
    try {
      const r = await normalizeApi.apply({ handle, table: ref, target, fds: chosen(), keepView, names })
      setApplied(r)
      toast('success', `Split ${ref.name} into ${r.tables.map((x) => x.name).join(', ')}`)
      await refreshSchema(handle)
    } catch (e) {
      setError(`Nothing was changed: ${errorMessage(e)}`)
    } finally {
      setBusy(null)
    }
  }

  function addCustom() {
    const r = parseFdText(customText, analysis?.columns ?? [], ref.name)
    if ('error' in r) return setError(r.error)
    setCustom((c) => [...c, ...r.fds])
    setCustomText('')
    setError(null)
  }

  // The diagnosis follows the dependencies the user accepts: rejecting an accident changes the verdict.
  useEffect(() => {
    if (!analysis) return
    let live = true
    normalizeApi
      .diagnose({ handle, table: ref, fds: chosen(), csv: source() })
      .then((x) => {
        if (!live) return
        setDiagnosis(x)
        if (!firstDiagnosis.current) setProposal(null)
        firstDiagnosis.current = false
      })
      .catch((e) => live && setError(errorMessage(e)))
    return () => {
      live = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [analysis, accepted, custom])

  const d = diagnosis ?? analysis?.diagnosis
  return (
    <div className="structure normalize" data-testid="normalize-tab">
      <header className="struct-head">
        <div>
          <div className="struct-kicker">
            Normalize ·{' '}
            {analysis
              ? `${analysis.rowCount.toLocaleString('en-US')} rows, ${analysis.columns.length} columns`
              : 'dependencies from the data'}
          </div>
          <h2>{ref.name}</h2>
        </div>
        <div className="struct-meta">
          {csv && (
            <CsvReadOptions
              read={read}
              used={analysis?.csvRead ?? null}
              disabled={busy !== null}
              onChange={(r) => {
                setRead(r)
                // What was found belongs to the old reading of the file: find it again under the new one.
                if (analysis) void analyze(r)
              }}
            />
          )}
          <label
            className="check small"
            title="Treat NULLs as equal values when grouping rows (off: NULL differs from everything)"
          >
            <input type="checkbox" checked={nullsEqual} onChange={(e) => setNullsEqual(e.target.checked)} /> NULL = NULL
          </label>
          <button
            className="btn small primary"
            disabled={busy !== null}
            onClick={() => void analyze()}
            data-testid="normalize-discover"
          >
            <Icon name="sparkle" size={12} />{' '}
            {busy === 'analyze' ? 'Discovering…' : analysis ? 'Discover again' : 'Discover dependencies'}
          </button>
        </div>
      </header>

      {error && (
        <div className="pane-note error" role="alert" data-testid="normalize-error">
          <Icon name="warning" size={14} /> {error}
        </div>
      )}
      {job && busy === 'analyze' && (
        <div className="progress-wrap nf-progress" data-testid="normalize-progress">
          <div className="small">
            {job.phase === 'reading'
              ? 'Reading the rows…'
              : job.phase === 'discovering'
                ? `Discovering on a worker thread: step ${job.done} of at most ${job.total}`
                : `Checking on the whole table: ${job.done} of ${job.total}`}
            <button
              className="btn small ghost"
              onClick={() => void normalizeApi.cancel({ jobId: job.id })}
              data-testid="normalize-cancel"
            >
              Cancel
            </button>
          </div>
          <div className="progress">
            <div style={{ width: `${Math.round((100 * job.done) / Math.max(1, job.total))}%` }} />
          </div>
        </div>
      )}
      {!analysis && !error && !job && (
        <div className="pane-note">
          Schemist reads the rows, finds every functional dependency that holds in them (TANE, or agree sets on wide
          tables), and says which normal form the table is in and why.
        </div>
      )}

      {analysis && d && (
        <>
          <section className="struct-section">
            <h3>
              Diagnosis <span className="muted small">under the {chosen().length} accepted dependencies</span>
            </h3>
            <DiagnosisSummary d={d} />
          </section>

          <DependenciesSection
            analysis={analysis}
            accepted={accepted}
            setAccepted={setAccepted}
            custom={custom}
            setCustom={setCustom}
            customText={customText}
            setCustomText={setCustomText}
            addCustom={addCustom}
            showAll={showAll}
            setShowAll={setShowAll}
          />

          <section className="struct-section">
            <h3>Proposal</h3>
            {d.normalForm === '5NF' && (
              <p className="muted" data-testid="normalize-done">
                {ref.name} is in 5NF under the accepted dependencies: there is nothing left to split. Accept more
                dependencies above if the data holds facts this one does not show.
              </p>
            )}
            <div className="nf-targets" role="radiogroup" aria-label="Target normal form">
              {TARGETS.map((x) => (
                <button
                  key={x.id}
                  role="radio"
                  aria-checked={target === x.id}
                  className={`btn small${target === x.id ? ' primary' : ''}`}
                  onClick={() => setTarget(x.id)}
                  title={x.hint}
                >
                  {x.label}
                </button>
              ))}
              <button
                className="btn small"
                disabled={busy !== null}
                onClick={() => propose()}
                data-testid="normalize-propose"
              >
                {busy === 'propose' ? 'Working…' : 'Propose split'}
              </button>
            </div>
            {proposal && (
              <ProposalPanel
                p={proposal}
                handle={handle}
                source={t?.columns ?? []}
                tableName={ref.name}
                onRename={(shown, next) => {
                  // Renames are kept by the name Schemist proposed, whatever the table is called now.
                  const proposed = Object.entries(names).find(([, v]) => v === shown)?.[0] ?? shown
                  void propose(target, keepView, { ...names, [proposed]: next })
                }}
              />
            )}
            {proposal && !applied && (
              <div className="nf-apply">
                {proposal.target === '1nf' && (
                  <span className="muted">
                    The moved columns are dropped from {ref.name} once every value has arrived.
                  </span>
                )}
                <label className="check" style={proposal.target === '1nf' ? { display: 'none' } : undefined}>
                  <input
                    type="checkbox"
                    checked={keepView}
                    onChange={(e) => {
                      setKeepView(e.target.checked)
                      void propose(target, e.target.checked)
                    }}
                    data-testid="normalize-keep-view"
                  />{' '}
                  Keep <b>{ref.name}</b> as a view so existing queries still work
                </label>
                {csv ? (
                  <span className="muted small" data-testid="normalize-csv-note">
                    A CSV file has no database to change: copy the SQL, or import the file into a table (a table's grid
                    → Import) and normalize that.
                  </span>
                ) : (
                  <button
                    className="btn primary"
                    disabled={busy !== null || !proposal.losslessByData}
                    onClick={apply}
                    data-testid="normalize-apply"
                  >
                    {busy === 'apply' ? 'Applying…' : 'Apply in one transaction'}
                  </button>
                )}
              </div>
            )}
            {applied && <AppliedNote applied={applied} handle={handle} from={ref} />}
          </section>
        </>
      )}
    </div>
  )
}
