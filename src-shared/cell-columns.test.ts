import { describe, expect, it } from 'vitest'
import {
  cellAt,
  columnsOf,
  columnsToRows,
  firstRows,
  lazyRows,
  pickColumns,
  reversedRows,
  type CellColumns,
} from './cell-columns'
import { decodeReplyFrame, encodeReplyFrame } from './columnar-reply'

/** Rows [1, 'ab', null], [null, null, -0], [3, 'c', 2.5] as columns, built by hand. */
const table = (): CellColumns => ({
  rows: 3,
  columns: [
    { kind: 'number', values: Float64Array.of(1, NaN, 3) },
    { kind: 'string', text: 'abc', ends: Int32Array.of(2, ~2, 3) },
    { kind: 'number', values: Float64Array.of(NaN, -0, 2.5) },
  ],
})
const rows = [
  [1, 'ab', null],
  [null, null, 0],
  [3, 'c', 2.5],
]

describe('cell columns', () => {
  it('read as rows, by cell, by first rows and by chosen columns', () => {
    const t = table()
    expect(columnsToRows(t)).toEqual(rows)
    expect(Object.is(columnsToRows(t)[1][2], 0)).toBe(true)
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) expect(cellAt(t, r, c)).toEqual(rows[r][c])
    expect(columnsToRows(firstRows(t, 2))).toEqual(rows.slice(0, 2))
    expect(firstRows(t, 5)).toBe(t)
    expect(columnsToRows(pickColumns(t, [2, 0]))).toEqual(rows.map((r) => [r[2], r[0]]))
    expect(columnsToRows(reversedRows(t))).toEqual([...rows].reverse())
    expect(columnsToRows(reversedRows(firstRows(t, 2)))).toEqual([rows[1], rows[0]])
    const back = reversedRows(t)
    for (let r = 0; r < 3; r++) for (let c = 0; c < 3; c++) expect(cellAt(back, r, c)).toEqual(rows[2 - r][c])
  })

  it('stand for a field until it is read or written, which JSON, clones and spreads read as rows', () => {
    const t = table()
    const value = lazyRows({ sql: 'x', rows: [] as unknown[] }, 'rows', t)
    expect(columnsOf(value, 'rows')).toBe(t)
    expect(Object.keys(value)).toEqual(['sql', 'rows'])
    expect(JSON.parse(JSON.stringify(value))).toEqual({ sql: 'x', rows })
    expect(structuredClone(value)).toEqual({ sql: 'x', rows })
    expect({ ...value }).toEqual({ sql: 'x', rows })
    // Read once: the rows are made and kept; the columns no longer stand for them.
    expect(columnsOf(value, 'rows')).toBeUndefined()
    expect(value.rows).toBe(value.rows)

    const written = lazyRows({ rows: [] as unknown[] }, 'rows', table())
    written.rows = [['other']]
    expect(columnsOf(written, 'rows')).toBeUndefined()
    expect(written.rows).toEqual([['other']])
    expect(columnsOf(null, 'rows')).toBeUndefined()
  })

  it('share one getter per field among all objects (a closure each made V8 a hidden class each)', () => {
    const a = lazyRows({ rows: [] }, 'rows', table())
    const b = lazyRows({ rows: [] }, 'rows', table())
    const get = (o: object) => Object.getOwnPropertyDescriptor(o, 'rows')!.get
    expect(get(a)).toBeTypeOf('function')
    expect(get(a)).toBe(get(b))
  })

  it('go into a reply frame as they are, the field left unread, and come out as the rows JSON gives', () => {
    const page = lazyRows(
      lazyRows({ rows: [], keys: [], atEdge: true }, 'rows', table()),
      'keys',
      pickColumns(table(), [0]),
    )
    const frame = encodeReplyFrame(7, { ok: true, value: page }, ['rows', 'keys'])!
    expect(columnsOf(page, 'rows')).toBeDefined()
    expect(columnsOf(page, 'keys')).toBeDefined()
    expect(decodeReplyFrame(frame).envelope).toEqual({
      ok: true,
      value: { rows, keys: rows.map((r) => [r[0]]), atEdge: true },
    })
  })
})
