import type { Cell } from '../../../src-shared/values'
import { BLOCK, type GridState, type Pending } from './grid-store'

/** Where rows are: a grid's rows by index (new rows first, then the table's by block) and the scroll geometry. */

export const ROW_H = 28
/**
 * The tallest scroll area the grid makes. Chromium cannot lay out an element much taller than
 * 2^25 px (33.5 M: 1.2 M rows of 28 px), and it paints badly well before that: scrolled 5.6 M px
 * down (the end of 200,000 rows), a row's text showed above the sticky header, and at 3 M the
 * header sat a pixel low. So past 1 M px (35,000 rows) the scrollbar moves through the rows in
 * proportion: a pixel of scrolling is more than a pixel of rows, rows are placed relative to the
 * window's virtual top, and the mouse wheel is scaled back (see use-grid-viewport.ts) so a notch
 * still moves as many rows as in a short table.
 */
const MAX_SCROLL_PX = 1_000_000

/** Maps between the scroller's real scrollTop and the virtual top of a (possibly taller) list. */
export function scrollScale(total: number, viewport: number) {
  const full = total * ROW_H
  if (full <= MAX_SCROLL_PX) return { body: full, k: 1, toVirtual: (s: number) => s, toScroll: (v: number) => v }
  const k = (full - viewport) / Math.max(1, MAX_SCROLL_PX - viewport)
  return { body: MAX_SCROLL_PX, k, toVirtual: (s: number) => s * k, toScroll: (v: number) => v / k }
}

export interface GridRow {
  index: number
  id: string
  key: Cell[] | null
  values: Record<string, Cell>
  pending: Pending | undefined
}

export function rowAt(g: GridState, i: number): GridRow | null {
  if (i < g.inserts.length) {
    const id = g.inserts[i]
    const e = g.edits[id]
    return { index: i, id, key: null, values: e?.kind === 'insert' ? e.values : {}, pending: e }
  }
  const n = i - g.inserts.length
  const b = g.blocks[Math.floor(n / BLOCK)]
  const r = b?.rows[n % BLOCK]
  if (!b || !r) return null
  const key = b.keys[n % BLOCK]
  const id = `k:${JSON.stringify(key)}`
  const values: Record<string, Cell> = {}
  g.columns.forEach((c, k) => (values[c] = r[k]))
  return { index: i, id, key, values, pending: g.edits[id] }
}

export function totalRows(g: GridState): number {
  const loaded = Object.entries(g.blocks).reduce((m, [b, blk]) => Math.max(m, Number(b) * BLOCK + blk.rows.length), 0)
  return g.inserts.length + Math.max(g.count?.count ?? 0, loaded)
}

/** What a cell shows for a row: its pending value where it has one, else what was read. */
export function shownValue(r: GridRow, c: string): Cell | undefined {
  return r.pending?.kind === 'update' && c in r.pending.values ? r.pending.values[c] : r.values[c]
}

/** A column's width before the user sets one: from its name, wider for text, within 90..280 px. */
export const defaultWidth = (name: string, type: string | undefined) =>
  Math.min(280, Math.max(/text|varchar|json/.test(type ?? '') ? 150 : 90, name.length * 9 + 40))

/** Rows first..last, a placeholder for each one not read yet. */
export function visibleRows(g: GridState, first: number, last: number): GridRow[] {
  const rows: GridRow[] = []
  for (let i = first; i <= last; i++)
    rows.push(rowAt(g, i) ?? { index: i, id: `loading:${i}`, key: null, values: {}, pending: undefined })
  return rows
}
