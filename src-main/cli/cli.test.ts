import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { inject } from 'vitest'
import { runCli } from './index'

describe('schemist CLI', () => {
  it('introspect prints the schema of a SQLite file, and --json gives the schema model', async () => {
    const lines: string[] = []
    expect(await runCli(['introspect', join(__dirname, '../../resources/sample.sqlite')], (s) => lines.push(s))).toBe(0)
    expect(lines.join('\n')).toMatch(/table city_user[\s\S]*primary key \(user_id, city_id\)/)
    const json: string[] = []
    expect(await runCli(['introspect', join(__dirname, '../../resources/sample.sqlite'), '--json'], (s) => json.push(s))).toBe(0)
    expect(JSON.parse(json[0]).tables.map((t: { name: string }) => t.name)).toContain('employee_departments')
  })

  it('introspect works on a PostgreSQL URL', async () => {
    const json: string[] = []
    expect(await runCli(['introspect', inject('pgUrl'), '--json'], (s) => json.push(s))).toBe(0)
    expect(JSON.parse(json[0])).toMatchObject({ engine: 'postgres', database: 'schemist' })
  })

  it('orm-demo prints each step with the SQL it emitted, and leaves the database as it was', async () => {
    const path = join(__dirname, '../../resources/sample.sqlite')
    const { copyFileSync, mkdtempSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const copy = join(mkdtempSync(join(tmpdir(), 'schemist-cli-')), 'demo.sqlite')
    copyFileSync(path, copy)
    const lines: string[] = []
    expect(await runCli(['orm-demo', copy], (s) => lines.push(s))).toBe(0)
    const text = lines.join('\n')
    expect(text).toMatch(/-- add a user[\s\S]*INSERT INTO "users"[\s\S]*INSERT INTO "posts"[\s\S]*INSERT INTO "city_user"/)
    expect(text).toMatch(/-- change a column[^\n]*\n(SAVEPOINT[^\n]*\n)?UPDATE "users" SET "name" = \?/)
    expect(text).toMatch(/delete-orphan deletes it\n(SAVEPOINT[^\n]*\n)?DELETE FROM "posts"/)
    const json: string[] = []
    expect(await runCli(['orm-demo', copy, '--json'], (s) => json.push(s))).toBe(0)
    expect(JSON.parse(json[0]).find((s: { step: string }) => s.step.startsWith('selectinload')).sql).toHaveLength(2)
    const after: string[] = []
    await runCli(['introspect', copy, '--json'], (s) => after.push(s))
    expect(JSON.parse(after[0]).tables.length).toBe(12)
  })

  it('isolation run prints a spec in the isolation tester\'s format', async () => {
    const lines: string[] = []
    const { freshPgDatabase } = await import('../test-support/databases')
    const { toPostgresUrl } = await import('../db/connection-parsers')
    const url = toPostgresUrl(await freshPgDatabase(), true)
    expect(await runCli(['isolation', 'run', join(__dirname, '../../resources/specs/blocking-update.spec'), '--connection', url], (s) => lines.push(s))).toBe(0)
    expect(lines.join('\n')).toContain('step s2u: UPDATE acct SET balance = balance - 10 WHERE id = 1; <waiting ...>\nstep s1c: COMMIT;\nstep s2u: <... completed>')
  })

  it('fd and normalize read a table or a CSV file', async () => {
    const sample = join(__dirname, '../../resources/sample.sqlite')
    const lines: string[] = []
    expect(await runCli(['fd', 'employee_departments', '--connection', sample], (s) => lines.push(s))).toBe(0)
    expect(lines.join('\n')).toMatch(/department_id -> city/)
    const diag: string[] = []
    expect(await runCli(['normalize', 'employee_departments', '--connection', sample], (s) => diag.push(s))).toBe(0)
    expect(diag[0]).toBe('employee_departments: 2NF')
    const { writeFileSync, mkdtempSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const csv = join(mkdtempSync(join(tmpdir(), 'schemist-fd-')), 'grades.csv')
    writeFileSync(csv, 'student,course,course_name,grade\n1,101,Math,5\n2,101,Math,4\n1,102,Physics,3\n3,102,Physics,5\n')
    const json: string[] = []
    expect(await runCli(['fd', csv, '--json'], (s) => json.push(s))).toBe(0)
    expect(JSON.parse(json[0]).fds).toContainEqual(expect.objectContaining({ lhs: ['course'], rhs: 'course_name' }))
  })

  it('reports errors as JSON with a code', async () => {
    const out: string[] = []
    expect(await runCli(['introspect', '/no/such/file.sqlite', '--json'], (s) => out.push(s))).toBe(1)
    expect(JSON.parse(out[0])).toEqual({ error: expect.objectContaining({ code: 'FILE_NOT_FOUND' }) })
  })

  it('normalize --to 3nf prints a lossless split whose SQL runs and moves the rows', async () => {
    const { copyFileSync, mkdtempSync } = await import('node:fs')
    const { tmpdir } = await import('node:os')
    const { SqliteDriver } = await import('../db/sqlite/sqlite-driver')
    const copy = join(mkdtempSync(join(tmpdir(), 'schemist-cli-')), 'norm.sqlite')
    copyFileSync(join(__dirname, '../../resources/sample.sqlite'), copy)
    const lines: string[] = []
    expect(await runCli(['normalize', 'employee_departments', '--connection', copy, '--to', '3nf'], (s) => lines.push(s))).toBe(0)
    const text = lines.join('\n')
    expect(text).toMatch(/departments\(\*department_id, department, city\)  3 rows/)
    expect(text).toMatch(/lossless: by the dependencies yes, by the rows yes/)
    const sql = text.slice(text.indexOf('-- SQL'))
    const d = await SqliteDriver.open({ engine: 'sqlite', path: copy, create: false, readOnly: false })
    try {
      const original = await d.query('SELECT employee_id, name, department, city FROM employee_departments ORDER BY 1')
      await d.execScript(sql)
      const joined = await d.query('SELECT e.employee_id, e.name, d.department, d.city FROM employees e JOIN departments d USING (department_id) ORDER BY 1')
      expect(joined.rows).toEqual(original.rows)
      await expect(d.query('SELECT 1 FROM employee_departments')).rejects.toMatchObject({ code: 'SQL_ERROR' })
      expect((await d.query('SELECT count(*) FROM departments')).rows[0][0]).toBe(3)
    } finally {
      await d.close()
    }
    const bad: string[] = []
    expect(await runCli(['normalize', 'student_courses', '--connection', copy, '--to', '3nf', '--fd', 'nope -> grade', '--json'], (s) => bad.push(s))).toBe(1)
    expect(JSON.parse(bad[0]).error).toMatchObject({ code: 'BAD_REQUEST', message: 'No column nope in student_courses' })
    const applied: string[] = []
    expect(await runCli(['normalize', 'course_teacher_rooms', '--connection', copy, '--to', '4nf', '--apply', '--keep-view'], (s) => applied.push(s))).toBe(0)
    expect(applied.join('\n')).toMatch(/applied: course_teachers \(4 rows\), course_rooms \(4 rows\); course_teacher_rooms is now a view; the join gives back all 8 rows/)
  })
})
