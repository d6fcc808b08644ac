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

  it('reports errors as JSON with a code', async () => {
    const out: string[] = []
    expect(await runCli(['introspect', '/no/such/file.sqlite', '--json'], (s) => out.push(s))).toBe(1)
    expect(JSON.parse(out[0])).toEqual({ error: expect.objectContaining({ code: 'FILE_NOT_FOUND' }) })
  })
})
