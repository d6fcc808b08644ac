import { describe, expect, it } from 'vitest'
import { parseCellInput } from './cell-input'

describe('cell editors parse what a person types', () => {
  it.each([
    ['integer', '42', 42],
    ['integer', ' -7 ', -7],
    ['bigint', '9007199254740993', { $bigint: '9007199254740993' }],
    ['real', '3.5', 3.5],
    ['double', '-1e3', -1000],
    ['numeric', '12.3400', '12.3400'],
    ['boolean', 'yes', true],
    ['boolean', 'F', false],
    ['date', '2024-02-29', '2024-02-29'],
    ['time', '13:45', '13:45'],
    ['timestamp', '2024-01-02 03:04:05', '2024-01-02 03:04:05'],
    ['timestamptz', '2024-01-02T03:04:05+03:00', '2024-01-02T03:04:05+03:00'],
    ['json', '{"a": [1, 2]}', '{"a": [1, 2]}'],
    ['uuid', 'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'],
    ['blob', "x'00FF'", { $blob: '00ff' }],
    ['text', 'multi\nline', 'multi\nline'],
  ] as const)('%s accepts %j', (type, text, value) => {
    expect(parseCellInput(text, type)).toEqual({ ok: true, value })
  })

  it.each([
    ['integer', '4.2', /whole number/],
    ['integer', '3000000000', /out of range/],
    ['smallint', '40000', /out of range/],
    ['real', 'abc', /not a number/],
    ['boolean', 'maybe', /true or false/],
    ['date', '2024-13-01', /not a date/],
    ['time', '25h', /not a time/],
    ['timestamp', 'yesterday', /not a timestamp/],
    ['json', '{a: 1}', /Not valid JSON/],
    ['uuid', '1234', /not a UUID/],
    ['blob', 'xyz', /hex/],
  ] as const)('%s rejects %j with a reason', (type, text, reason) => {
    const r = parseCellInput(text, type)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toMatch(reason)
  })
})
