import { AppError } from '../../src-shared/errors'
import { sameFd, type CsvReading } from '../../src-shared/normalize'
import type { Cell } from '../../src-shared/values'
import { dialectFor, openDriver } from '../db/open-driver'
import type { Dialect } from '../db/dialect'
import {
  decomposeBcnf,
  decomposeMultivalued,
  finalizeNames,
  plausibleFds,
  synthesize3nf,
  type Proposal,
} from '../normalize/decompose'
import { applyProposal } from '../normalize/apply'
import { proposalSql } from '../normalize/proposal-sql'
import { ALGORITHM_NAMES, diagnose, discover, type Diagnosis, type DiscoveryAlgorithm } from '../normalize/diagnose'
import { analyzeLoaded, loadCsv, loadTable, type LoadedTable } from '../normalize/normalize-service'
import { applyFirstNormalForm, firstNormalFormSql, splitFirstNormalForm } from '../normalize/first-normal-form'
import type { Fd } from '../normalize/fd-analysis'
import { parseConnectionArg } from './connection-arg'

/** Rows of a CSV file (header first), or of a table on a connection, with its declared key. */
export interface Source {
  columns: string[]
  rows: Cell[][]
  key: string[] | null
  name: string
  /** Declared column types (a table on a connection), the dialect, and the qualified name to read from. */
  types?: Map<string, string>
  dialect: Dialect
  from?: string
  schema?: string | null
  /** The table as the service read it (absent for a file). */
  loaded?: LoadedTable
}

/** The analysis of a source: a CSV file inline; a table through the service, which checks a sample's findings on the whole table. */
async function analyzeSource(src: Source, connection: string | undefined, flags: Map<string, string | true>) {
  const options = {
    nullsEqual: !flags.has('nulls-distinct'),
    maxError: flags.has('max-error') ? Number(flags.get('max-error')) : 0,
  }
  if (!src.loaded) {
    const found = discover(src.columns, src.rows, options)
    return {
      fds: found.fds,
      keys: found.keys,
      sampleNote: null as string | null,
      algorithm: found.algorithm as DiscoveryAlgorithm | null,
    }
  }
  const d = await openDriver(parseConnectionArg(connection!))
  try {
    const a = await analyzeLoaded(d, src.loaded, options)
    const note = a.sample
      ? `discovered on a random sample of ${a.sample.rows} of ${a.sample.of} rows; each dependency and key checked on all rows by the database${a.sample.sampleOnly.length ? `; held only in the sample: ${a.sample.sampleOnly.map((f) => `${f.lhs.join(', ') || '∅'} -> ${f.rhs}`).join('; ')}` : ''}`
      : null
    return { fds: a.fds, keys: a.keys, sampleNote: note, algorithm: null }
  } finally {
    await d.close()
  }
}

/** The CSV reading flags: --header / --no-header (else guessed; without one, columns are column1..N) and --separator (one character, or "tab"; else guessed). */
function csvOptions(flags: Map<string, string | true>): CsvReading {
  const sep = flags.get('separator')
  if (sep === true)
    throw new AppError('BAD_REQUEST', '--separator needs a character, e.g. --separator ";" or --separator tab')
  const header = flags.has('no-header') ? false : flags.has('header') ? true : undefined
  return { header, separator: sep === undefined ? undefined : sep === 'tab' || sep === '\\t' ? '\t' : sep }
}

export async function loadSource(
  source: string,
  connection: string | undefined,
  flags: Map<string, string | true> = new Map(),
): Promise<Source> {
  if (/\.(csv|tsv|data)$/i.test(source))
    return { ...(await loadCsv(source, csvOptions(flags))), dialect: dialectFor('sqlite'), from: undefined }
  if (!connection)
    throw new AppError('BAD_REQUEST', 'Give --connection <sqlite file | postgres url> for a table, or a .csv file')
  const d = await openDriver(parseConnectionArg(connection))
  try {
    const loaded = await loadTable(d, { schema: null, name: source })
    return { ...loaded, dialect: d.dialect, loaded }
  } finally {
    await d.close()
  }
}

export async function fdCommand(
  source: string,
  flags: Map<string, string | true>,
  out: (s: string) => void,
): Promise<void> {
  const connection = flags.get('connection') as string | undefined
  const src = await loadSource(source, connection, flags)
  const found = await analyzeSource(src, connection, flags)
  const rows = src.loaded?.sampledFrom ?? src.rows.length
  if (flags.has('json')) {
    out(
      JSON.stringify(
        { columns: src.columns, rows, fds: found.fds, keys: found.keys, sample: found.sampleNote },
        null,
        2,
      ),
    )
    return
  }
  out(
    `${src.name}: ${rows} rows, ${src.columns.length} columns; ${found.fds.length} minimal ${found.fds.length === 1 ? 'dependency' : 'dependencies'}${found.algorithm ? ` (${ALGORITHM_NAMES[found.algorithm]})` : ''}`,
  )
  if (found.sampleNote) out(`(${found.sampleNote})`)
  for (const f of found.fds)
    out(
      `  ${f.lhs.join(', ') || '∅'} -> ${f.rhs}${f.error ? `  (approximate: ${(f.error * 100).toFixed(1)}% of rows disagree)` : ''}${f.support > 0 ? `  [${f.support} supporting rows]` : f.support === 0 ? '  [the left side is a key: no two rows share it]' : ''}`,
    )
  out(`keys: ${found.keys.map((k) => `(${k.join(', ')})`).join(', ')}`)
}

export async function normalizeCommand(
  source: string,
  flags: Map<string, string | true>,
  out: (s: string) => void,
): Promise<void> {
  const connection = flags.get('connection') as string | undefined
  const src = await loadSource(source, connection, flags)
  const found = await analyzeSource(src, connection, flags)
  const d = diagnose(src.columns, src.rows, found.fds, src.key)
  const target = flags.has('to') ? String(flags.get('to')).toLowerCase() : null
  if (target === '1nf') return firstNormalFormCommand(src, d, flags, out)
  const fds = target ? chooseFds(found.fds, src, flags) : []
  const raw = target ? propose(target, src, fds) : null
  const keepView = flags.has('keep-view')
  const p = raw && finalizeNames(raw, src.name, keepView)
  const sql = (x: Proposal) =>
    proposalSql(
      x,
      { schema: src.schema ?? null, name: src.name, columns: src.columns, types: src.types ?? new Map() },
      src.dialect,
      keepView,
      !src.from,
    )
  if (flags.has('json')) {
    out(
      JSON.stringify(
        { discovery: found, diagnosis: d, ...(target ? { proposal: p && { ...p, sql: sql(p) } } : {}) },
        null,
        2,
      ),
    )
    return
  }
  out(`${src.name}: ${d.normalForm}`)
  if (found.sampleNote) out(`(${found.sampleNote})`)
  out(`key (${d.keySource}): ${d.keys.map((k) => `(${k.join(', ')})`).join(', ')}`)
  for (const p of d.oneNf) out(`  1NF: ${p.explanation}`)
  for (const v of d.violations) out(`  ${v.form}: ${v.explanation}`)
  for (const n of d.notes) out(`  note: ${n}`)
  if (!target) return
  if (!p) {
    out(`No ${target.toUpperCase()} split applies: the table has no dependency of that kind.`)
    return
  }
  out('')
  out(`Proposal (${p.target.toUpperCase()}): ${p.explanation}`)
  if (p.target !== '4nf' && p.target !== '5nf')
    out(`built on: ${fds.map((f) => `${f.lhs.join(', ')} -> ${f.rhs}`).join('; ')}`)
  for (const t of p.tables) {
    const refs = t.references.map((r) => `, (${r.columns.join(', ')}) -> ${r.table}`).join('')
    out(
      `  ${t.name}(${t.columns.map((c) => (t.key.includes(c) ? `*${c}` : c)).join(', ')})  ${t.rows.length} rows${refs}`,
    )
  }
  out(
    `lossless: ${p.losslessBySchema === null ? '' : `by the dependencies ${p.losslessBySchema ? 'yes' : 'NO'}, `}by the rows ${p.losslessByData ? 'yes (the join gives back exactly the original rows)' : 'NO (the join adds rows)'}`,
  )
  out(
    p.lost.length
      ? `not preserved: ${p.lost.map((f) => `${f.lhs.join(', ')} -> ${f.rhs}`).join('; ')} (no single table holds it; it needs a trigger or a check across tables)`
      : 'every dependency stays enforceable by one table',
  )
  out(`cells: ${p.cellsBefore} before, ${p.cellsAfter} after`)
  out('')
  if (!flags.has('apply')) {
    out(
      `-- SQL (not run; --apply runs it and checks the join${keepView ? '' : ', --keep-view keeps the old name as a view'})`,
    )
    for (const line of sql(p)) out(line)
    return
  }
  if (!src.from) throw new AppError('BAD_REQUEST', '--apply needs a table on a connection, not a file')
  const db = await openDriver(parseConnectionArg(flags.get('connection') as string))
  try {
    const r = await applyProposal(
      db,
      { schema: src.schema ?? null, name: src.name, types: src.types ?? new Map() },
      p,
      { keepView: flags.has('keep-view') },
    )
    for (const s of r.statements) out(`${s};`)
    out(
      `applied: ${r.tables.map((t) => `${t.name} (${t.rows} rows)`).join(', ')}${r.view ? `; ${r.view} is now a view` : ''}; the join gives back all ${r.originalRows} rows`,
    )
  } finally {
    await db.close()
  }
}

/** The user's dependencies (--fd "a,b->c", repeatable via ';'), else the plausible discovered ones minus --drop. */
function chooseFds(found: (Fd & { support: number })[], src: Source, flags: Map<string, string | true>): Fd[] {
  const parse = (spec: string): Fd[] =>
    spec
      .split(';')
      .filter((x) => x.trim())
      .map((one) => {
        const m = /^(.*)->(.*)$/.exec(one)
        if (!m) throw new AppError('BAD_REQUEST', `A dependency is written "a, b -> c", not "${one}"`)
        const lhs = m[1]
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
        const rhs = m[2]
          .split(',')
          .map((x) => x.trim())
          .filter(Boolean)
        for (const c of [...lhs, ...rhs])
          if (!src.columns.includes(c)) throw new AppError('BAD_REQUEST', `No column ${c} in ${src.name}`)
        return rhs.map((r) => ({ lhs, rhs: r, error: 0 }))
      })
      .flat()
  if (typeof flags.get('fd') === 'string') return parse(flags.get('fd') as string)
  const drop = typeof flags.get('drop') === 'string' ? parse(flags.get('drop') as string) : []
  return plausibleFds(found, src.rows.length, src.columns, src.key).filter((f) => !drop.some((d) => sameFd(d, f)))
}

function propose(target: string, src: Source, fds: Fd[]): Proposal | null {
  switch (target) {
    case '2nf':
    case '3nf':
      return synthesize3nf(src.name, src.columns, src.rows, fds, src.key)
    case 'bcnf':
      return decomposeBcnf(src.name, src.columns, src.rows, fds)
    case '4nf':
    case '5nf':
      return decomposeMultivalued(src.name, src.columns, src.rows, fds)
    default:
      throw new AppError('BAD_REQUEST', `--to takes 1nf, 2nf, 3nf, bcnf, 4nf or 5nf, not ${target}`)
  }
}

/** `--to 1nf`: lists in a cell and numbered column groups move to tables of their own. */
async function firstNormalFormCommand(
  src: Source,
  d: Diagnosis,
  flags: Map<string, string | true>,
  out: (s: string) => void,
) {
  const json = flags.has('json')
  const split = splitFirstNormalForm(src.name, src.columns, src.rows, src.key, src.loaded?.existing ?? [])
  if (!split) {
    if (json) out(JSON.stringify({ diagnosis: d, proposal: null }, null, 2))
    else out(`${src.name} is in 1NF: no lists in a cell or numbered column groups.`)
    return
  }
  const oneNf = { schema: src.schema ?? null, name: src.name, types: src.types ?? new Map<string, string>() }
  const sql = firstNormalFormSql(split.plans, oneNf, src.dialect)
  const p = split.proposal
  if (json) {
    out(JSON.stringify({ diagnosis: d, proposal: { ...p, sql } }, null, 2))
    return
  }
  out(`${src.name}: ${d.normalForm}`)
  for (const x of d.oneNf) out(`  1NF: ${x.explanation}`)
  out('')
  out(`Proposal (1NF): ${p.explanation}`)
  for (const t of p.tables)
    out(
      `  ${t.name}(${t.columns.map((c) => (t.key.includes(c) ? `*${c}` : c)).join(', ')})  ${t.rows.length} rows${t.references.map((r) => `, (${r.columns.join(', ')}) -> ${r.table}`).join('')}`,
    )
  out(`cells: ${p.cellsBefore} before, ${p.cellsAfter} after`)
  out('')
  if (!flags.has('apply')) {
    out('-- SQL (not run; --apply runs it, fills the new tables from the rows and checks every value arrived)')
    for (const line of sql) out(line)
    return
  }
  if (!src.from) throw new AppError('BAD_REQUEST', '--apply needs a table on a connection, not a file')
  const db = await openDriver(parseConnectionArg(flags.get('connection') as string))
  try {
    const r = await applyFirstNormalForm(db, oneNf, split.plans)
    for (const s of r.statements) out(`${s};`)
    out(`applied: ${r.tables.map((t) => `${t.name} (${t.rows} rows)`).join(', ')}`)
  } finally {
    await db.close()
  }
}
