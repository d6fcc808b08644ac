import { AppError } from '../../src-shared/errors'
import {
  sameFd,
  type Analysis,
  type CsvSource,
  type FdSpec,
  type NormalizeTarget,
  type ProposalView,
} from '../../src-shared/normalize'
import type { Driver } from '../db/driver'
import { applyProposal, type ApplyResult } from './apply'
import {
  decomposeBcnf,
  decomposeMultivalued,
  finalizeNames,
  plausibleFds,
  synthesize3nf,
  type Proposal,
} from './decompose'
import { diagnose, discover, type Diagnosis } from './diagnose'
import { proposalSql } from './proposal-sql'
import { fdErrorOnTable, isKeyOnTable, mvdHoldsOnTable } from './verify'
import { CancelToken, discoverOffThread } from './discover-thread'
import { applyFirstNormalForm, firstNormalFormSql, splitFirstNormalForm } from './first-normal-form'
import { PREVIEW_ROWS, loadTable, loadCsv, type LoadedTable } from './table-sources'

export {
  MAX_ROWS,
  SAMPLE_ROWS,
  csvCell,
  guessSeparator,
  loadCsv,
  loadTable,
  looksLikeHeader,
  type LoadedTable,
} from './table-sources'

export type AnalyzeProgress = { phase: 'reading' | 'discovering' | 'verifying'; done: number; total: number }

export interface AnalyzeOptions {
  nullsEqual: boolean
  maxError: number
  sampleAbove?: number
  sampleRows?: number
  /** Discovery runs on a worker thread (the app); tests and the CLI may run it inline. */
  offThread?: boolean
  onProgress?: (p: AnalyzeProgress) => void
  token?: CancelToken
}

/** A table on the connection, or a CSV file when `csv` names one. */
async function loadSource(
  d: Driver,
  ref: { schema: string | null; name: string },
  csv: CsvSource | undefined,
  limits: { sampleAbove?: number; sampleRows?: number } = {},
) {
  return csv ? loadCsv(csv.path, csv) : loadTable(d, ref, limits)
}

export async function analyzeTable(
  d: Driver,
  ref: { schema: string | null; name: string },
  options: AnalyzeOptions & { csv?: CsvSource },
): Promise<Analysis> {
  const t0 = performance.now()
  options.onProgress?.({ phase: 'reading', done: 0, total: 1 })
  const t = await loadSource(d, ref, options.csv, options)
  const a = await analyzeLoaded(d, t, options)
  return { ...a, millis: performance.now() - t0 }
}

/**
 * Discovery on rows already read: the dependencies, keys and diagnosis; for a sample, every
 * finding checked on the whole table by the database (so `d` must still be open).
 */
export async function analyzeLoaded(d: Driver, t: LoadedTable, options: AnalyzeOptions): Promise<Analysis> {
  const t0 = performance.now()
  const progress = options.onProgress ?? (() => {})
  options.token?.throwIfCancelled()
  const width = t.columns.length
  progress({ phase: 'discovering', done: 0, total: width })
  const found = options.offThread
    ? await discoverOffThread(
        t.columns,
        t.rows,
        options,
        (level) => progress({ phase: 'discovering', done: level, total: width }),
        options.token,
      )
    : discover(t.columns, t.rows, { nullsEqual: options.nullsEqual, maxError: options.maxError })
  let { fds, keys } = found
  let sample: Analysis['sample'] = null
  if (t.sampledFrom !== null) {
    // What held in the sample is checked on the whole table by the database itself.
    const total = t.sampledFrom
    const steps = fds.length + keys.length
    let done = 0
    const tick = () => {
      options.token?.throwIfCancelled()
      progress({ phase: 'verifying', done: ++done, total: steps })
    }
    const checked: { f: (typeof fds)[number]; error: number }[] = []
    for (const f of fds) {
      checked.push({ f, error: await fdErrorOnTable(d, t.from, f.lhs, f.rhs, total) })
      tick()
    }
    const held = checked.filter((c) => c.error <= options.maxError + 1e-12)
    const keyChecks: { k: string[]; ok: boolean }[] = []
    for (const k of keys) {
      keyChecks.push({ k, ok: await isKeyOnTable(d, t.from, k, total) })
      tick()
    }
    fds = held.map((c) => ({ ...c.f, error: c.error }))
    keys = keyChecks.filter((c) => c.ok).map((c) => c.k)
    sample = {
      rows: t.rows.length,
      of: total,
      sampleOnly: checked
        .filter((c) => c.error > options.maxError + 1e-12)
        .map((c) => ({ lhs: c.f.lhs, rhs: c.f.rhs, error: c.error })),
      keysSampleOnly: keyChecks.filter((c) => !c.ok).map((c) => c.k),
    }
  }
  const suggested = plausibleFds(fds, t.rows.length, t.columns, t.key)
  const diagnosis = await checkSampledDiagnosis(d, t, diagnose(t.columns, t.rows, fds, t.key))
  return {
    columns: t.columns,
    rowCount: t.sampledFrom ?? t.rows.length,
    declaredKey: t.key,
    fds: fds.map((f) => ({ ...f, suggested: suggested.some((s) => sameFd(s, f)) })),
    keys,
    diagnosis,
    millis: performance.now() - t0,
    sample,
    csvRead: t.csvRead ?? null,
  }
}

/**
 * On a sampled table, the multivalued dependencies the diagnosis found in the sample are checked on
 * every row by the database: one that fails is dropped (and the normal form follows), and the notes
 * say which were verified, and that the search itself only saw the sample.
 */
async function checkSampledDiagnosis(d: Driver, t: LoadedTable, diagnosis: Diagnosis): Promise<Diagnosis> {
  if (t.sampledFrom === null) return diagnosis
  const all = t.sampledFrom.toLocaleString('en')
  const notes = [...diagnosis.notes]
  const text = (m: NonNullable<Diagnosis['violations'][number]['mvd']>) =>
    `${m.lhs.join(', ') || '∅'} ->> ${m.rhs.join(', ')}`
  const violations: Diagnosis['violations'] = []
  for (const v of diagnosis.violations) {
    if (!v.mvd) {
      if (v.form === '5NF')
        notes.push(
          `The join dependency was found in the sample of ${t.rows.length.toLocaleString('en')} rows; Apply checks the join on all ${all} rows before it commits`,
        )
      violations.push(v)
    } else if (await mvdHoldsOnTable(d, t.from, v.mvd.lhs, v.mvd.rhs, v.mvd.rest)) {
      notes.push(`${text(v.mvd)} checked on all ${all} rows by the database: it holds`)
      violations.push(v)
    } else notes.push(`${text(v.mvd)} held in the sample but not on all ${all} rows: dropped`)
  }
  const searched =
    diagnosis.normalForm !== 'not 1NF' && !diagnosis.violations.some((v) => ['2NF', '3NF', 'BCNF'].includes(v.form))
  if (searched)
    notes.push(
      `Multivalued dependencies were searched in the sample of ${t.rows.length.toLocaleString('en')} rows: a random sample seldom holds every combination, so the whole table may have one the sample does not show`,
    )
  const droppedAll = diagnosis.violations.some((v) => v.mvd) && !violations.some((v) => v.mvd)
  return {
    ...diagnosis,
    violations,
    notes,
    normalForm: droppedAll && !violations.length ? '4NF' : diagnosis.normalForm,
  }
}

function checkColumns(t: LoadedTable, fds: FdSpec[]) {
  for (const f of fds)
    for (const c of [...f.lhs, f.rhs])
      if (!t.columns.includes(c)) throw new AppError('BAD_REQUEST', `No column ${c} in ${t.name}`)
}

/** The diagnosis under the accepted dependencies only (the rows still decide 1NF, MVDs and join dependencies). */
export async function diagnoseWith(
  d: Driver,
  ref: { schema: string | null; name: string },
  fds: FdSpec[],
  csv?: CsvSource,
): Promise<Diagnosis> {
  const t = await loadSource(d, ref, csv)
  checkColumns(t, fds)
  return checkSampledDiagnosis(d, t, diagnose(t.columns, t.rows, fds, t.key))
}

function build(t: LoadedTable, target: NormalizeTarget, fds: FdSpec[], keepView: boolean): Proposal {
  checkColumns(t, fds)
  // The accepted dependencies, plus the declared key, which the table states whatever the data shows.
  const all = t.key
    ? [...fds, ...t.columns.filter((c) => !t.key!.includes(c)).map((c) => ({ lhs: t.key!, rhs: c, error: 0 }))]
    : fds
  const p =
    target === '3nf'
      ? synthesize3nf(t.name, t.columns, t.rows, all, t.key)
      : target === 'bcnf'
        ? decomposeBcnf(t.name, t.columns, t.rows, all)
        : decomposeMultivalued(t.name, t.columns, t.rows, all)
  if (!p)
    throw new AppError(
      'NOT_FOUND',
      `No ${target.toUpperCase()} split applies to ${t.name}: no multivalued or join dependency holds in its rows`,
    )
  if (p.tables.length < 2)
    throw new AppError(
      'NOT_FOUND',
      `${t.name} is already in ${target.toUpperCase()} under the accepted dependencies: nothing to split`,
    )
  return finalizeNames(p, t.name, keepView)
}

function firstNormalForm(t: LoadedTable, names: Record<string, string> = {}) {
  const r = splitFirstNormalForm(t.name, t.columns, t.rows, t.key, t.existing)
  if (!r) throw new AppError('NOT_FOUND', `${t.name} is in 1NF: no lists in a cell or numbered column groups`)
  const to = renamer(r.proposal, names, t.name)
  return { proposal: renamed(r.proposal, to), plans: r.plans.map((p) => ({ ...p, child: to(p.child) })) }
}

/** The names the user gave proposed tables (proposed name → chosen name), checked. */
function renamer(p: Proposal, names: Record<string, string>, source: string): (n: string) => string {
  const to = (n: string) => (names[n] ?? n).trim()
  const seen = new Set<string>()
  for (const t of p.tables) {
    const n = to(t.name)
    if (!n) throw new AppError('BAD_REQUEST', `The table proposed as ${t.name} needs a name`)
    if (seen.has(n.toLowerCase())) throw new AppError('BAD_REQUEST', `Two proposed tables are named ${n}`)
    if (n !== t.name && n.toLowerCase() === source.toLowerCase() && t.name !== source)
      throw new AppError('BAD_REQUEST', `${n} is the table being split: choose another name`)
    seen.add(n.toLowerCase())
  }
  return to
}

function renamed(p: Proposal, to: (n: string) => string): Proposal {
  return {
    ...p,
    tables: p.tables.map((t) => ({
      ...t,
      name: to(t.name),
      references: t.references.map((r) => ({ ...r, table: to(r.table) })),
    })),
  }
}

export async function proposeSplit(
  d: Driver,
  ref: { schema: string | null; name: string },
  target: NormalizeTarget,
  fds: FdSpec[],
  keepView: boolean,
  csv?: CsvSource,
  names: Record<string, string> = {},
): Promise<ProposalView> {
  const t = await loadSource(d, ref, csv)
  const sampled =
    t.sampledFrom === null
      ? ''
      : ` Rows and counts here come from a random sample of ${t.rows.length.toLocaleString('en')} of ${t.sampledFrom.toLocaleString('en')} rows; Apply moves every row and checks the join on all of them.`
  const preview = (p: Proposal, sql: string[]): ProposalView => ({
    ...p,
    explanation: p.explanation + sampled,
    tables: p.tables.map((x) => ({ ...x, rows: x.rows.slice(0, PREVIEW_ROWS), rowCount: x.rows.length })),
    sql,
  })
  if (target === '1nf') {
    const { proposal, plans } = firstNormalForm(t, names)
    return preview(proposal, firstNormalFormSql(plans, t, d.dialect))
  }
  const built = build(t, target, fds, keepView)
  const p = renamed(built, renamer(built, names, t.name))
  return preview(
    p,
    proposalSql(p, { schema: t.schema, name: t.name, columns: t.columns, types: t.types }, d.dialect, keepView, !!csv),
  )
}

export async function applySplit(
  d: Driver,
  ref: { schema: string | null; name: string },
  target: NormalizeTarget,
  fds: FdSpec[],
  keepView: boolean,
  names: Record<string, string> = {},
): Promise<ApplyResult> {
  const t = await loadTable(d, ref)
  if (target === '1nf') {
    const r = await applyFirstNormalForm(
      d,
      { schema: t.schema, name: t.name, types: t.types },
      firstNormalForm(t, names).plans,
    )
    const all = t.sampledFrom ?? t.rows.length
    return { ...r, view: null, originalRows: all, joinedRows: all }
  }
  const built = build(t, target, fds, keepView)
  return applyProposal(
    d,
    { schema: t.schema, name: t.name, types: t.types },
    renamed(built, renamer(built, names, t.name)),
    { keepView },
  )
}
