/**
 * Rows of cells as a columnar binary block, for pages of a table to cross the WebSocket bridge
 * without JSON: numbers as one Float64Array per column, strings as one UTF-8 text per table with
 * each cell's length, nulls as a bitmap. Written here because the wire formats that do this
 * (Arrow, MessagePack) either cost more than they save at a page's size (Arrow's IPC reader is a
 * large dependency for the renderer) or still write per value (MessagePack); what this needs is
 * narrow: rectangular rows of the bridge's cells, read back equal to what JSON would give (but
 * for a lone surrogate, which neither engine's text can hold: UTF-8 makes it U+FFFD).
 *
 * (Between the SQLite driver and its worker, rows go as `param-columns.ts` has them: typed arrays
 * and JS strings that a structured clone moves whole. A socket carries bytes, hence this format.)
 *
 * A column holding anything else (booleans, `{ $bigint }` and `{ $blob }` cells, a mix of kinds)
 * is carried as the JSON text of its cells, so every cell survives; `encodeTable` gives null for
 * rows that are not rectangular, and the caller sends JSON instead.
 *
 * Layout (little-endian, as every platform Schemist runs on; each part starts 8-aligned):
 * `u32 rows, u32 cols, u32 textBytes, u32 0`, a kind byte per column, the null bitmap (bit
 * `row * cols + col`), then per column its numbers (f64), its string lengths (u32, UTF-16 units)
 * or its JSON text's length (u32), then the table's text: the strings of every text column in
 * column order, then the JSON columns' texts.
 */

import type { CellColumns } from './cell-columns'

const NUM = 0
const TEXT = 1
const JSON_TEXT = 2

const pad8 = (n: number) => (n + 7) & ~7
const encoder = new TextEncoder()
const decoder = new TextDecoder()

/** A table measured and ready to write: `bytes` is its size in the frame. */
export type EncodedTable = { bytes: number; write(into: Uint8Array, at: number): void }

function kindOf(rows: readonly (readonly unknown[])[], c: number): number {
  let kind = -1
  for (let r = 0; r < rows.length; r++) {
    const v = rows[r][c]
    if (v === null || v === undefined) continue
    // Non-finite numbers go as JSON (null there), as the JSON bridge would carry them.
    const k = typeof v === 'number' ? (Number.isFinite(v) ? NUM : JSON_TEXT) : typeof v === 'string' ? TEXT : JSON_TEXT
    if (k === JSON_TEXT) return JSON_TEXT
    if (kind === -1) kind = k
    else if (kind !== k) return JSON_TEXT
  }
  return kind === -1 ? NUM : kind
}

/** Measure and lay out rows of cells; null when they are not all of one width. */
export function encodeTable(rows: readonly (readonly unknown[])[]): EncodedTable | null {
  const n = rows.length
  const cols = n ? rows[0].length : 0
  for (let r = 0; r < n; r++) if (!Array.isArray(rows[r]) || rows[r].length !== cols) return null
  const kinds = new Uint8Array(cols)
  const nulls = new Uint8Array((n * cols + 7) >> 3)
  const parts: (Float64Array | Uint32Array)[] = []
  const strings: string[] = []
  const jsonTexts: string[] = []
  for (let c = 0; c < cols; c++) {
    const kind = kindOf(rows, c)
    kinds[c] = kind
    if (kind === JSON_TEXT) {
      const column = new Array<unknown>(n)
      for (let r = 0; r < n; r++) column[r] = rows[r][c] ?? null
      const text = JSON.stringify(column)
      jsonTexts.push(text)
      parts.push(Uint32Array.of(text.length))
      continue
    }
    const values = kind === NUM ? new Float64Array(n) : new Uint32Array(n)
    for (let r = 0; r < n; r++) {
      const v = rows[r][c]
      if (v === null || v === undefined) {
        const bit = r * cols + c
        nulls[bit >> 3] |= 1 << (bit & 7)
      } else if (kind === NUM)
        values[r] = (v as number) + 0 // -0 arrives as 0, as through JSON
      else {
        values[r] = (v as string).length
        strings.push(v as string)
      }
    }
    parts.push(values)
  }
  // One join: two joined and added would be flattened once more by the encoder.
  for (const j of jsonTexts) strings.push(j)
  return layOut(n, kinds, nulls, parts, encoder.encode(strings.join('')))
}

/**
 * Lay out columns held as `cell-columns.ts` has them (a SQLite page's, never made into rows):
 * numbers copied with their NaNs as nulls, each string column's lengths from where its values end,
 * and the text columns' texts one after another, which is the frame's text as it is.
 */
export function encodeCellColumns(t: CellColumns): EncodedTable {
  const n = t.rows
  const cols = t.columns.length
  const kinds = new Uint8Array(cols)
  const nulls = new Uint8Array((n * cols + 7) >> 3)
  const parts: (Float64Array | Uint32Array)[] = []
  const texts: string[] = []
  for (let c = 0; c < cols; c++) {
    const col = t.columns[c]
    const nullAt = (r: number) => {
      const bit = r * cols + c
      nulls[bit >> 3] |= 1 << (bit & 7)
    }
    if (col.kind === 'number') {
      kinds[c] = NUM
      const values = new Float64Array(n)
      for (let r = 0; r < n; r++) {
        const v = col.values[r]
        if (Number.isNaN(v)) nullAt(r)
        else values[r] = v + 0 // -0 arrives as 0, as through JSON
      }
      parts.push(values)
    } else {
      kinds[c] = TEXT
      const lengths = new Uint32Array(n)
      let start = 0
      for (let r = 0; r < n; r++) {
        const e = col.ends[r]
        if (e < 0) nullAt(r)
        else {
          lengths[r] = e - start
          start = e
        }
      }
      // A page's first rows: its text up to the last of them.
      texts.push(start === col.text.length ? col.text : col.text.slice(0, start))
      parts.push(lengths)
    }
  }
  return layOut(n, kinds, nulls, parts, encoder.encode(texts.join('')))
}

function layOut(
  n: number,
  kinds: Uint8Array,
  nulls: Uint8Array,
  parts: (Float64Array | Uint32Array)[],
  text: Uint8Array,
): EncodedTable {
  const cols = kinds.length
  let bytes = 16 + pad8(cols) + pad8(nulls.length)
  for (const p of parts) bytes += pad8(p.byteLength)
  const textAt = bytes
  bytes += pad8(text.length)
  return {
    bytes,
    write(into, at) {
      const view = new DataView(into.buffer, into.byteOffset + at, 16)
      view.setUint32(0, n, true)
      view.setUint32(4, cols, true)
      view.setUint32(8, text.length, true)
      view.setUint32(12, 0, true)
      let o = at + 16
      into.set(kinds, o)
      o += pad8(cols)
      into.set(nulls, o)
      o += pad8(nulls.length)
      for (const p of parts) {
        into.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), o)
        o += pad8(p.byteLength)
      }
      into.set(text, at + textAt)
    },
  }
}

/** A typed view of `length` items at `at`, copied out when the bytes are not aligned for it. */
function typed<T extends Float64Array | Uint32Array>(
  Kind: { new (b: ArrayBufferLike, o: number, l: number): T; new (l: number): T; BYTES_PER_ELEMENT: number },
  buf: Uint8Array,
  at: number,
  length: number,
): T {
  const offset = buf.byteOffset + at
  if (offset % Kind.BYTES_PER_ELEMENT === 0) return new Kind(buf.buffer, offset, length)
  const copy = new Kind(length)
  new Uint8Array(copy.buffer).set(buf.subarray(at, at + length * Kind.BYTES_PER_ELEMENT))
  return copy
}

/** Read a table written by `encodeTable` at `at`: its rows, and where the next part starts. */
export function decodeTable(buf: Uint8Array, at: number): { rows: unknown[][]; end: number } {
  if (at + 16 > buf.byteLength) throw new Error('the frame ends early')
  const head = new DataView(buf.buffer, buf.byteOffset + at, 16)
  const n = head.getUint32(0, true)
  const cols = head.getUint32(4, true)
  const textBytes = head.getUint32(8, true)
  let o = at + 16
  const kinds = buf.subarray(o, o + cols)
  o += pad8(cols)
  const nullBytes = (n * cols + 7) >> 3
  const nulls = buf.subarray(o, o + nullBytes)
  o += pad8(nullBytes)
  const columns: (Float64Array | Uint32Array | unknown[])[] = []
  const jsonLengths: number[] = []
  for (let c = 0; c < cols; c++) {
    if (kinds[c] === JSON_TEXT) {
      jsonLengths.push(typed(Uint32Array, buf, o, 1)[0])
      columns.push([])
      o += 8
    } else {
      const numbers = kinds[c] === NUM
      columns.push(numbers ? typed(Float64Array, buf, o, n) : typed(Uint32Array, buf, o, n))
      o += pad8(n * (numbers ? 8 : 4))
    }
  }
  // Past the end, a view into a pooled buffer would read another message's bytes: refuse.
  if (o + textBytes > buf.byteLength) throw new Error('the frame ends early')
  const text = decoder.decode(buf.subarray(o, o + textBytes))
  const end = o + pad8(textBytes)
  // Where each text column's strings start in the text, and then each JSON column's text.
  const starts = new Array<number>(cols).fill(0)
  let t = 0
  for (let c = 0; c < cols; c++) {
    if (kinds[c] !== TEXT) continue
    starts[c] = t
    const lengths = columns[c] as Uint32Array
    for (let r = 0; r < n; r++) t += lengths[r]
  }
  for (let c = 0, j = 0; c < cols; c++) {
    if (kinds[c] !== JSON_TEXT) continue
    columns[c] = JSON.parse(text.slice(t, t + jsonLengths[j])) as unknown[]
    t += jsonLengths[j++]
  }
  const rows = new Array<unknown[]>(n)
  for (let r = 0; r < n; r++) {
    // Made at its width: an empty array pushed to grows room for 17 values.
    const row = new Array<unknown>(cols)
    for (let c = 0; c < cols; c++) {
      const bit = r * cols + c
      const kind = kinds[c]
      if (kind === JSON_TEXT) row[c] = (columns[c] as unknown[])[r]
      else if ((nulls[bit >> 3] >> (bit & 7)) & 1) row[c] = null
      else if (kind === NUM) row[c] = (columns[c] as Float64Array)[r]
      else {
        const len = (columns[c] as Uint32Array)[r]
        row[c] = text.slice(starts[c], starts[c] + len)
        starts[c] += len
      }
    }
    rows[r] = row
  }
  return { rows, end }
}
