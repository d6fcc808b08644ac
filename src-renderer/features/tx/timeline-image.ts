import type { TimelineEntry } from '../../../src-shared/tx'
import { formatCell } from '../../../src-shared/values'

const COL = 330
const ROW = 54
const PAD = 16
const HEAD = 56

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s)

/** What a step produced, in one short line. */
export function stepSummary(e: TimelineEntry): string {
  const o = e.outcome
  if (!o) return e.waitStartedAt ? 'waiting on a lock…' : 'running…'
  const waited = o.waitedMs > 0 && e.waitStartedAt ? `waited ${(o.waitedMs / 1000).toFixed(2)} s · ` : ''
  if (o.error) return `${waited}${o.error.sqlstate ? `${o.error.sqlstate} ` : ''}${o.error.message.split('\n')[0]}`
  if (o.result?.columns.length)
    return `${waited}${o.result.rows.map((r) => r.map(formatCell).join(', ')).join(' · ') || '(no rows)'}`
  return `${waited}${o.result?.command ?? 'ok'}${o.note ? ` · ${o.note}` : ''}`
}

/**
 * The console's timeline as a picture: one column per pane, one row per step in the order the
 * steps started; waits on an amber bar, errors in red, COMMIT and ROLLBACK marked.
 */
export function timelineSvg(entries: TimelineEntry[], panes: string[], title: string, theme: 'light' | 'dark'): string {
  const dark = theme === 'dark'
  const c = {
    bg: dark ? '#16181d' : '#ffffff',
    box: dark ? '#20232a' : '#f6f7f9',
    border: dark ? '#3a3f4b' : '#d5d9e0',
    text: dark ? '#e6e8ee' : '#1d2330',
    muted: dark ? '#9aa3b2' : '#667085',
    warn: '#d97706',
    err: '#dc2626',
    ok: '#16a34a',
  }
  const width = PAD * 2 + 36 + panes.length * COL
  const height = HEAD + entries.length * ROW + PAD
  const out: string[] = []
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif">`,
  )
  out.push(`<rect width="100%" height="100%" fill="${c.bg}"/>`)
  out.push(`<text x="${PAD}" y="22" font-size="14" font-weight="700" fill="${c.text}">${esc(title)}</text>`)
  panes.forEach((p, i) => {
    const x = PAD + 36 + i * COL
    out.push(
      `<text x="${x + 4}" y="${HEAD - 10}" font-size="13" font-weight="700" fill="${c.text}">Pane ${esc(p)}</text>`,
    )
    out.push(
      `<line x1="${x}" y1="${HEAD - 4}" x2="${x + COL - 12}" y2="${HEAD - 4}" stroke="${c.border}" stroke-width="2"/>`,
    )
  })
  entries.forEach((e, k) => {
    const col = panes.indexOf(e.pane)
    if (col < 0) return
    const x = PAD + 36 + col * COL
    const y = HEAD + k * ROW + 4
    const o = e.outcome
    const cmd = e.sql.trim().split(/\s+/)[0]?.toUpperCase()
    const stroke = o?.error ? c.err : cmd === 'COMMIT' && !o?.error ? c.ok : cmd === 'ROLLBACK' ? c.muted : c.border
    out.push(`<text x="${PAD + 28}" y="${y + 18}" font-size="11" text-anchor="end" fill="${c.muted}">${e.id}</text>`)
    out.push(
      `<rect x="${x}" y="${y}" width="${COL - 12}" height="${ROW - 8}" rx="7" fill="${c.box}" stroke="${stroke}" stroke-width="${stroke === c.border ? 1 : 2}"/>`,
    )
    if (e.waitStartedAt) out.push(`<rect x="${x}" y="${y}" width="5" height="${ROW - 8}" rx="2" fill="${c.warn}"/>`)
    out.push(
      `<text x="${x + 12}" y="${y + 18}" font-size="12" font-family="DejaVu Sans Mono, monospace" fill="${c.text}">${esc(cut(e.sql.replace(/\s+/g, ' '), 40))}</text>`,
    )
    out.push(
      `<text x="${x + 12}" y="${y + 36}" font-size="11" fill="${o?.error ? c.err : e.waitStartedAt ? c.warn : c.muted}">${esc(cut(stepSummary(e), 48))}</text>`,
    )
  })
  out.push('</svg>')
  return out.join('\n')
}
