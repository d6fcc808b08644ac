import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { Driver } from '../db/driver'
import { ENGINES } from '../test-support/databases'
import { analyzeTable, applySplit, diagnoseWith, proposeSplit } from './normalize-service'

// A table whose name and columns need quoting, with a transitive dependency: dept id -> dept "city".
const NAME = 'staff "list" 2024'

describe.each(ENGINES)('the normalization service on $name', ({ open }) => {
  let d: Driver
  beforeEach(async () => {
    d = await open()
    const q = d.dialect.quoteIdent
    await d.query(`CREATE TABLE ${q(NAME)} (${q('emp id')} integer PRIMARY KEY, ${q('full name')} text, ${q('dept id')} integer, ${q("dept's city")} text)`)
    const rows = Array.from({ length: 40 }, (_, i) => `(${i + 1}, 'person ${i + 1}', ${i % 4}, '${['Moscow', 'Kazan', 'Tver', 'Omsk'][i % 4]}')`)
    await d.query(`INSERT INTO ${q(NAME)} VALUES ${rows.join(', ')}`)
  })
  afterEach(() => d.close())

  it('analyzes, proposes and applies a split of a table whose names need quoting', async () => {
    const ref = { schema: null, name: NAME }
    const a = await analyzeTable(d, ref, { nullsEqual: true, maxError: 0 })
    expect(a.diagnosis.normalForm).toBe('2NF')
    const suggested = a.fds.filter((f) => f.suggested).map((f) => `${f.lhs}->${f.rhs}`)
    expect(suggested).toContain("dept id->dept's city")
    const fds = a.fds.filter((f) => f.suggested)
    // Rejecting the dependencies among departments and cities leaves nothing that breaks 3NF.
    const without = fds.filter((f) => f.lhs.join() === 'emp id')
    expect((await diagnoseWith(d, ref, without)).normalForm).not.toBe('2NF')
    expect((await diagnoseWith(d, ref, fds)).normalForm).toBe('2NF')
    const p = await proposeSplit(d, ref, '3nf', fds, true)
    expect(p.tables.map((t) => t.name).sort()).toEqual(['depts', 'emps'])
    expect(p.tables.find((t) => t.name === 'depts')!.rowCount).toBe(4)
    const r = await applySplit(d, ref, '3nf', fds, true)
    expect(r).toMatchObject({ view: NAME, originalRows: 40, joinedRows: 40 })
    const back = await d.query(`SELECT count(*) FROM ${d.dialect.quoteIdent(NAME)} WHERE ${d.dialect.quoteIdent("dept's city")} = 'Kazan'`)
    expect(Number(back.rows[0][0])).toBe(10)
  })

  it('says why a target has nothing to split, and names an unknown column', async () => {
    const ref = { schema: null, name: NAME }
    await expect(proposeSplit(d, ref, '4nf', [], true)).rejects.toMatchObject({ code: 'NOT_FOUND', message: expect.stringMatching(/No 4NF split applies/) })
    await expect(proposeSplit(d, ref, '3nf', [{ lhs: ['nope'], rhs: 'full name', error: 0 }], true)).rejects.toMatchObject({ code: 'BAD_REQUEST', message: `No column nope in ${NAME}` })
    await expect(analyzeTable(d, { schema: null, name: 'missing' }, { nullsEqual: true, maxError: 0 })).rejects.toMatchObject({ code: 'NOT_FOUND' })
  })
})
