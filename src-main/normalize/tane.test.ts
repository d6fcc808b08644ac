import { describe, expect, it } from 'vitest'
import type { Cell } from '../../src-shared/values'
import { sampleTable } from '../test-support/sample-table'
import { tane } from './tane'
import { agreeSetDependencies, agreeSetDiscovery, largestFirst, maximalLacking, maximalOf } from './fdep'
import { sampledDependencies } from './hyfd'
import { candidateKeys } from './fd-analysis'
import { chooseAlgorithm, diagnose, discover, taneLevelBytes } from './diagnose'
import {
  columnPartition,
  columnValues,
  product,
  productScratch,
  refine,
  refineScratch,
  type Partition,
} from './partitions'

/** A small seeded PRNG, so a failure can be replayed. */
function rng(seed: number) {
  let s = seed >>> 0
  return () => (s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32
}

/** The reference: every X → A checked by grouping, kept when no subset of X also works. */
function bruteForce(rows: Cell[][], m: number, nullsEqual: boolean): string[] {
  const holds = (x: number, a: number) => {
    const seen = new Map<string, Cell>()
    for (const r of rows) {
      const lhs: Cell[] = []
      let hasNull = false
      for (let i = 0; i < m; i++)
        if (x & (1 << i)) {
          lhs.push(r[i])
          if (r[i] === null) hasNull = true
        }
      // NULL != NULL: a row with a NULL on the left agrees with no other row.
      if (hasNull && !nullsEqual) continue
      const k = JSON.stringify(lhs)
      if (!seen.has(k)) seen.set(k, r[a])
      else {
        const prev = seen.get(k)
        const same = prev === r[a] && (nullsEqual || r[a] !== null)
        if (!same) return false
      }
    }
    return true
  }
  const out: string[] = []
  for (let a = 0; a < m; a++) {
    const found: number[] = []
    for (let size = 0; size < m; size++) {
      for (let x = 0; x < 1 << m; x++) {
        if (x & (1 << a) || popcount(x) !== size) continue
        if (found.some((f) => (f & x) === f)) continue
        if (holds(x, a)) found.push(x)
      }
    }
    for (const x of found) out.push(`${x}->${a}`)
  }
  return out.sort()
}

function popcount(x: number) {
  let c = 0
  for (; x; x &= x - 1) c++
  return c
}

describe('TANE', () => {
  it('finds exactly the minimal dependencies a brute-force search finds, on random tables with planted ones', () => {
    for (let seed = 1; seed <= 120; seed++) {
      const r = rng(seed)
      const m = 3 + Math.floor(r() * 6)
      const n = 5 + Math.floor(r() * 40)
      const nullsEqual = seed % 2 === 0
      const rows: Cell[][] = []
      for (let i = 0; i < n; i++) {
        const row: Cell[] = []
        // Mixed cardinalities: low ones make dependencies, high ones make keys (and key pruning).
        for (let c = 0; c < m; c++) row.push(r() < 0.08 ? null : Math.floor(r() * [2, 4, 6, 30, 100][c % 5]))
        // Plant: column m-1 is a function of columns 0 and 1.
        row[m - 1] = row[0] === null || row[1] === null ? null : ((row[0] as number) * 7 + (row[1] as number)) % 5
        rows.push(row)
      }
      const got = tane(rows, m, { nullsEqual })
        .dependencies.map((d) => `${d.lhs}->${d.rhs}`)
        .sort()
      const want = bruteForce(rows, m, nullsEqual)
      expect(got, `seed ${seed}, ${m} columns, ${n} rows, nullsEqual ${nullsEqual}`).toEqual(want)
    }
  })

  /**
   * Random tables with NULLs, repeated rows and a planted dependency (the last column a function of
   * the first two), checked against the brute-force reference under both NULL semantics.
   */
  function matchesBruteForce(
    search: (rows: Cell[][], m: number, nullsEqual: boolean) => { lhs: number[]; rhs: number }[],
    salt: number,
  ) {
    for (let seed = 1; seed <= 150; seed++) {
      const r = rng(seed * salt)
      const m = 2 + Math.floor(r() * 7)
      const n = 2 + Math.floor(r() * 50)
      const nullsEqual = seed % 2 === 0
      const rows: Cell[][] = []
      for (let i = 0; i < n; i++) {
        const row: Cell[] = []
        for (let c = 0; c < m; c++) row.push(r() < 0.1 ? null : Math.floor(r() * [2, 3, 5, 20, 80][c % 5]))
        row[m - 1] = row[1] === null || row[0] === null ? null : ((row[0] as number) + (row[1] as number)) % 3
        // Some repeated rows, which agree on everything.
        rows.push(row, ...(r() < 0.1 ? [[...row]] : []))
      }
      const got = search(rows, m, nullsEqual)
        .map((d) => `${d.lhs.reduce((x, c) => x | (1 << c), 0)}->${d.rhs}`)
        .sort()
      expect(got, `seed ${seed}, ${m} columns, ${rows.length} rows, nullsEqual ${nullsEqual}`).toEqual(
        bruteForce(rows, m, nullsEqual),
      )
    }
  }

  it('agree-set discovery (for wide tables) finds exactly what the brute-force search finds, both NULL semantics', () => {
    matchesBruteForce((rows, m, nullsEqual) => agreeSetDependencies(rows, m, { nullsEqual }), 7919)
  })

  it('sampled agree sets with validation (for tall tables) find exactly what the brute-force search finds', () => {
    matchesBruteForce((rows, m, nullsEqual) => sampledDependencies(rows, m, { nullsEqual }), 104729)
  })

  it("the lattice sweep finds each right side's maximal non-dependencies as the superset trie does", () => {
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed * 17)
      const m = 3 + Math.floor(r() * 14)
      const keys = Array.from({ length: 1 + Math.floor(r() * 400) }, () => Math.floor(r() * 2 ** m))
      const sets = largestFirst([...new Set(keys)].map((k) => Uint32Array.of(k)))
      for (let rhs = 0; rhs < m; rhs++) {
        const lacking = sets.filter((s) => !(s.w[0] & (1 << rhs)))
        const norm = (ws: Uint32Array[]) => ws.map((w) => w[0]).sort((a, b) => a - b)
        expect(norm(maximalLacking(keys, m, rhs)), `seed ${seed}, rhs ${rhs}`).toEqual(norm(maximalOf(lacking)))
      }
    }
  })

  it('the sampled search keys its non-dependencies by one word up to 32 columns: 31 and 32 agree with the full search', () => {
    for (const m of [31, 32]) {
      const r = rng(m)
      const rows: Cell[][] = Array.from({ length: 30 }, () =>
        Array.from({ length: m }, (_, c) => Math.floor(r() * (c % 3 ? 40 : 4))),
      )
      // Repeated rows agree on every column: no non-dependency at all.
      rows.push([...rows[0]], [...rows[1]])
      const key = (d: { lhs: number[]; rhs: number }) => `${d.lhs.join(',')}>${d.rhs}`
      expect(sampledDependencies(rows, m).map(key).sort(), `${m} columns`).toEqual(
        agreeSetDependencies(rows, m).map(key).sort(),
      )
    }
  })

  it('agree-set keys are the candidate keys the dependencies imply', () => {
    for (let seed = 1; seed <= 60; seed++) {
      const r = rng(seed * 31)
      const m = 2 + Math.floor(r() * 6)
      const rows: Cell[][] = Array.from({ length: 3 + Math.floor(r() * 30) }, () =>
        Array.from({ length: m }, (_, c) => Math.floor(r() * [2, 4, 9, 30][c % 4])),
      )
      const cols = Array.from({ length: m }, (_, i) => `c${i}`)
      const found = agreeSetDiscovery(rows, m)
      const fds = found.dependencies.map((d) => ({ lhs: d.lhs.map((i) => cols[i]), rhs: cols[d.rhs], error: 0 }))
      const norm = (ks: string[][]) => ks.map((k) => k.join(',')).sort()
      expect(norm(found.keys.map((k) => k.map((i) => cols[i]))), `seed ${seed}`).toEqual(norm(candidateKeys(cols, fds)))
    }
  })

  it('agree-set discovery handles more columns than TANE can (no 30-column limit)', () => {
    const rows: Cell[][] = Array.from({ length: 12 }, (_, i) =>
      Array.from({ length: 40 }, (_, c) => (c === 39 ? i % 3 : c === 38 ? (i % 3) * 10 : (i * (c + 1)) % 7)),
    )
    const deps = agreeSetDependencies(rows, 40)
    expect(deps.some((d) => d.lhs.length === 1 && d.lhs[0] === 39 && d.rhs === 38)).toBe(true)
    expect(deps.some((d) => d.lhs.length === 1 && d.lhs[0] === 38 && d.rhs === 39)).toBe(true)
    expect(() => tane(rows, 40)).toThrow(/30 columns/)
  })

  it('a tall table wider than 12 columns gets TANE, and the sampled search when TANE outgrows its memory budget: the same dependencies', () => {
    const r = rng(31)
    // 4,000 rows (8M pairs: past the all-pairs search), 13 columns (the fewest past 12), two planted
    // dependencies. Its own time budget: on a loaded two-core machine it takes several seconds.
    const rows: Cell[][] = Array.from({ length: 4000 }, () => {
      const row = Array.from({ length: 13 }, (_, c) => Math.floor(r() * (c % 2 ? 40 : 6)))
      row[3] = (row[1] * 7) % 13
      row[9] = (row[4] + row[5] * 6) % 17
      return row
    })
    const columns = Array.from({ length: 13 }, (_, i) => `c${i}`)
    const byTane = discover(columns, rows)
    expect(byTane.algorithm).toBe('tane')
    expect(() => tane(rows, 13, { memoryBudget: 1_000_000 })).toThrow(/more than 1 MB/)
    const squeezed = discover(columns, rows, { memoryBudget: 1_000_000 })
    expect(squeezed.algorithm).toBe('sampled-agree-sets')
    const text = (d: typeof byTane) => d.fds.map((f) => `${f.lhs.join(',')}->${f.rhs}`).sort()
    expect(text(squeezed)).toEqual(text(byTane))
    // The sampled search's own partitions give the same support as counting it afresh.
    const supports = (d: typeof byTane) => d.fds.map((f) => `${f.lhs.join(',')}->${f.rhs}:${f.support}`).sort()
    expect(supports(squeezed)).toEqual(supports(byTane))
    expect(text(byTane)).toContain('c1->c3')
    expect(text(byTane)).toContain('c4,c5->c9')
  }, 120_000)

  it("splitting a partition by one column's values gives TANE's product with that column's partition", () => {
    const classes = (p: Partition) =>
      Array.from({ length: p.starts.length - 1 }, (_, c) =>
        [...p.rows.slice(p.starts[c], p.starts[c + 1])].sort((a, b) => a - b).join(','),
      ).sort()
    for (let seed = 1; seed <= 40; seed++) {
      const r = rng(seed * 17)
      const n = 2 + Math.floor(r() * 300)
      const rows: Cell[][] = Array.from({ length: n }, () => [
        r() < 0.1 ? null : Math.floor(r() * 4),
        Math.floor(r() * (1 + seed)),
      ])
      const nullsEqual = seed % 2 === 0
      const a = columnPartition(rows, 0, nullsEqual)
      const b = columnValues(rows, 1, nullsEqual)
      const want = product(a, columnPartition(rows, 1, nullsEqual), productScratch(n))
      expect(classes(refine(a, b.values, refineScratch(n, b.card))), `seed ${seed}`).toEqual(classes(want))
    }
  })

  it("TANE's memory is measured on the table before it is chosen: rows that agree on many columns get the sampled search", () => {
    // Every row the same: every partition is one class of all n rows; two levels of 6 columns
    // peak at C(6,3) + C(6,2) sets (or C(6,3) + C(6,4)) of n rows and two class bounds each.
    const same: Cell[][] = Array.from({ length: 100 }, () => [1, 1, 1, 1, 1, 1])
    expect(taneLevelBytes(same, 6)).toBeCloseTo((20 + 15) * (100 * 4 + 2 * 4), 6)
    // 20,000 rows of 16 three-valued columns: past 2 GB in TANE's middle levels.
    const r = rng(5)
    const agreeing: Cell[][] = Array.from({ length: 20_000 }, () =>
      Array.from({ length: 16 }, () => Math.floor(r() * 3)),
    )
    expect(taneLevelBytes(agreeing, 16)).toBeGreaterThan(1e9)
    expect(chooseAlgorithm(agreeing, 16, 0)).toBe('sampled-agree-sets')
    // Approximate dependencies are TANE's alone, whatever it costs.
    expect(chooseAlgorithm(agreeing, 16, 0.01)).toBe('tane')
  })

  it('finds approximate dependencies within an error threshold', () => {
    const rows: Cell[][] = Array.from({ length: 100 }, (_, i) => [i % 10, (i % 10) * 2])
    rows[5] = [5, 999] // one dirty row
    expect(tane(rows, 2).dependencies.some((d) => d.lhs === 1 && d.rhs === 1)).toBe(false)
    const approx = tane(rows, 2, { maxError: 0.02 }).dependencies.find((d) => d.lhs === 1 && d.rhs === 1)
    expect(approx?.error).toBeCloseTo(0.01)
  })
})

describe("diagnosis of the notes' example tables", () => {
  async function table(name: string) {
    const { columns, rows, key } = await sampleTable(name)
    const found = discover(columns, rows)
    return { found, diagnosis: diagnose(columns, rows, found.fds, key) }
  }

  it('phones in one cell and numbered phone columns are not 1NF', async () => {
    expect((await table('phone_book')).diagnosis).toMatchObject({
      normalForm: 'not 1NF',
      oneNf: [{ kind: 'list-in-cell', columns: ['phones'] }],
    })
    expect((await table('contacts_wide')).diagnosis.oneNf).toEqual([
      expect.objectContaining({ kind: 'repeating-group', columns: ['phone1', 'phone2', 'phone3'] }),
    ])
  })

  it('student grades: course_name depends on part of the key (2NF)', async () => {
    const { found, diagnosis } = await table('student_courses')
    expect(found.fds).toContainEqual(expect.objectContaining({ lhs: ['course_id'], rhs: 'course_name', error: 0 }))
    expect(diagnosis.normalForm).toBe('1NF')
    expect(diagnosis.violations[0]).toMatchObject({ form: '2NF', fd: { lhs: ['course_id'], rhs: 'course_name' } })
  })

  it('employees: city depends on the department, not the employee (3NF)', async () => {
    const { diagnosis } = await table('employee_departments')
    expect(diagnosis.normalForm).toBe('2NF')
    expect(diagnosis.violations.filter((v) => v.form === '3NF').map((v) => `${v.fd!.lhs}->${v.fd!.rhs}`)).toEqual(
      expect.arrayContaining(['department_id->city', 'department_id->department']),
    )
  })

  it('courses, teachers and rooms: independent facts as a product (4NF)', async () => {
    const { diagnosis } = await table('course_teacher_rooms')
    expect(diagnosis.normalForm).toBe('BCNF')
    expect(diagnosis.violations[0]).toMatchObject({ form: '4NF', mvd: { lhs: ['course'] } })
  })

  it('projects, developers and skills: a join dependency (5NF)', async () => {
    const { diagnosis } = await table('project_developer_skills')
    expect(diagnosis.normalForm).toBe('4NF')
    expect(diagnosis.violations[0].form).toBe('5NF')
  })
})
