import { describe, expect, it } from 'vitest'
import { sampleTable } from '../test-support/sample-table'
import {
  chaseLossless,
  decomposeBcnf,
  decomposeMultivalued,
  joinsBack,
  minimalCover,
  plausibleFds,
  synthesize3nf,
} from './decompose'
import { discover } from './diagnose'
import type { Fd } from './fd-analysis'

const fd = (lhs: string[], rhs: string): Fd => ({ lhs, rhs, error: 0 })

async function sample(name: string) {
  const { columns, rows, key } = await sampleTable(name)
  const found = discover(columns, rows).fds
  return { columns, rows, key, found, fds: plausibleFds(found, rows.length, columns, key) }
}

describe('dependency theory', () => {
  it('a minimal cover drops redundant dependencies and extraneous left attributes', () => {
    const cover = minimalCover([fd(['a'], 'b'), fd(['b'], 'c'), fd(['a'], 'c'), fd(['a', 'b'], 'd')])
    expect(cover.map((f) => `${f.lhs}->${f.rhs}`).sort()).toEqual(['a->b', 'a->d', 'b->c'])
  })

  it('the chase tells a lossless split from a lossy one', () => {
    const cols = ['a', 'b', 'c']
    expect(
      chaseLossless(
        cols,
        [
          ['a', 'b'],
          ['b', 'c'],
        ],
        [fd(['b'], 'c')],
      ),
    ).toBe(true)
    expect(
      chaseLossless(
        cols,
        [
          ['a', 'b'],
          ['b', 'c'],
        ],
        [fd(['a'], 'b')],
      ),
    ).toBe(false)
  })

  it('joining the parts back detects spurious rows', () => {
    const rows = [
      [1, 'x', 10],
      [2, 'x', 20],
    ]
    expect(
      joinsBack(['a', 'b', 'c'], rows, [
        ['a', 'b'],
        ['b', 'c'],
      ]),
    ).toBe(false)
    expect(
      joinsBack(['a', 'b', 'c'], rows, [
        ['a', 'b'],
        ['a', 'c'],
      ]),
    ).toBe(true)
  })
})

describe("proposals for the notes' example tables", () => {
  it('student grades to 3NF: a courses table, and grades keyed by (student, course)', async () => {
    const s = await sample('student_courses')
    const p = synthesize3nf('student_courses', s.columns, s.rows, s.fds, s.key)
    const courses = p.tables.find((t) => t.key.join() === 'course_id')!
    expect(courses.columns.sort()).toEqual(['course_id', 'course_name'])
    expect(courses.name).toBe('courses')
    const main = p.tables.find((t) => t.name === 'student_courses')!
    expect(main.columns).not.toContain('course_name')
    expect(main.references).toContainEqual({ columns: ['course_id'], table: 'courses' })
    expect(p.losslessBySchema).toBe(true)
    expect(p.losslessByData).toBe(true)
    expect(p.lost).toEqual([])
  })

  it('employees to 3NF: department and city move to a departments table', async () => {
    const s = await sample('employee_departments')
    const p = synthesize3nf('employee_departments', s.columns, s.rows, s.fds, s.key)
    const dept = p.tables.find((t) => t.key.join() === 'department_id')!
    expect(dept.columns).toEqual(expect.arrayContaining(['department_id', 'city']))
    expect(dept.rows.length).toBeLessThan(s.rows.length)
    expect(p.tables.find((t) => t.name === 'employee_departments')!.columns).not.toContain('city')
    expect(p.losslessByData).toBe(true)
    expect(p.tables).toHaveLength(2)
    expect(p.tables.map((t) => t.name).sort()).toEqual(['departments', 'employee_departments'])
    expect(p.tables.find((t) => t.name === 'employee_departments')!.references).toEqual([
      { columns: ['department_id'], table: 'departments' },
    ])
    expect(p.cellsAfter).toBeLessThan(p.cellsBefore)
    // employee_id -> department still holds through department_id: nothing is reported lost.
    expect(p.lost).toEqual([])
  })

  it('an accidental dependency of a small sample (name -> city) is not built on', async () => {
    const s = await sample('employee_departments')
    expect(s.found).toContainEqual(expect.objectContaining({ lhs: ['name'], rhs: 'city' }))
    expect(s.fds).not.toContainEqual(expect.objectContaining({ lhs: ['name'], rhs: 'city' }))
  })

  it('BCNF splits lose no rows; the classic street/city/zip example loses a dependency', async () => {
    const s = await sample('employee_departments')
    const p = decomposeBcnf('employee_departments', s.columns, s.rows, s.fds)
    expect(p.losslessByData).toBe(true)
    expect(p.losslessBySchema).toBe(true)
    const cols = ['street', 'city', 'zip']
    const rows = [
      ['Main', 'Springfield', '11111'],
      ['Oak', 'Springfield', '11112'],
      ['Main', 'Shelby', '22222'],
    ]
    const fds = [fd(['street', 'city'], 'zip'), fd(['zip'], 'city')]
    const b = decomposeBcnf('addresses', cols, rows, fds)
    expect(b.tables.map((t) => t.columns.sort().join()).sort()).toEqual(['city,zip', 'street,zip'])
    expect(b.lost.map((f) => `${f.lhs}->${f.rhs}`)).toEqual(['street,city->zip'])
  })

  it('courses × teachers × rooms splits into two tables (4NF) that join back', async () => {
    const s = await sample('course_teacher_rooms')
    const p = decomposeMultivalued('course_teacher_rooms', s.columns, s.rows, s.fds)!
    expect(p.target).toBe('4nf')
    expect(p.tables).toHaveLength(2)
    expect(p.tables.every((t) => t.columns.includes('course'))).toBe(true)
    expect(p.losslessByData).toBe(true)
    expect(p.cellsAfter).toBeLessThan(p.cellsBefore)
  })

  it('projects, developers and skills split into three projections (5NF)', async () => {
    const s = await sample('project_developer_skills')
    const p = decomposeMultivalued('project_developer_skills', s.columns, s.rows, s.fds)!
    expect(p.target).toBe('5nf')
    expect(p.tables).toHaveLength(3)
    expect(p.losslessByData).toBe(true)
    // Any two of the three alone would add rows that were never there.
    expect(
      joinsBack(
        s.columns,
        s.rows,
        p.tables.slice(0, 2).map((t) => t.columns),
      ),
    ).toBe(false)
  })
})
