import { describe, expect, it } from 'vitest'
import { decodeTable, encodeTable } from './columnar'
import { decodeReplyFrame, encodeReplyFrame } from './columnar-reply'

/** What the JSON bridge would deliver for these rows: the codec must deliver exactly that. */
const viaJson = (x: unknown) => JSON.parse(JSON.stringify(x))

function roundTrip(rows: unknown[][], offset = 0): unknown[][] {
  const t = encodeTable(rows)
  if (!t) throw new Error('not encoded')
  const buf = new Uint8Array(offset + t.bytes + 16)
  buf.fill(0xee)
  t.write(buf, offset)
  const out = decodeTable(buf, offset)
  expect(out.end).toBe(offset + t.bytes)
  return out.rows
}

describe('columnar tables', () => {
  it('carries numbers, strings and nulls as JSON would, in columns of one kind', () => {
    const rows = [
      [1, 'Ada', 3.25, null],
      [2, '', -0, 'x'],
      [null, 'naïve 日本語 🎉 "quoted"\n\ttab \\ slash', 2 ** 53 - 1, null],
      [-7, null, 1e-300, 'last'],
    ]
    const back = roundTrip(rows)
    expect(back).toEqual(viaJson(rows))
    expect(Object.is(back[1][2], 0)).toBe(true)
  })

  it('carries booleans, big integers, blobs, mixed kinds and non-finite numbers as JSON would', () => {
    const rows = [
      [true, { $bigint: '9007199254740993' }, { $blob: 'deadbeef' }, 1, Number.NaN, undefined],
      [false, null, null, 'one', Number.POSITIVE_INFINITY, 2],
      [null, { $bigint: '-1' }, { $blob: '' }, null, 3, undefined],
    ]
    expect(roundTrip(rows)).toEqual(viaJson(rows))
  })

  it('carries empty tables, columns of nulls only and rows without columns', () => {
    expect(roundTrip([])).toEqual([])
    expect(
      roundTrip([
        [null, null],
        [null, null],
      ]),
    ).toEqual([
      [null, null],
      [null, null],
    ])
    expect(roundTrip([[], [], []])).toEqual([[], [], []])
  })

  it('reads tables at any byte offset (a Node Buffer is often a slice of a pool)', () => {
    const rows = Array.from({ length: 37 }, (_, i) => [i * 1.5, `row ${i}`, i % 3 ? null : i])
    for (const offset of [0, 1, 3, 4, 5]) expect(roundTrip(rows, offset)).toEqual(viaJson(rows))
  })

  it('refuses rows that are not rectangular, so the caller sends JSON', () => {
    expect(encodeTable([[1, 2], [3]])).toBeNull()
    expect(encodeTable([[1], 'ab' as unknown as unknown[]])).toBeNull()
  })

  it('matches JSON on random tables of every cell kind', () => {
    let seed = 7
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff
    const cell = (kind: number): unknown => {
      if (rnd() < 0.2) return null
      if (kind === 0) return rnd() < 0.5 ? Math.floor(rnd() * 1e6) - 5e5 : rnd() * 1e9
      if (kind === 1)
        return String.fromCodePoint(
          ...Array.from({ length: Math.floor(rnd() * 8) }, () => Math.floor(rnd() * 0x2ffff)).filter(
            (c) => c < 0xd800 || c > 0xdfff,
          ),
        )
      return [true, 1, 'a', { $bigint: '12' }][Math.floor(rnd() * 4)]
    }
    for (let k = 0; k < 20; k++) {
      const kinds = Array.from({ length: 1 + Math.floor(rnd() * 6) }, () => Math.floor(rnd() * 3))
      const rows = Array.from({ length: Math.floor(rnd() * 300) }, () => kinds.map(cell))
      expect(roundTrip(rows, k % 3)).toEqual(viaJson(rows))
    }
  })
})

describe('columnar reply frames', () => {
  const page = {
    columns: ['id', 'name'],
    keyColumns: ['id'],
    rows: [
      [1, 'a'],
      [2, null],
    ],
    firstCursor: [1],
    lastCursor: [2],
    keys: [[1], [2]],
    atEdge: true,
    sql: 'SELECT 1',
    durationMs: 0.5,
  }

  it('gives back the reply JSON would have given, tables and all', () => {
    const frame = encodeReplyFrame(42, { ok: true, value: page }, ['rows', 'keys'])!
    expect(decodeReplyFrame(frame)).toEqual({ type: 'reply', id: 42, envelope: { ok: true, value: viaJson(page) } })
  })

  it('leaves errors, values without the tables and odd rows to JSON', () => {
    expect(encodeReplyFrame(1, { ok: false, error: { code: 'INTERNAL', message: 'x' } }, ['rows'])).toBeNull()
    expect(encodeReplyFrame(1, { ok: true, value: null }, ['rows'])).toBeNull()
    expect(encodeReplyFrame(1, { ok: true, value: { rows: 'no' } }, ['rows'])).toBeNull()
    expect(encodeReplyFrame(1, { ok: true, value: { rows: [[1], [2, 3]] } }, ['rows'])).toBeNull()
  })

  it('answers the caller with an error when a frame is cut short, never with rows made of other bytes', () => {
    const frame = encodeReplyFrame(42, { ok: true, value: page }, ['rows', 'keys'])!
    for (const cut of [17, 40, frame.length - 40]) {
      // A cut frame inside a larger buffer, as Node's pooled Buffers are: the rest must not be read.
      const pool = new Uint8Array(frame.length + 64).fill(7)
      pool.set(frame.subarray(0, cut))
      const r = decodeReplyFrame(pool.subarray(0, cut))
      expect(r.id).toBe(42)
      expect(r.envelope).toMatchObject({ ok: false, error: { code: 'INTERNAL' } })
    }
    expect(decodeReplyFrame(encodeReplyFrame(null, { ok: true, value: page }, ['rows'])!).id).toBeNull()
  })

  it('refuses bytes that are not a frame', () => {
    expect(() => decodeReplyFrame(new TextEncoder().encode('{"type":"reply"}'))).toThrow(/Not a Schemist reply frame/)
  })
})
