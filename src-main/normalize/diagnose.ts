import type { Cell } from '../../src-shared/values'
import {
  candidateKeys,
  findMvds,
  oneNfProblems,
  ternaryJoinDependency,
  type Fd,
  type OneNfProblem,
} from './fd-analysis'
import { attrs, OutOfBudget, tane, type DiscoveryOptions } from './tane'
import { AGREE_SET_PAIR_LIMIT, agreeSetDiscovery } from './fdep'
import { sampledDependencies } from './hyfd'
import { columnValues, refine, refineScratch, wholePartition, type Partition } from './partitions'
import { AppError } from '../../src-shared/errors'

export type NormalForm = 'not 1NF' | '1NF' | '2NF' | '3NF' | 'BCNF' | '4NF' | '5NF'

export interface RankedFd extends Fd {
  /** Rows that share their left-hand side with another row: the evidence the dependency rests on (-1: not counted, past SUPPORT_LIMIT dependencies). */
  support: number
}

export interface Discovery {
  columns: string[]
  rows: number
  fds: RankedFd[]
  /** Candidate keys found in the data. */
  keys: string[][]
  /** The search that found them. */
  algorithm: DiscoveryAlgorithm
}

/** Which search a table gets: see `discover`. */
export type DiscoveryAlgorithm = 'tane' | 'agree-sets' | 'sampled-agree-sets'

/** Each search as the CLI names it. */
export const ALGORITHM_NAMES: Record<DiscoveryAlgorithm, string> = {
  tane: 'TANE',
  'agree-sets': 'agree sets',
  'sampled-agree-sets': 'sampled agree sets, validated on every row',
}

/**
 * TANE walks the attribute lattice: fast on tables with many rows, and the only one that finds
 * approximate dependencies, but limited to 30 columns, and where its partitions stay big level
 * after level it needs gigabytes. The agree-set search compares every pair of distinct rows: fast
 * on tables of up to a few thousand rows, at any width. The sampled search (HyFD's way) compares
 * a sample of pairs and checks its candidates on every row: for tables wider than 30 columns with
 * many rows, and wherever TANE would need more than TANE_MEMORY_BUDGET, which is measured on the
 * table first (`taneLevelBytes`), not guessed from its row count.
 */
export function chooseAlgorithm(
  rows: Cell[][],
  columnCount: number,
  maxError: number,
  nullsEqual = true,
): DiscoveryAlgorithm {
  if (maxError > 0) {
    if (columnCount > 30)
      throw new AppError(
        'BAD_REQUEST',
        `Approximate dependencies are searched on tables of at most 30 columns; this one has ${columnCount}. Look for exact ones (error 0), or pick fewer columns.`,
      )
    return 'tane'
  }
  const pairs = (rows.length * (rows.length - 1)) / 2
  // Narrow tables have a small lattice: TANE wins there once the pairs run into the millions.
  if (columnCount <= 12) return pairs <= 1_000_000 ? 'agree-sets' : 'tane'
  if (pairs <= AGREE_SET_PAIR_LIMIT) return 'agree-sets'
  if (columnCount > 30) return 'sampled-agree-sets'
  // Measured on this table: what TANE's widest lattice level would hold. Where rows agree on
  // many columns (the `letter` benchmark's shape) partitions stay big level after level, TANE
  // takes gigabytes and minutes, and the sampled search is many times faster.
  return taneLevelBytes(rows, columnCount, nullsEqual) > TANE_MEMORY_BUDGET ? 'sampled-agree-sets' : 'tane'
}

/**
 * What TANE's partitions may hold at once before the sampled search takes over (both when the
 * estimate says so beforehand and when TANE reaches it while running). Measured: 20 x 100,000
 * planted rows peak near 1.5 GB in TANE (15 s) where the sampled search takes 8 s at 200 MB; the
 * `letter`-shaped table of bench/fd passes 2 GB in TANE and takes 4 s sampled.
 */
export const TANE_MEMORY_BUDGET = 500_000_000

/**
 * An estimate of the most bytes TANE's partitions hold at once (two lattice levels): a few
 * random orders of the columns (by a fixed seed), each split column by column from all rows, give
 * the mean partition size of a set of k columns for every k; times how many sets level k has.
 */
export function taneLevelBytes(rows: Cell[][], columnCount: number, nullsEqual = true): number {
  const n = rows.length
  const m = columnCount
  if (n < 2 || m === 0) return 0
  const columns = Array.from({ length: m }, (_, c) => columnValues(rows, c, nullsEqual))
  const scratch = refineScratch(n, Math.max(1, ...columns.map((c) => c.card)))
  let seed = 12345
  const next = () => (seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32
  const CHAINS = 10
  const bytesAt = new Float64Array(m + 1)
  for (let s = 0; s < CHAINS; s++) {
    const order = Array.from({ length: m }, (_, c) => c)
    for (let i = m - 1; i > 0; i--) {
      const j = Math.floor(next() * (i + 1))
      ;[order[i], order[j]] = [order[j], order[i]]
    }
    let p = wholePartition(n)
    for (let k = 1; k <= m && p.size > 0; k++) {
      p = refine(p, columns[order[k - 1]].values, scratch)
      bytesAt[k] += (p.rows.byteLength + p.starts.byteLength) / CHAINS
    }
  }
  let peak = 0
  let sets = 1
  let previous = 0
  for (let k = 1; k <= m; k++) {
    sets = (sets * (m - k + 1)) / k
    const level = sets * bytesAt[k]
    peak = Math.max(peak, level + previous)
    previous = level
  }
  return peak
}

/** Above this many dependencies, the supporting-row counts are not worked out (support is -1). */
export const SUPPORT_LIMIT = 20_000

/** Minimal dependencies named by column, ranked by how much of the data supports each. */
export function discover(columns: string[], rows: Cell[][], options: DiscoveryOptions = {}): Discovery {
  const m = columns.length
  let found: { lhs: number[]; rhs: number; error: number; support?: number }[]
  let keyIndexes: number[][] | null = null
  const nullsEqual = options.nullsEqual ?? true
  // The sampled search's partitions already give each left side's support (NULL = NULL only).
  const sampled = () =>
    sampledDependencies(rows, m, options).map((d) => ({ ...d, error: 0, support: nullsEqual ? d.support : -1 }))
  let algorithm = chooseAlgorithm(rows, m, options.maxError ?? 0, nullsEqual)
  if (algorithm === 'tane') {
    // Exact search on a table the sampled search can take: TANE within a memory budget.
    const fallback = m > 12 && !(options.maxError ?? 0)
    try {
      found = tane(
        rows,
        m,
        fallback ? { ...options, memoryBudget: options.memoryBudget ?? TANE_MEMORY_BUDGET } : options,
      ).dependencies.map((d) => ({ lhs: attrs(d.lhs), rhs: d.rhs, error: d.error }))
    } catch (e) {
      if (!(e instanceof OutOfBudget) || !fallback) throw e
      algorithm = 'sampled-agree-sets'
      found = sampled()
    }
  } else if (algorithm === 'sampled-agree-sets') {
    found = sampled()
  } else {
    const r = agreeSetDiscovery(rows, m, options)
    found = r.dependencies.map((d) => ({ ...d, error: 0 }))
    keyIndexes = r.keys
  }
  const counted = found.length <= SUPPORT_LIMIT
  const known = (d: (typeof found)[number]) => d.support !== undefined && d.support >= 0
  const missing = counted ? found.filter((d) => !known(d)).map((d) => d.lhs) : []
  const support = supportOf(rows, m, missing)
  const fds: RankedFd[] = found.map((d) => ({
    lhs: d.lhs.map((i) => columns[i]),
    rhs: columns[d.rhs],
    error: d.error,
    support: !counted ? -1 : known(d) ? d.support! : (support.get(d.lhs.join(',')) ?? -1),
  }))
  fds.sort((a, b) => b.support - a.support || a.lhs.length - b.lhs.length || a.rhs.localeCompare(b.rhs))
  const keys = keyIndexes
    ? keyIndexes.length
      ? keyIndexes.map((k) => k.map((i) => columns[i]))
      : [columns]
    : candidateKeys(columns, fds)
  return { columns, rows: rows.length, fds, keys, algorithm }
}

/**
 * For each left side, the rows that share their values there with another row (NULL equal to
 * NULL): the size of its stripped partition. The left sides go in column order, so each shares
 * the partitions of its common prefix with the one before (split column by column, `refine`).
 */
function supportOf(rows: Cell[][], m: number, lhss: number[][]): Map<string, number> {
  const n = rows.length
  const out = new Map<string, number>()
  if (!lhss.length) return out
  const columns = Array.from({ length: m }, (_, c) => columnValues(rows, c, true))
  const scratch = refineScratch(n, Math.max(1, ...columns.map((c) => c.card)))
  const whole = wholePartition(n)
  const sorted = [...new Map(lhss.map((l) => [l.join(','), l])).values()].sort((a, b) => {
    for (let i = 0; i < a.length && i < b.length; i++) if (a[i] !== b[i]) return a[i] - b[i]
    return a.length - b.length
  })
  const stack: { attr: number; p: Partition }[] = []
  for (const lhs of sorted) {
    let same = 0
    while (same < stack.length && same < lhs.length && stack[same].attr === lhs[same]) same++
    stack.length = same
    for (let d = same; d < lhs.length; d++)
      stack.push({ attr: lhs[d], p: refine(d ? stack[d - 1].p : whole, columns[lhs[d]].values, scratch) })
    out.set(lhs.join(','), lhs.length ? stack[lhs.length - 1].p.size : whole.size)
  }
  return out
}

export interface Violation {
  form: Exclude<NormalForm, 'not 1NF'>
  explanation: string
  fd?: Fd
  mvd?: { lhs: string[]; rhs: string[]; rest: string[] }
}

export interface Diagnosis {
  normalForm: NormalForm
  keys: string[][]
  keySource: 'declared' | 'discovered'
  oneNf: OneNfProblem[]
  violations: Violation[]
  /** What was not checked, said plainly. */
  notes: string[]
}

const list = (xs: string[]) => xs.join(', ')

/**
 * The table's normal form and the dependency that breaks the next one. The key is the declared
 * primary key when there is one (it is what the table means), with any declared unique column sets;
 * otherwise the keys found in data.
 */
export function diagnose(
  columns: string[],
  rows: Cell[][] | null,
  fds: Fd[],
  declaredKey: string[] | null,
  uniqueKeys: string[][] = [],
): Diagnosis {
  const exact = fds.filter((f) => f.error === 0)
  const discovered = candidateKeys(columns, exact)
  const keys = declaredKey && declaredKey.length ? [declaredKey, ...uniqueKeys.filter((u) => u.length)] : discovered
  const prime = new Set(keys.flat())
  const isSuperkey = (x: string[]) => keys.some((k) => k.every((a) => x.includes(a)))
  // Without rows (a table on paper), 1NF is judged by the column names alone.
  const oneNf = oneNfProblems(columns, rows ?? [])
  const violations: Violation[] = []
  const notes: string[] = []
  for (const f of exact) {
    if (isSuperkey(f.lhs) || f.lhs.includes(f.rhs)) continue
    const partOfKey = keys.find((k) => f.lhs.length < k.length && f.lhs.every((a) => k.includes(a)))
    if (!prime.has(f.rhs) && partOfKey) {
      violations.push({
        form: '2NF',
        fd: f,
        explanation: `${f.rhs} depends on ${list(f.lhs)} alone, only part of the key (${list(partOfKey)}): a partial dependency. Every row repeats ${f.rhs} for each ${list(f.lhs)}.`,
      })
    } else if (!prime.has(f.rhs)) {
      violations.push({
        form: '3NF',
        fd: f,
        explanation: `${f.rhs} depends on ${list(f.lhs)}, which is not a key: a transitive dependency (key → ${list(f.lhs)} → ${f.rhs}). ${f.rhs} is repeated for every row with the same ${list(f.lhs)}.`,
      })
    } else {
      violations.push({
        form: 'BCNF',
        fd: f,
        explanation: `${list(f.lhs)} determines ${f.rhs} but is not a key: a determinant that is not a candidate key.`,
      })
    }
  }
  if (!violations.length && !oneNf.length && rows === null) {
    notes.push(
      '4NF and 5NF not checked: multivalued and join dependencies are found in rows, and a table on paper has none (normalize it from a database or a CSV file to check them)',
    )
  } else if (!violations.length && !oneNf.length && rows !== null) {
    const mvds = findMvds(columns, rows, keys)
    if (columns.length > 8)
      notes.push('4NF not checked: multivalued dependencies are searched on tables of at most 8 columns')
    for (const m of mvds)
      violations.push({
        form: '4NF',
        mvd: m,
        explanation: `${list(m.lhs)} ->> ${list(m.rhs)} | ${list(m.rest)}: for each ${list(m.lhs)}, every ${list(m.rhs)} appears with every ${list(m.rest)}. They are independent facts stored as a product.`,
      })
    if (!mvds.length && columns.length === 3 && keys.length === 1 && keys[0].length === 3) {
      if (ternaryJoinDependency(rows))
        violations.push({
          form: '5NF',
          explanation: `The table is exactly the join of its three two-column projections (${columns[0]}-${columns[1]}, ${columns[1]}-${columns[2]}, ${columns[0]}-${columns[2]}): a join dependency, so it can be stored as three tables without losing a row.`,
        })
    } else if (!mvds.length && columns.length > 3) notes.push('5NF checked only for three-column tables')
  }
  const order: Violation['form'][] = ['2NF', '3NF', 'BCNF', '4NF', '5NF']
  violations.sort((a, b) => order.indexOf(a.form) - order.indexOf(b.form))
  const first = order.find((f) => violations.some((v) => v.form === f))
  const normalForm: NormalForm = oneNf.length
    ? 'not 1NF'
    : first
      ? (['1NF', '2NF', '3NF', 'BCNF', '4NF'] as const)[order.indexOf(first)]
      : rows === null
        ? 'BCNF'
        : columns.length === 3 || columns.length <= 8
          ? '5NF'
          : '4NF'
  if (rows !== null && rows.length < 10)
    notes.push(`Only ${rows.length} rows: some dependencies may be accidents of this data; accept or reject each`)
  return {
    normalForm,
    keys,
    keySource: declaredKey && declaredKey.length ? 'declared' : 'discovered',
    oneNf,
    violations,
    notes,
  }
}
