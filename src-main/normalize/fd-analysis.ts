import type { Cell } from '../../src-shared/values'

/** A functional dependency by column names: lhs → rhs. */
export interface Fd {
  lhs: string[]
  rhs: string
  /** g3 error (0 = holds in every row). */
  error: number
}

export function closure(attrs: Iterable<string>, fds: Fd[]): Set<string> {
  const out = new Set(attrs)
  for (let changed = true; changed;) {
    changed = false
    for (const f of fds)
      if (!out.has(f.rhs) && f.lhs.every((a) => out.has(a))) {
        out.add(f.rhs)
        changed = true
      }
  }
  return out
}

/**
 * All candidate keys implied by the dependencies: attributes never on a right-hand side are in
 * every key, attributes only on right-hand sides in none; the rest are searched smallest first.
 */
export function candidateKeys(columns: string[], fds: Fd[], limit = 64, budget = 20_000): string[][] {
  const exact = fds.filter((f) => f.error === 0)
  // Wide tables with many dependencies: stop after `budget` closures, with the keys found by then.
  let closures = 0
  const onRight = new Set(exact.map((f) => f.rhs))
  const onLeft = new Set(exact.flatMap((f) => f.lhs))
  const core = columns.filter((c) => !onRight.has(c))
  const middle = columns.filter((c) => onRight.has(c) && onLeft.has(c))
  if (closure(core, exact).size === columns.length) return [core]
  const keys: string[][] = []
  for (let size = 1; size <= middle.length && keys.length < limit && closures <= budget; size++) {
    const pick = (start: number, chosen: string[]) => {
      if (closures > budget) return
      if (chosen.length === size) {
        closures++
        if (keys.some((k) => k.every((a) => chosen.includes(a) || core.includes(a)))) return
        const cand = [...core, ...chosen]
        if (closure(cand, exact).size === columns.length) keys.push(cand)
        return
      }
      for (let i = start; i < middle.length; i++) pick(i + 1, [...chosen, middle[i]])
    }
    pick(0, [])
  }
  return keys.length ? keys.map((k) => columns.filter((c) => k.includes(c))) : [columns]
}

export interface OneNfProblem {
  kind: 'list-in-cell' | 'json-array' | 'repeating-group' | 'structured-value'
  columns: string[]
  explanation: string
}

function parseJson(v: string): unknown {
  try {
    return JSON.parse(v)
  } catch {
    return undefined
  }
}

/** 1NF problems: lists in a cell ("111-222, 333-444"), repeating groups (phone1, phone2), JSON/arrays in cells. */
export function oneNfProblems(columns: string[], rows: Cell[][]): OneNfProblem[] {
  const out: OneNfProblem[] = []
  columns.forEach((c, i) => {
    const texts = rows.map((r) => r[i]).filter((v): v is string => typeof v === 'string' && v.length > 0)
    if (!texts.length) return
    // JSON first: a JSON array's commas are not a list separator.
    const parsed = texts
      .map((v) => (/^\s*[[{]/.test(v) ? parseJson(v) : undefined))
      .filter((v): v is object => typeof v === 'object' && v !== null)
    if (parsed.length && parsed.length / texts.length >= 0.5) {
      const arrays = parsed.filter((v): v is unknown[] => Array.isArray(v))
      if (arrays.length === parsed.length && arrays.every((a) => a.every((x) => x === null || typeof x !== 'object')))
        out.push({
          kind: 'json-array',
          columns: [c],
          explanation: `${c} holds JSON arrays (e.g. ${JSON.stringify(arrays.find((a) => a.length > 1) ?? arrays[0])}): 1NF wants one value per cell, so each element gets its own row`,
        })
      else
        out.push({
          kind: 'structured-value',
          columns: [c],
          explanation: `${c} holds JSON objects or nested arrays: their parts are not atomic values (Schemist does not split these; model them as columns or tables of their own)`,
        })
      return
    }
    const lists = texts.filter((v) => /^[^,;|]+([,;|]\s*[^,;|]+)+$/.test(v) && !/^-?\d+([.,]\d+)?$/.test(v))
    if (lists.length && lists.length / texts.length >= 0.2 && lists.some((v) => v.split(/[,;|]/).length > 1)) {
      out.push({
        kind: 'list-in-cell',
        columns: [c],
        explanation: `${c} holds several values in one cell (e.g. "${lists[0]}"): 1NF wants one value per cell, so each value gets its own row`,
      })
    }
  })
  const stems = new Map<string, string[]>()
  for (const c of columns) {
    const m = /^(.*?)_?(\d+)$/.exec(c)
    if (m && m[1]) stems.set(m[1], [...(stems.get(m[1]) ?? []), c])
  }
  // Numbered columns that are the whole table are a file without a header (column1..N), not an
  // attribute repeated beside the thing it describes.
  for (const [stem, cols] of stems)
    if (cols.length >= 2 && cols.length < columns.length)
      out.push({
        kind: 'repeating-group',
        columns: cols,
        explanation: `${cols.join(', ')} repeat one attribute (${stem}) as numbered columns: 1NF wants them as rows of their own table`,
      })
  return out
}

/** Does X ->> Y hold (for every X value, the Y values and the other values combine freely)? */
export function mvdHolds(rows: Cell[][], x: number[], y: number[], z: number[]): boolean {
  const key = (r: Cell[], cols: number[]) => JSON.stringify(cols.map((c) => r[c]))
  const groups = new Map<string, { ys: Set<string>; zs: Set<string>; yz: Set<string> }>()
  for (const r of rows) {
    const k = key(r, x)
    let g = groups.get(k)
    if (!g) groups.set(k, (g = { ys: new Set(), zs: new Set(), yz: new Set() }))
    const yk = key(r, y)
    const zk = key(r, z)
    g.ys.add(yk)
    g.zs.add(zk)
    g.yz.add(`${yk}|${zk}`)
  }
  for (const g of groups.values()) if (g.yz.size !== g.ys.size * g.zs.size) return false
  return true
}

/**
 * Some X value really has several Y values and several others: otherwise X ->> Y only restates a
 * functional dependency X -> Y or X -> Z (a unique X makes every MVD hold), which 4NF does not add.
 */
function genuinelyMultivalued(rows: Cell[][], x: number[], y: number[], z: number[]): boolean {
  const key = (r: Cell[], cols: number[]) => JSON.stringify(cols.map((c) => r[c]))
  const groups = new Map<string, { ys: Set<string>; zs: Set<string> }>()
  for (const r of rows) {
    const k = key(r, x)
    let g = groups.get(k)
    if (!g) groups.set(k, (g = { ys: new Set(), zs: new Set() }))
    g.ys.add(key(r, y))
    g.zs.add(key(r, z))
    if (g.ys.size > 1 && g.zs.size > 1) return true
  }
  return false
}

/** Non-trivial multivalued dependencies X ->> Y (Y, Z non-empty) on a small table. */
export function findMvds(
  columns: string[],
  rows: Cell[][],
  keys: string[][],
): { lhs: string[]; rhs: string[]; rest: string[] }[] {
  const m = columns.length
  if (m < 3 || m > 8) return []
  const out: { lhs: string[]; rhs: string[]; rest: string[] }[] = []
  const idx = columns.map((_, i) => i)
  for (let xm = 1; xm < 1 << m; xm++) {
    const x = idx.filter((i) => xm & (1 << i))
    const xNames = x.map((i) => columns[i])
    // Superkeys have only trivial MVDs.
    if (keys.some((k) => k.every((a) => xNames.includes(a)))) continue
    const others = idx.filter((i) => !(xm & (1 << i)))
    if (others.length < 2) continue
    // Each split of the others into Y | Z once (Y holds the first of the others).
    for (let ym = 1; ym < 1 << others.length; ym++) {
      if (!(ym & 1) || ym === (1 << others.length) - 1) continue
      const y = others.filter((_, j) => ym & (1 << j))
      const z = others.filter((_, j) => !(ym & (1 << j)))
      if (mvdHolds(rows, x, y, z) && genuinelyMultivalued(rows, x, y, z))
        out.push({ lhs: xNames, rhs: y.map((i) => columns[i]), rest: z.map((i) => columns[i]) })
    }
  }
  // Keep those with a minimal left side.
  return out.filter(
    (a) =>
      !out.some(
        (b) =>
          b !== a &&
          b.lhs.length < a.lhs.length &&
          b.lhs.every((c) => a.lhs.includes(c)) &&
          JSON.stringify(b.rhs) === JSON.stringify(a.rhs),
      ),
  )
}

/** Does the table equal the join of its three two-column projections (a ternary join dependency)? */
export function ternaryJoinDependency(rows: Cell[][]): boolean {
  const k = (...v: Cell[]) => JSON.stringify(v)
  const ab = new Set(rows.map((r) => k(r[0], r[1])))
  const bc = new Set(rows.map((r) => k(r[1], r[2])))
  const ac = new Set(rows.map((r) => k(r[0], r[2])))
  const original = new Set(rows.map((r) => k(r[0], r[1], r[2])))
  const as = [...new Set(rows.map((r) => k(r[0])))].map((x) => JSON.parse(x)[0])
  const bs = [...new Set(rows.map((r) => k(r[1])))].map((x) => JSON.parse(x)[0])
  const cs = [...new Set(rows.map((r) => k(r[2])))].map((x) => JSON.parse(x)[0])
  let joined = 0
  for (const a of as)
    for (const b of bs) {
      if (!ab.has(k(a, b))) continue
      for (const c of cs)
        if (bc.has(k(b, c)) && ac.has(k(a, c))) {
          if (!original.has(k(a, b, c))) return false
          joined++
        }
    }
  return joined === original.size
}
