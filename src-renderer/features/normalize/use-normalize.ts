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
import type { TableRef } from '../../../src-shared/grid'
import { errorMessage, onEvent } from '../../bridge/client'
import { toast } from '../../app/store'
import { refreshSchema } from '../connections/actions'
import { normalizeApi } from './api'
import { fdId, parseFdText } from './fd-text'

/** The form a diagnosis suggests going to next. */
function nextTarget(a: Analysis): NormalizeTarget {
  const f = a.diagnosis.normalForm
  return f === 'not 1NF' ? '1nf' : f === 'BCNF' ? '4nf' : f === '4NF' ? '5nf' : f === '3NF' ? 'bcnf' : '3nf'
}

export interface DiscoveryJob {
  id: string
  phase: string
  done: number
  total: number
}

/** The running discovery's progress, as main reports it. */
function useDiscoveryJob() {
  const [job, setJob] = useState<DiscoveryJob | null>(null)
  useEffect(
    () =>
      onEvent('onNormalizeProgress', (p) =>
        setJob((j) => (j && j.id === p.jobId ? { id: p.jobId, phase: p.phase, done: p.done, total: p.total } : j)),
      ),
    [],
  )
  return [job, setJob] as const
}

/**
 * The normalization wizard's state for one table (or CSV file) and what it asks of main:
 * discover, accept or add dependencies, propose a split, apply it.
 */
export function useNormalize(handle: string, ref: TableRef, csv: string | undefined) {
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
  /** Names the user gave proposed tables, by the name Schemist proposed. */
  const [names, setNames] = useState<Record<string, string>>({})
  const [job, setJob] = useDiscoveryJob()
  const source = (r = read): CsvSource | undefined => (csv ? { path: csv, ...r } : undefined)
  const chosen = (): FdSpec[] => [
    ...(analysis?.fds ?? []).filter((f) => accepted.has(fdId(f))).map(({ lhs, rhs, error }) => ({ lhs, rhs, error })),
    ...custom,
  ]
  const diagnosis = useDiagnosis(analysis, [accepted, custom], {
    diagnose: () => normalizeApi.diagnose({ handle, table: ref, fds: chosen(), csv: source() }),
    changed: () => setProposal(null),
    failed: (e) => setError(errorMessage(e)),
  })

  /** Runs one request with the busy flag up and the error shown; true when it succeeded. */
  async function step(what: NonNullable<typeof busy>, run: () => Promise<void>, failed = (m: string) => m) {
    setBusy(what)
    setError(null)
    try {
      await run()
      return true
    } catch (e) {
      setError(failed(errorMessage(e)))
      return false
    } finally {
      setBusy(null)
    }
  }

  async function analyze(how = read) {
    const jobId = `nf-${Date.now()}-${Math.random().toString(36).slice(2, 8)}`
    setJob({ id: jobId, phase: 'reading', done: 0, total: 1 })
    setNames({})
    setProposal(null)
    setApplied(null)
    await step('analyze', async () => {
      const a = await normalizeApi.analyze({ handle, table: ref, nullsEqual, maxError: 0, jobId, csv: source(how) })
      setAnalysis(a)
      setAccepted(new Set(a.fds.filter((f) => f.suggested).map(fdId)))
      setCustom([])
      setTarget(nextTarget(a))
    })
    setJob(null)
  }

  async function propose(to = target, view = keepView, renames = names) {
    setApplied(null)
    const input = { handle, table: ref, target: to, fds: chosen(), keepView: view, csv: source(), names: renames }
    const ok = await step('propose', async () => {
      setProposal(await normalizeApi.propose(input))
      setNames(renames)
    })
    if (!ok) setProposal(null)
  }

  async function apply() {
    if (!proposal) return
    const input = { handle, table: ref, target, fds: chosen(), keepView, names }
    await step(
      'apply',
      async () => {
        const r = await normalizeApi.apply(input)
        setApplied(r)
        toast('success', `Split ${ref.name} into ${r.tables.map((x) => x.name).join(', ')}`)
        await refreshSchema(handle)
      },
      (m) => `Nothing was changed: ${m}`,
    )
  }

  function addCustom() {
    const r = parseFdText(customText, analysis?.columns ?? [], ref.name)
    if ('error' in r) return setError(r.error)
    setCustom((c) => [...c, ...r.fds])
    setCustomText('')
    setError(null)
  }

  const state = { handle, ref, csv, busy, error, analysis, accepted, custom, customText, showAll, nullsEqual }
  const more = { target, proposal, keepView, applied, read, names, job, diagnosis: diagnosis ?? analysis?.diagnosis }
  const setters = { setAccepted, setCustom, setCustomText, setShowAll, setNullsEqual, setTarget, setKeepView, setRead }
  return { ...state, ...more, ...setters, handle, chosen, analyze, propose, apply, addCustom }
}

export type Normalize = ReturnType<typeof useNormalize>

/**
 * The diagnosis follows the dependencies the user accepts: rejecting an accident changes the
 * verdict (and makes a proposal made under the old one stale). A fresh analysis's own first
 * diagnosis keeps the proposal.
 */
function useDiagnosis(
  analysis: Analysis | null,
  deps: unknown[],
  on: { diagnose: () => Promise<DiagnosisView>; changed: () => void; failed: (e: unknown) => void },
): DiagnosisView | null {
  const [diagnosis, setDiagnosis] = useState<DiagnosisView | null>(null)
  const diagnosed = useRef<Analysis | null>(null)
  useEffect(() => {
    if (!analysis) return
    let live = true
    on.diagnose()
      .then((x) => {
        if (!live) return
        setDiagnosis(x)
        if (diagnosed.current === analysis) on.changed()
        diagnosed.current = analysis
      })
      .catch((e) => live && on.failed(e))
    return () => {
      live = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [analysis, ...deps])
  return diagnosis
}
