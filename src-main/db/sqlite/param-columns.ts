/*
 * Rows as columns on typed arrays, for the trips between the SQLite driver and its worker: a
 * batch step's parameter rows on the way there, a query's result rows on the way back.
 *
 * A flush sends thousands of rows of a few small values. As JSON they cost a stringify here and a
 * parse there that allocates every row again; structured clone of the arrays is slower still. As
 * columns, a column of numbers is one Float64Array and a column of strings is one string with an
 * Int32Array of where each value ends: the buffers are transferred, not copied, and the worker
 * reads each row into one reused argument array. Written here because it is a wire format between
 * our two threads: no library knows both ends.
 */

import { numberCell, type CellColumn, type CellColumns } from '../../../src-shared/cell-columns'

/** A column of numbers (booleans as 1/0, NaN for NULL) or of strings (one text and the ends). */
export type ParamColumn = CellColumn
export type ColumnarParams = CellColumns

/**
 * The rows as columns, or null when they do not fit: rows of different widths, a column mixing
 * numbers and strings, or a value that is neither (a blob, a big integer, an object, a number
 * that is not finite). Those go as they are.
 */
export function encodeColumns(rows: readonly (readonly unknown[])[]): ColumnarParams | null {
  const n = rows.length
  if (n === 0) return null
  const width = rows[0].length
  for (let i = 1; i < n; i++) if (rows[i].length !== width) return null
  const columns: ParamColumn[] = []
  for (let c = 0; c < width; c++) {
    const col = encodeColumn(rows, c)
    if (!col) return null
    columns.push(col)
  }
  return { rows: n, columns }
}

function encodeColumn(rows: readonly (readonly unknown[])[], c: number): ParamColumn | null {
  const n = rows.length
  let kind: 'number' | 'string' | null = null
  for (let i = 0; i < n && kind === null; i++) {
    const t = typeof rows[i][c]
    if (t === 'string') kind = 'string'
    else if (t === 'number' || t === 'boolean') kind = 'number'
  }
  if (kind === 'string') return stringColumn(rows, c)
  const values = new Float64Array(n)
  for (let i = 0; i < n; i++) {
    const v = rows[i][c]
    if (typeof v === 'number') {
      if (!Number.isFinite(v)) return null
      values[i] = v
    } else if (typeof v === 'boolean') values[i] = v ? 1 : 0
    else if (v === null || v === undefined) values[i] = NaN
    else return null
  }
  return { kind: 'number', values }
}

function stringColumn(rows: readonly (readonly unknown[])[], c: number): ParamColumn | null {
  const n = rows.length
  const ends = new Int32Array(n)
  let text = ''
  for (let i = 0; i < n; i++) {
    const v = rows[i][c]
    if (typeof v === 'string') {
      text += v
      // Past 2^31 UTF-16 units the ends would overflow: such a step goes as it is.
      if (text.length > 0x7fffffff) return null
      ends[i] = text.length
    } else if (v === null || v === undefined) ends[i] = ~text.length
    else return null
  }
  return { kind: 'string', text, ends }
}

/** The buffers to transfer with a message carrying these columns. */
export function transferables(p: ColumnarParams): ArrayBuffer[] {
  return p.columns.map((c) => (c.kind === 'number' ? c.values.buffer : c.ends.buffer) as ArrayBuffer)
}

/**
 * Reads the rows in order into one argument array, reused from row to row: the caller binds it
 * before asking for the next row.
 */
export class ColumnReader {
  private readonly starts: number[]
  private readonly args: unknown[]
  private next = 0

  constructor(private readonly p: ColumnarParams) {
    this.starts = p.columns.map(() => 0)
    this.args = new Array(p.columns.length)
  }

  row(i: number): unknown[] {
    if (i !== this.next) throw new Error(`Parameter rows are read in order: asked for ${i}, next is ${this.next}`)
    this.next++
    const cols = this.p.columns
    for (let c = 0; c < cols.length; c++) {
      const col = cols[c]
      // -0 reads as 0, as it does through JSON (the way small replies and older batches went).
      if (col.kind === 'number') this.args[c] = numberCell(col.values[i])
      else {
        const e = col.ends[i]
        if (e < 0) this.args[c] = null
        else {
          this.args[c] = col.text.slice(this.starts[c], e)
          this.starts[c] = e
        }
      }
    }
    return this.args
  }
}
