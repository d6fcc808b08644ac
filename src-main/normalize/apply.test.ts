import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Driver } from '../db/driver'
import { loadSample } from '../sample/load-sample'
import { ENGINES } from '../test-support/databases'
import { applyProposal, type ApplySource } from './apply'
import { decomposeMultivalued, plausibleFds, synthesize3nf, type Proposal } from './decompose'
import { discover } from './diagnose'

describe.each(ENGINES)('applying a split on $name', ({ open }) => {
  let d: Driver
  beforeEach(async () => {
    d = await open()
    await loadSample(d)
  })
  afterEach(() => d.close())

  async function load(table: string) {
    const schema = await d.dialect.introspect(d)
    const t = schema.tables.find((x) => x.name === table)!
    const r = await d.query(`SELECT * FROM ${d.dialect.qualify(t.schema, t.name)}`)
    const columns = t.columns.map((c) => c.name)
    const pk = t.columns.filter((c) => c.primaryKey > 0).map((c) => c.name)
    const key = pk.length ? pk : null
    const src: ApplySource = {
      schema: t.schema,
      name: t.name,
      types: new Map(t.columns.map((c) => [c.name, c.nativeType])),
    }
    return {
      columns,
      rows: r.rows,
      key,
      src,
      fds: plausibleFds(discover(columns, r.rows).fds, r.rows.length, columns, key),
    }
  }
  const sorted = async (sql: string) => (await d.query(sql)).rows.map((r) => JSON.stringify(r.map(String))).sort()

  it('employees to 3NF, keeping the old name as a view: no row or value lost or invented', async () => {
    const before = await sorted('SELECT employee_id, name, department_id, department, city FROM employee_departments')
    const s = await load('employee_departments')
    const p = synthesize3nf('employee_departments', s.columns, s.rows, s.fds, s.key)
    const r = await applyProposal(d, s.src, p, { keepView: true })
    expect(r.tables.map((t) => t.name).sort()).toEqual(['departments', 'employees'])
    expect(r).toMatchObject({ view: 'employee_departments', originalRows: 6, joinedRows: 6 })
    expect(await sorted('SELECT employee_id, name, department_id, department, city FROM employee_departments')).toEqual(
      before,
    )
    expect(await sorted('SELECT department_id, department, city FROM departments')).toHaveLength(3)
    const schema = await d.dialect.introspect(d)
    expect(schema.tables.find((t) => t.name === 'employee_departments')?.kind).toBe('view')
    expect(schema.tables.find((t) => t.name === 'employees')?.foreignKeys[0]).toMatchObject({
      columns: ['department_id'],
      refTable: 'departments',
    })
    // The foreign key is real: a department that does not exist is refused.
    await expect(
      d.query("INSERT INTO employees (employee_id, name, department_id) VALUES (99, 'X', 12345)"),
    ).rejects.toMatchObject({ code: 'CONSTRAINT_VIOLATION' })
  })

  it('courses × teachers × rooms to 4NF without a view: the parts take over', async () => {
    const before = await sorted('SELECT course, teacher, room FROM course_teacher_rooms')
    const s = await load('course_teacher_rooms')
    const p = decomposeMultivalued('course_teacher_rooms', s.columns, s.rows, s.fds)!
    const r = await applyProposal(d, s.src, p, { keepView: false })
    expect(r.view).toBeNull()
    expect(
      await sorted(
        'SELECT ct.course, ct.teacher, cr.room FROM course_teachers ct JOIN course_rooms cr ON cr.course = ct.course',
      ),
    ).toEqual(before)
    expect((await d.dialect.introspect(d)).tables.some((t) => t.name === 'course_teacher_rooms')).toBe(false)
  })

  async function untouched(before: string[]) {
    const schema = await d.dialect.introspect(d)
    expect(schema.tables.find((t) => t.name === 'employee_departments')?.kind).toBe('table')
    expect(
      schema.tables.some((t) => ['employees', 'departments', 'employee_cities', 'city_departments'].includes(t.name)),
    ).toBe(false)
    expect(await sorted('SELECT * FROM employee_departments')).toEqual(before)
  }

  it('a split that does not join back is refused and everything rolls back (or is undone where DDL commits at once)', async () => {
    const before = await sorted('SELECT * FROM employee_departments')
    const s = await load('employee_departments')
    // Joining on city invents rows: Moscow has both IT and Sales.
    const table = (name: string, columns: string[], key: string[]) => ({ name, columns, key, references: [], rows: [] })
    const lossy: Proposal = {
      target: '3nf',
      tables: [
        table('employee_cities', ['employee_id', 'name', 'city'], ['employee_id']),
        table('city_departments', ['city', 'department_id', 'department'], ['city', 'department_id', 'department']),
      ],
      lost: [],
      losslessBySchema: false,
      losslessByData: false,
      cellsBefore: 0,
      cellsAfter: 0,
      explanation: '',
    }
    await expect(applyProposal(d, s.src, lossy, { keepView: true })).rejects.toMatchObject({
      code: 'CONSTRAINT_VIOLATION',
      message: expect.stringMatching(/do not join back.*rows invented/),
    })
    await untouched(before)
  })

  it('a dependency the data breaks fails on the new key and rolls back ', async () => {
    const before = await sorted('SELECT * FROM employee_departments')
    const s = await load('employee_departments')
    // department_id -> name does not hold: the departments table gets duplicate keys.
    const fds = [...s.fds, { lhs: ['department_id'], rhs: 'name', error: 0 }]
    const p = synthesize3nf('employee_departments', s.columns, s.rows, fds, s.key)
    await expect(applyProposal(d, s.src, p, { keepView: false })).rejects.toMatchObject({
      code: 'CONSTRAINT_VIOLATION',
    })
    await untouched(before)
  })
})
