import { z } from 'zod'

/**
 * A cell value as it crosses the bridge. JSON has no bigint or bytes, so those travel tagged:
 * big integers as decimal strings, binary as hex.
 */
export const cellSchema = z.union([
  z.null(),
  z.string(),
  z.number(),
  z.boolean(),
  z.object({ $bigint: z.string() }),
  z.object({ $blob: z.string() }),
])
export type Cell = z.infer<typeof cellSchema>

export function encodeCell(v: unknown): Cell {
  if (v === null || v === undefined) return null
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return v
    case 'number':
      return Number.isFinite(v) ? v : String(v)
    case 'bigint':
      return { $bigint: v.toString() }
  }
  if (v instanceof Uint8Array) return { $blob: toHex(v) }
  // Already a cell: blobs and big integers as the bridge carries them.
  const o = v as { $blob?: unknown; $bigint?: unknown }
  if (typeof o.$blob === 'string' && Object.keys(o).length === 1) return { $blob: o.$blob }
  if (typeof o.$bigint === 'string' && Object.keys(o).length === 1) return { $bigint: o.$bigint }
  if (v instanceof Date) return v.toISOString()
  return JSON.stringify(v)
}

/**
 * A driver's result rows made cells in place. The drivers make these arrays for one query alone,
 * and a copy of each (2,000 arrays for a grid page) was garbage the moment it was made.
 */
export function encodeRowsInPlace(rows: unknown[][]): Cell[][] {
  for (const row of rows) for (let i = 0; i < row.length; i++) row[i] = encodeCell(row[i])
  return rows as Cell[][]
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'))

/** Bytes as lowercase hex, in plain JavaScript: this file runs in the renderer too, which has no Buffer. */
function toHex(bytes: Uint8Array): string {
  let out = ''
  for (let i = 0; i < bytes.length; i++) out += HEX[bytes[i]]
  return out
}

/** Text shown for a cell in grids and CLI tables. */
export function formatCell(c: Cell): string {
  if (c === null) return 'NULL'
  if (typeof c === 'object') return '$bigint' in c ? c.$bigint : `x'${c.$blob}'`
  return String(c)
}
