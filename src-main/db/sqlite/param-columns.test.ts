import { describe, expect, it } from 'vitest'
import { columnsToRows, firstRows, pickColumns } from '../../../src-shared/cell-columns'
import { decodeTable, encodeCellColumns, encodeTable, type EncodedTable } from '../../../src-shared/columnar'
import { ColumnReader, encodeColumns, transferables } from './param-columns'

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
    const back = columnsToRows(structuredClone(p, { transfer: transferables(p) }))
    expect(back).toEqual(rows)
    expect(back[0]).not.toBe(back[1])
    // -0 reads as 0, as through JSON.
    const z = encodeColumns([[-0], [1]])!
    expect(Object.is(columnsToRows(z)[0][0], 0)).toBe(true)
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

  it("makes a query's columns into the bridge's frame as the rows would be, first rows and chosen columns too", () => {
    let seed = 11
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
    const cell = (kind: number): unknown =>
      rnd() < 0.25
        ? null
        : kind === 0
          ? [Math.floor(rnd() * 1e6) - 5e5, rnd() * 1e9, -0][Math.floor(rnd() * 3)]
          : ['', 'ascii', 'naïve 日本語 🎉', `row ${Math.floor(rnd() * 100)}`][Math.floor(rnd() * 4)]
    const viaFrame = (t: EncodedTable) => {
      const buf = new Uint8Array(t.bytes)
      t.write(buf, 0)
      return decodeTable(buf, 0).rows
    }
    for (let k = 0; k < 30; k++) {
      const kinds = Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => Math.floor(rnd() * 2))
      const rows = Array.from({ length: 1 + Math.floor(rnd() * 200) }, () => kinds.map(cell))
      const t = encodeColumns(rows)!
      const n = Math.floor(rnd() * (rows.length + 1))
      const pick = kinds.map((_, i) => i).filter(() => rnd() < 0.6)
      const want = JSON.parse(JSON.stringify(rows.slice(0, n).map((r) => pick.map((i) => r[i]))))
      const part = pickColumns(firstRows(t, n), pick)
      expect(viaFrame(encodeCellColumns(part))).toEqual(want)
      expect(viaFrame(encodeTable(columnsToRows(part))!)).toEqual(want)
    }
  })
})
