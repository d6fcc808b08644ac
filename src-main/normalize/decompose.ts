import type { Cell } from '../../src-shared/values'
import { candidateKeys, closure, findMvds, ternaryJoinDependency, type Fd } from './fd-analysis'
import { plural, singular } from '../../src-shared/naming'

export interface ProposedTable {
  name: string
  columns: string[]
  key: string[]
  /** Foreign keys to other proposed tables: columns -> table (its key). */
  references: { columns: string[]; table: string }[]
  rows: Cell[][]
}

export interface Proposal {
  target: '1nf' | '2nf' | '3nf' | 'bcnf' | '4nf' | '5nf'
  tables: ProposedTable[]
  /** Dependencies no single table can enforce any more (BCNF can lose some). */
  lost: Fd[]
  /** Lossless by the chase over the dependencies (schema), and by joining the parts (data). */
  losslessBySchema: boolean | null
  losslessByData: boolean
  /** Cells before and after: how much repetition the split removes. */
  cellsBefore: number
  cellsAfter: number
  explanation: string
}

const same = (a: string[], b: string[]) => a.length === b.length && a.every((x) => b.includes(x))

/** A minimal cover: single right sides, no extraneous left attributes, no redundant dependencies. */
export function minimalCover(fds: Fd[]): Fd[] {
  let out = fds.filter((f) => f.error === 0 && !f.lhs.includes(f.rhs)).map((f) => ({ ...f, lhs: [...f.lhs] }))
  for (const f of out)
    for (const a of [...f.lhs]) {
      const rest = f.lhs.filter((x) => x !== a)
      if (rest.length && closure(rest, out).has(f.rhs)) f.lhs = rest
    }
  out = out.filter((f, i) => !out.some((g, j) => j < i && g.rhs === f.rhs && same(g.lhs, f.lhs)))
  for (let i = out.length - 1; i >= 0; i--) {
    const others = out.filter((_, j) => j !== i)
    if (closure(out[i].lhs, others).has(out[i].rhs)) out = others
  }
  return out
}

function project(columns: string[], rows: Cell[][], keep: string[]): Cell[][] {
  const idx = keep.map((c) => columns.indexOf(c))
  const seen = new Map<string, Cell[]>()
  for (const r of rows) {
    const v = idx.map((i) => r[i])
    seen.set(JSON.stringify(v), v)
  }
  return [...seen.values()]
}

/** Does the natural join of the parts give back exactly the original rows? */
export function joinsBack(columns: string[], rows: Cell[][], parts: string[][]): boolean {
  let acc: { cols: string[]; rows: Cell[][] } = { cols: parts[0], rows: project(columns, rows, parts[0]) }
  for (const p of parts.slice(1)) {
    const pr = project(columns, rows, p)
    const common = p.filter((c) => acc.cols.includes(c))
    const extra = p.filter((c) => !acc.cols.includes(c))
    const byKey = new Map<string, Cell[][]>()
    for (const r of pr) {
      const k = JSON.stringify(common.map((c) => r[p.indexOf(c)]))
      byKey.set(k, [...(byKey.get(k) ?? []), r])
    }
    const next: Cell[][] = []
    for (const r of acc.rows) {
      const k = JSON.stringify(common.map((c) => r[acc.cols.indexOf(c)]))
      for (const m of byKey.get(k) ?? []) next.push([...r, ...extra.map((c) => m[p.indexOf(c)])])
      if (next.length > rows.length * 4 + 1000) return false
    }
    acc = { cols: [...acc.cols, ...extra], rows: next }
  }
  const want = new Set(project(columns, rows, columns).map((r) => JSON.stringify(r)))
  const got = new Set(acc.rows.map((r) => JSON.stringify(columns.map((c) => r[acc.cols.indexOf(c)]))))
  return want.size === got.size && [...want].every((x) => got.has(x))
}

/** The chase: the decomposition is lossless iff some row of the tableau becomes all-distinguished. */
export function chaseLossless(columns: string[], parts: string[][], fds: Fd[]): boolean {
  const t = parts.map((p, i) => columns.map((c) => (p.includes(c) ? `a:${c}` : `b${i}:${c}`)))
  for (let changed = true; changed;) {
    changed = false
    for (const f of fds) {
      const li = f.lhs.map((c) => columns.indexOf(c))
      const ri = columns.indexOf(f.rhs)
      for (let i = 0; i < t.length; i++)
        for (let j = i + 1; j < t.length; j++) {
          if (!li.every((k) => t[i][k] === t[j][k]) || t[i][ri] === t[j][ri]) continue
          const keep = t[i][ri].startsWith('a:') ? t[i][ri] : t[j][ri]
          const drop = keep === t[i][ri] ? t[j][ri] : t[i][ri]
          for (const row of t) for (let k = 0; k < row.length; k++) if (row[k] === drop) row[k] = keep
          changed = true
        }
    }
  }
  return t.some((row) => row.every((v) => v.startsWith('a:')))
}

/** departments for department_id (or "dept id"); course_rooms for (course, room); else the table and the key. */
function nameFor(table: string, key: string[], taken: Set<string>): string {
  const bare = key.map((c) => c.replace(/(.)[ _]?id$/i, '$1').replace(/\s+/g, '_'))
  let name =
    key.length === 1
      ? plural(bare[0])
      : key.length <= 3
        ? [...bare.slice(0, -1).map(singular), plural(bare[bare.length - 1])].join('_')
        : `${singular(table)}_${key.join('_')}`
  while (taken.has(name)) name += '_2'
  taken.add(name)
  return name
}

function finish(
  target: Proposal['target'],
  table: string,
  columns: string[],
  rows: Cell[][],
  parts: { cols: string[]; key: string[] }[],
  fds: Fd[],
  explanation: string,
  schemaCheck: boolean,
): Proposal {
  const taken = new Set<string>([table])
  // The part that keeps the original key keeps the table's name; the others are named after their key.
  // A 4NF/5NF split has no main part: every part is a fact of its own, named after its columns.
  const mainIndex =
    target === '4nf' || target === '5nf'
      ? -1
      : Math.max(
          0,
          parts.findIndex((p) => candidateKeys(columns, fds).some((k) => k.every((c) => p.cols.includes(c)))),
        )
  const names = parts.map((p, i) => (i === mainIndex ? table : nameFor(table, p.key, taken)))
  const tables: ProposedTable[] = parts.map((p, i) => ({
    name: names[i],
    columns: p.cols,
    key: p.key,
    references: parts.flatMap((q, j) =>
      j !== i && q.key.length && q.key.every((c) => p.cols.includes(c)) && !same(q.key, p.key)
        ? [{ columns: q.key, table: names[j] }]
        : [],
    ),
    rows: project(columns, rows, p.cols),
  }))
  const colsets = parts.map((p) => p.cols)
  const kept = fds.filter((f) => f.error === 0)
  const lost = minimalCover(kept).filter((f) => !preserved(f, colsets, kept))
  return {
    target,
    tables,
    lost,
    losslessBySchema: schemaCheck ? chaseLossless(columns, colsets, kept) : null,
    losslessByData: joinsBack(columns, rows, colsets),
    cellsBefore: rows.length * columns.length,
    cellsAfter: tables.reduce((a, t) => a + t.rows.length * t.columns.length, 0),
    explanation,
  }
}

/**
 * The dependencies a proposal is built on when the user has not picked them. Discovered dependencies on a
 * small sample are mostly accidental (normalization.md §3), so keep only those whose left side repeats in a
 * good share of the rows, and state the declared key as the one key: a left side that is merely unique in
 * the data is an accident of the sample, not a second key.
 */
export function plausibleFds(
  fds: (Fd & { support?: number })[],
  rowCount: number,
  columns: string[],
  key: string[] | null,
): Fd[] {
  const minSupport = Math.max(3, Math.ceil(rowCount * 0.3))
  const kept = fds.filter((f) => f.error === 0 && (f.support ?? minSupport) >= minSupport)
  if (!key) return [...kept, ...fds.filter((f) => f.error === 0 && f.support === 0)]
  return [
    ...kept.filter((f) => !key.includes(f.rhs)),
    ...columns.filter((c) => !key.includes(c)).map((c) => ({ lhs: key, rhs: c, error: 0 })),
  ]
}

/**
 * Is X -> A still enforced by the parts together? Grow Z from X using only what each part can
 * enforce on its own (the closure of Z ∩ part, kept within the part), until A is in Z or Z stops.
 */
export function preserved(f: Fd, parts: string[][], fds: Fd[]): boolean {
  const z = new Set(f.lhs)
  for (let grew = true; grew && !z.has(f.rhs);) {
    grew = false
    for (const part of parts) {
      for (const c of closure(
        part.filter((x) => z.has(x)),
        fds,
      )) {
        if (part.includes(c) && !z.has(c)) {
          z.add(c)
          grew = true
        }
      }
    }
  }
  return z.has(f.rhs)
}

/**
 * The names a split will really create. The part that keeps the table's key is named after the thing
 * it keys (employees for employee_id); when that is the table's own name, it replaces the table in
 * place, or, when the old name is to stay as a view, takes a name of its own.
 */
export function finalizeNames(p: Proposal, source: string, keepView: boolean): Proposal {
  const rename = new Map<string, string>()
  const taken = new Set(p.tables.map((t) => t.name))
  for (const t of p.tables) {
    if (t.name !== source) continue
    let name = nameFor(source, t.key, new Set())
    if (name !== source && taken.has(name)) name = source
    if (keepView && name === source) name = `${source}_base`
    rename.set(t.name, name)
  }
  const to = (n: string) => rename.get(n) ?? n
  return {
    ...p,
    tables: p.tables.map((t) => ({
      ...t,
      name: to(t.name),
      references: t.references.map((r) => ({ ...r, table: to(r.table) })),
    })),
  }
}

/** 3NF synthesis (Bernstein): a table per left side of a minimal cover, plus one with a key. */
export function synthesize3nf(
  table: string,
  columns: string[],
  rows: Cell[][],
  fds: Fd[],
  key: string[] | null,
): Proposal {
  const cover = minimalCover(fds)
  const groups = new Map<string, { lhs: string[]; rhs: Set<string> }>()
  for (const f of cover) {
    const k = JSON.stringify([...f.lhs].sort())
    const g = groups.get(k) ?? { lhs: f.lhs, rhs: new Set<string>() }
    g.rhs.add(f.rhs)
    groups.set(k, g)
  }
  // Determinants that imply each other (department_id <-> department) describe one thing: one table.
  const merged: { lhs: string[]; alts: string[][]; rhs: Set<string> }[] = []
  for (const g of groups.values()) {
    const twin = merged.find(
      (m) => g.lhs.every((c) => closure(m.lhs, cover).has(c)) && m.lhs.every((c) => closure(g.lhs, cover).has(c)),
    )
    if (twin) {
      twin.alts.push(g.lhs)
      for (const c of [...g.lhs, ...g.rhs]) twin.rhs.add(c)
    } else merged.push({ lhs: g.lhs, alts: [g.lhs], rhs: new Set(g.rhs) })
  }
  // Of equivalent determinants the shortest, leftmost one is the key (department_id, not department).
  const pos = (k: string[]) => Math.min(...k.map((c) => columns.indexOf(c)))
  for (const m of merged) {
    m.lhs = [...m.alts].sort((a, b) => a.length - b.length || pos(a) - pos(b))[0]
    for (const c of m.alts.flat()) m.rhs.add(c)
  }
  let parts = merged.map((g) => ({ cols: columns.filter((c) => g.lhs.includes(c) || g.rhs.has(c)), key: g.lhs }))
  // Elsewhere, refer to such a thing by its key: a table holding department refers by department_id.
  for (const p of parts)
    for (const m of merged) {
      if (m.lhs === p.key || m.lhs.every((c) => p.cols.includes(c))) continue
      const alt = m.alts.find((a) => a !== m.lhs && a.every((c) => p.cols.includes(c)))
      if (!alt) continue
      const swap = (cols: string[]) =>
        columns.filter((c) => (cols.includes(c) && !alt.includes(c)) || m.lhs.includes(c))
      if (alt.every((c) => p.key.includes(c))) p.key = swap(p.key)
      p.cols = swap(p.cols)
    }
  const keys = key ? [key] : candidateKeys(columns, fds)
  if (!parts.some((p) => keys.some((k) => k.every((c) => p.cols.includes(c)))))
    parts.push({ cols: keys[0], key: keys[0] })
  parts = parts.filter(
    (p, i) =>
      !parts.some(
        (q, j) => j !== i && (q.cols.length > p.cols.length || j < i) && p.cols.every((c) => q.cols.includes(c)),
      ),
  )
  // The part holding the table's key keeps that key as its own.
  for (const p of parts)
    if (
      keys.some((k) => same(k, p.key)) === false &&
      keys.some(
        (k) => k.every((c) => p.cols.includes(c)) && p.cols.length > 0 && closure(k, cover).size >= p.cols.length,
      )
    )
      p.key = keys.find((k) => k.every((c) => p.cols.includes(c)))!
  return finish(
    '3nf',
    table,
    columns,
    rows,
    parts,
    fds,
    'One table per determinant of a minimal cover, plus the key: every dependency stays enforceable by one table, and the join loses nothing.',
    true,
  )
}

/** BCNF decomposition: split on a dependency whose left side is not a key, until none is left. */
export function decomposeBcnf(table: string, columns: string[], rows: Cell[][], fds: Fd[]): Proposal {
  const exact = fds.filter((f) => f.error === 0)
  let parts: string[][] = [columns]
  for (let guard = 0; guard < 32; guard++) {
    let split = false
    for (let i = 0; i < parts.length && !split; i++) {
      const r = parts[i]
      for (const f of exact) {
        if (!r.includes(f.rhs) || !f.lhs.every((a) => r.includes(a))) continue
        const cl = [...closure(f.lhs, exact)].filter((c) => r.includes(c))
        if (cl.length === r.length) continue // a key of this part
        const left = r.filter((c) => cl.includes(c))
        const right = r.filter((c) => !cl.includes(c) || f.lhs.includes(c))
        parts.splice(i, 1, left, right)
        split = true
        break
      }
    }
    if (!split) break
  }
  const withKeys = parts.map((cols) => ({
    cols,
    key:
      candidateKeys(
        cols,
        exact.filter((f) => cols.includes(f.rhs) && f.lhs.every((a) => cols.includes(a))),
      )[0] ?? cols,
  }))
  return finish(
    'bcnf',
    table,
    columns,
    rows,
    withKeys,
    fds,
    'Split on each dependency whose determinant is not a key, until every determinant is a key. Lossless; a dependency spanning two parts is listed as lost.',
    true,
  )
}

/** 4NF / 5NF: split on a multivalued dependency, or into the three projections of a join dependency. */
export function decomposeMultivalued(table: string, columns: string[], rows: Cell[][], fds: Fd[]): Proposal | null {
  const keys = candidateKeys(columns, fds)
  const mvd = findMvds(columns, rows, keys)[0]
  if (mvd) {
    const a = [...mvd.lhs, ...mvd.rhs]
    const b = [...mvd.lhs, ...mvd.rest]
    return finish(
      '4nf',
      table,
      columns,
      rows,
      [
        { cols: columns.filter((c) => a.includes(c)), key: columns.filter((c) => a.includes(c)) },
        { cols: columns.filter((c) => b.includes(c)), key: columns.filter((c) => b.includes(c)) },
      ],
      fds,
      `${mvd.lhs.join(', ')} ->> ${mvd.rhs.join(', ')}: the two independent facts go to two tables.`,
      false,
    )
  }
  if (columns.length === 3 && ternaryJoinDependency(rows)) {
    const [x, y, z] = columns
    return finish(
      '5nf',
      table,
      columns,
      rows,
      [
        [x, y],
        [y, z],
        [x, z],
      ].map((cols) => ({ cols, key: cols })),
      fds,
      'The table is the join of its three two-column projections: three tables that join back to exactly the original rows.',
      false,
    )
  }
  return null
}
