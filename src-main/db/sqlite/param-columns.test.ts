import { describe, expect, it } from 'vitest'
import { ColumnReader, decodeRows, encodeColumns, transferables } from './param-columns'

/** The rows as the worker reads them back, through a real structured clone with transfer. */
function roundTrip(rows: unknown[][]): unknown[][] | null {
  const p = encodeColumns(rows)
  if (!p) return null
  const there = structuredClone(p, { transfer: transferables(p) })
  const reader = new ColumnReader(there)
  return Array.from({ length: there.rows }, (_, i) => [...reader.row(i)])
}

describe('batch parameters as columns', () => {
  it('carries numbers, strings, NULLs and booleans (as 1/0) unchanged', () => {
    const rows = [
      [1, 'a', null, true, 0.5, ''],
      [2, null, null, false, -3, 'é漢 "q" \\ \u0000 end'],
      [9007199254740991, 'ccc', null, null, 1e-300, '😀'],
      [0, '', null, true, -0.25, null],
    ]
    expect(roundTrip(rows)).toEqual(rows.map((r) => r.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v))))
  })

  it('gives result rows back as arrays of their own', () => {
    const rows = [
      [1, 'a', null],
      [null, '', 'é漢'],
      [2.5, null, ''],
    ]
    const p = encodeColumns(rows)!
    const back = decodeRows(structuredClone(p, { transfer: transferables(p) }))
    expect(back).toEqual(rows)
    expect(back[0]).not.toBe(back[1])
    // -0 reads as 0, as through JSON.
    const z = encodeColumns([[-0], [1]])!
    expect(Object.is(decodeRows(z)[0][0], 0)).toBe(true)
  })

  it('reads undefined as NULL', () => {
    expect(
      roundTrip([
        [undefined, 'x'],
        [1, undefined],
      ]),
    ).toEqual([
      [null, 'x'],
      [1, null],
    ])
  })

  it('declines rows it cannot carry exactly, which then go as they are', () => {
    expect(encodeColumns([])).toBeNull()
    expect(encodeColumns([[1, 'a'], [2]])).toBeNull()
    expect(encodeColumns([[1], ['a']])).toBeNull()
    expect(encodeColumns([[Number.POSITIVE_INFINITY]])).toBeNull()
    expect(encodeColumns([[NaN]])).toBeNull()
    expect(encodeColumns([[new Uint8Array([1])]])).toBeNull()
    expect(encodeColumns([[{ $bigint: '9007199254740993' }]])).toBeNull()
    expect(encodeColumns([[10n]])).toBeNull()
    expect(encodeColumns([['a'], [{ $blob: '00' }]])).toBeNull()
  })

  it('moves its buffers to the worker instead of copying them', () => {
    const p = encodeColumns([
      [1, 'a'],
      [2, 'b'],
    ])!
    const bufs = transferables(p)
    structuredClone(p, { transfer: bufs })
    expect(bufs.every((b) => b.byteLength === 0)).toBe(true)
  })

  it('reads rows only in order (each string starts where the one before it ended)', () => {
    const r = new ColumnReader(
      encodeColumns([
        ['ab', 1],
        ['cd', 2],
      ])!,
    )
    expect(r.row(0)).toEqual(['ab', 1])
    expect(() => r.row(0)).toThrow(/in order/)
    expect(r.row(1)).toEqual(['cd', 2])
  })
})
