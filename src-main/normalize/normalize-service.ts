import { AppError } from '../../src-shared/errors'
import { primaryKeyColumns } from '../../src-shared/schema'
import { sameFd, type Analysis, type FdSpec, type NormalizeTarget, type ProposalView } from '../../src-shared/normalize'
import type { Cell } from '../../src-shared/values'
import type { Driver } from '../db/driver'
import { applyProposal, type ApplyResult } from './apply'
import { decomposeBcnf, decomposeMultivalued, finalizeNames, plausibleFds, synthesize3nf, type Proposal } from './decompose'
import { diagnose, discover, type Diagnosis } from './diagnose'
import { proposalSql } from './proposal-sql'
import { applyFirstNormalForm, firstNormalFormSql, splitFirstNormalForm } from './first-normal-form'

/** Tables above this are not read whole; discovery on a sample verified by the database is not built yet. */
export const MAX_ROWS = 200_000
const PREVIEW_ROWS = 20

export interface LoadedTable {
  schema: string | null
  name: string
  columns: string[]
  rows: Cell[][]
  key: string[] | null
  types: Map<string, string>
  from: string
  /** Every table and view name in the database, to keep new names clear of them. */
  existing: string[]
}

/** A table read whole, with its declared key and types; `name` may also be written `schema.name`. */
export async function loadTable(d: Driver, ref: { schema: string | null; name: string }): Promise<LoadedTable> {
  const schema = await d.dialect.introspect(d)
  const t = schema.tables.find((x) => (x.name === ref.name && (ref.schema === null || x.schema === ref.schema)) || (ref.schema === null && `${x.schema}.${x.name}` === ref.name))
  if (!t) throw new AppError('NOT_FOUND', `No table ${ref.name}`)
  const from = d.dialect.qualify(t.schema, t.name)
  const n = Number((await d.query(`SELECT count(*) FROM ${from}`)).rows[0][0])
  if (n > MAX_ROWS) throw new AppError('UNSUPPORTED', `${t.name} has ${n.toLocaleString('en')} rows; discovery reads at most ${MAX_ROWS.toLocaleString('en')} (sampling with verification in the database is not built yet)`)
  const r = await d.query(`SELECT * FROM ${from}`)
  const key = primaryKeyColumns(t)
  return { schema: t.schema, name: t.name, columns: t.columns.map((c) => c.name), rows: r.rows, key: key.length ? key : null, types: new Map(t.columns.map((c) => [c.name, c.nativeType])), from, existing: schema.tables.map((x) => x.name) }
}

export async function analyzeTable(d: Driver, ref: { schema: string | null; name: string }, options: { nullsEqual: boolean; maxError: number }): Promise<Analysis> {
  const t0 = performance.now()
  const t = await loadTable(d, ref)
  const found = discover(t.columns, t.rows, { nullsEqual: options.nullsEqual, maxError: options.maxError })
  const suggested = plausibleFds(found.fds, t.rows.length, t.columns, t.key)
  const diagnosis = diagnose(t.columns, t.rows, found.fds, t.key)
  return {
    columns: t.columns,
    rowCount: t.rows.length,
    declaredKey: t.key,
    fds: found.fds.map((f) => ({ ...f, suggested: suggested.some((s) => sameFd(s, f)) })),
    keys: found.keys,
    diagnosis,
    millis: performance.now() - t0,
  }
}

function checkColumns(t: LoadedTable, fds: FdSpec[]) {
  for (const f of fds) for (const c of [...f.lhs, f.rhs]) if (!t.columns.includes(c)) throw new AppError('BAD_REQUEST', `No column ${c} in ${t.name}`)
}

/** The diagnosis under the accepted dependencies only (the rows still decide 1NF, MVDs and join dependencies). */
export async function diagnoseWith(d: Driver, ref: { schema: string | null; name: string }, fds: FdSpec[]): Promise<Diagnosis> {
  const t = await loadTable(d, ref)
  checkColumns(t, fds)
  return diagnose(t.columns, t.rows, fds, t.key)
}

function build(t: LoadedTable, target: NormalizeTarget, fds: FdSpec[], keepView: boolean): Proposal {
  checkColumns(t, fds)
  // The accepted dependencies, plus the declared key, which the table states whatever the data shows.
  const all = t.key ? [...fds, ...t.columns.filter((c) => !t.key!.includes(c)).map((c) => ({ lhs: t.key!, rhs: c, error: 0 }))] : fds
  const p =
    target === '3nf' ? synthesize3nf(t.name, t.columns, t.rows, all, t.key)
    : target === 'bcnf' ? decomposeBcnf(t.name, t.columns, t.rows, all)
    : decomposeMultivalued(t.name, t.columns, t.rows, all)
  if (!p) throw new AppError('NOT_FOUND', `No ${target.toUpperCase()} split applies to ${t.name}: no multivalued or join dependency holds in its rows`)
  if (p.tables.length < 2) throw new AppError('NOT_FOUND', `${t.name} is already in ${target.toUpperCase()} under the accepted dependencies: nothing to split`)
  return finalizeNames(p, t.name, keepView)
}

function firstNormalForm(t: LoadedTable) {
  const r = splitFirstNormalForm(t.name, t.columns, t.rows, t.key, t.existing)
  if (!r) throw new AppError('NOT_FOUND', `${t.name} is in 1NF: no lists in a cell or numbered column groups`)
  return r
}

export async function proposeSplit(d: Driver, ref: { schema: string | null; name: string }, target: NormalizeTarget, fds: FdSpec[], keepView: boolean): Promise<ProposalView> {
  const t = await loadTable(d, ref)
  const preview = (p: Proposal, sql: string[]): ProposalView => ({ ...p, tables: p.tables.map((x) => ({ ...x, rows: x.rows.slice(0, PREVIEW_ROWS), rowCount: x.rows.length })), sql })
  if (target === '1nf') {
    const { proposal, plans } = firstNormalForm(t)
    return preview(proposal, firstNormalFormSql(plans, t, d.dialect))
  }
  const p = build(t, target, fds, keepView)
  return preview(p, proposalSql(p, { schema: t.schema, name: t.name, columns: t.columns, types: t.types }, d.dialect, keepView))
}

export async function applySplit(d: Driver, ref: { schema: string | null; name: string }, target: NormalizeTarget, fds: FdSpec[], keepView: boolean): Promise<ApplyResult> {
  const t = await loadTable(d, ref)
  if (target === '1nf') {
    const r = await applyFirstNormalForm(d, { schema: t.schema, name: t.name, types: t.types }, firstNormalForm(t).plans)
    return { ...r, view: null, originalRows: t.rows.length, joinedRows: t.rows.length }
  }
  return applyProposal(d, { schema: t.schema, name: t.name, types: t.types }, build(t, target, fds, keepView), { keepView })
}
