import type { Cell } from './values'

/*
 * Rows of cells held as columns: a column of numbers as one Float64Array (NaN for NULL), a column
 * of strings as one text and where each value ends in it (a NULL's end stored as ~end, negative).
 * The SQLite worker sends a query's rows to the main thread so (src-main/db/sqlite/param-columns.ts
 * makes them). A grid page built from them goes into the WebSocket bridge's columnar frame straight
 * from these columns (src-shared/columnar.ts): its rows are made as arrays only if something reads
 * them, so a page is not decoded into rows on the main thread only to be encoded again.
 */

export type CellColumn =
  | { kind: 'number'; values: Float64Array }
  /** Value i is text.slice(end of i - 1, end of i); a NULL's end is stored as ~end. */
  | { kind: 'string'; text: string; ends: Int32Array }

export interface CellColumns {
  rows: number
  columns: CellColumn[]
}

/** Where a string column's value ends, NULL or not. */
export const endOf = (e: number) => (e < 0 ? ~e : e)

/** Where value `row` of a string column starts: where the one before it ended. */
const startOf = (ends: Int32Array, row: number) => (row === 0 ? 0 : endOf(ends[row - 1]))

/** A number column's value as a cell: NaN is NULL, and -0 reads as 0, as through JSON. */
export const numberCell = (v: number): number | null => (Number.isNaN(v) ? null : v === 0 ? 0 : v)

/** Every row as its own array (-0 reads as 0 and NaN as NULL, as through JSON). */
export function columnsToRows(t: CellColumns): Cell[][] {
  const n = t.rows
  const width = t.columns.length
  const out = new Array<Cell[]>(n)
  for (let i = 0; i < n; i++) out[i] = new Array<Cell>(width)
  for (let c = 0; c < width; c++) {
    const col = t.columns[c]
    if (col.kind === 'number') {
      const values = col.values
      for (let i = 0; i < n; i++) out[i][c] = numberCell(values[i])
    } else {
      const { text, ends } = col
      let start = 0
      for (let i = 0; i < n; i++) {
        const e = ends[i]
        if (e < 0) out[i][c] = null
        else {
          // A slice of the column's text: V8 may keep the whole text alive while any slice is.
          out[i][c] = text.slice(start, e)
          start = e
        }
      }
    }
  }
  return out
}

/** The first `n` rows (the same buffers, not copies). */
export function firstRows(t: CellColumns, n: number): CellColumns {
  if (n >= t.rows) return t
  return {
    rows: n,
    columns: t.columns.map((c) =>
      c.kind === 'number'
        ? { kind: 'number', values: c.values.subarray(0, n) }
        : { kind: 'string', text: c.text, ends: c.ends.subarray(0, n) },
    ),
  }
}

/** The rows in reverse order (a page read backwards), as new columns. */
export function reversedRows(t: CellColumns): CellColumns {
  const n = t.rows
  return {
    rows: n,
    columns: t.columns.map((c): CellColumn => {
      if (c.kind === 'number') return { kind: 'number', values: c.values.slice().reverse() }
      const parts: string[] = []
      const ends = new Int32Array(n)
      let at = 0
      for (let i = 0; i < n; i++) {
        const r = n - 1 - i
        const e = c.ends[r]
        if (e < 0) ends[i] = ~at
        else {
          const start = startOf(c.ends, r)
          parts.push(c.text.slice(start, e))
          at += e - start
          ends[i] = at
        }
      }
      return { kind: 'string', text: parts.join(''), ends }
    }),
  }
}

/** These columns, in this order. */
export function pickColumns(t: CellColumns, which: readonly number[]): CellColumns {
  return { rows: t.rows, columns: which.map((i) => t.columns[i]) }
}

/** One cell, as `columnsToRows` would give it. */
export function cellAt(t: CellColumns, row: number, column: number): Cell {
  const col = t.columns[column]
  if (col.kind === 'number') return numberCell(col.values[row])
  const e = col.ends[row]
  return e < 0 ? null : col.text.slice(startOf(col.ends, row), e)
}

const COLUMNS = Symbol('schemist.cellColumns')
type Holder = { [COLUMNS]?: Record<string, CellColumns | undefined> }

function settle(target: object, field: string, value: unknown) {
  ;(target as Holder)[COLUMNS]![field] = undefined
  Object.defineProperty(target, field, { value, writable: true, enumerable: true, configurable: true })
}

/**
 * One getter and setter per field name, shared by every object: V8 keeps an accessor's functions
 * in the object's hidden class, so a closure per object made a hidden class per object, and each
 * kept its closure's columns alive through the scavenges until a full collection (a selectin load
 * spent three times as long in the collector).
 */
const accessors = new Map<string, PropertyDescriptor>()
function accessorsOf(field: string): PropertyDescriptor {
  let d = accessors.get(field)
  if (!d) {
    d = {
      enumerable: true,
      configurable: true,
      get(this: object) {
        const table = columnsOf(this, field)
        const rows = table ? columnsToRows(table) : []
        settle(this, field, rows)
        return rows
      },
      set(this: object, value: unknown) {
        settle(this, field, value)
      },
    }
    accessors.set(field, d)
  }
  return d
}

/**
 * `target[field]` reads as the rows of `table`, made when first read; until then `columnsOf`
 * gives the columns they stand for. Writing the field replaces both. JSON, structured clone and
 * spreading read it as rows, so every consumer that does not ask for columns sees plain rows.
 */
export function lazyRows<T extends object>(target: T, field: string, table: CellColumns): T {
  if (!Object.hasOwn(target, COLUMNS)) Object.defineProperty(target, COLUMNS, { value: {}, enumerable: false })
  ;(target as Holder)[COLUMNS]![field] = table
  Object.defineProperty(target, field, accessorsOf(field))
  return target
}

/** The columns `target[field]` still stands for (its rows not read or replaced yet), if any. */
export function columnsOf(target: unknown, field: string): CellColumns | undefined {
  return typeof target === 'object' && target !== null ? (target as Holder)[COLUMNS]?.[field] : undefined
}
