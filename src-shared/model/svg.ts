import { positionOf, type ModelDocument, type ModelTable } from './document'
import { isUniqueKey, typeLabel } from '../schema'
import { NODE_HEADER, NODE_ROW, NODE_WIDTH, nodeHeight } from './layout'

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;')

const THEMES = {
  light: {
    bg: '#f6f7f9',
    node: '#ffffff',
    head: '#eef0f4',
    border: '#dde1e8',
    text: '#1d2230',
    muted: '#8a92a3',
    accent: '#2f6fdb',
    key: '#b7811a',
    edge: '#8a92a3',
    assoc: '#5a57d6',
  },
  dark: {
    bg: '#15171c',
    node: '#1b1e24',
    head: '#232730',
    border: '#2c313c',
    text: '#e6e8ee',
    muted: '#6f7787',
    accent: '#6aa8ff',
    key: '#e6b450',
    edge: '#6f7787',
    assoc: '#8e8cf0',
  },
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s)

/**
 * The diagram as a standalone SVG (what Export SVG saves and Export PNG rasterises): each table
 * with its columns, each foreign key drawn from column to column with N/1 at its ends.
 */
export function modelSvg(doc: ModelDocument, theme: 'light' | 'dark' = 'light'): string {
  const c = THEMES[theme]
  if (doc.tables.length === 0)
    return `<svg xmlns="http://www.w3.org/2000/svg" width="200" height="60"><rect width="200" height="60" fill="${c.bg}"/></svg>`
  const pad = 40
  const at = (t: ModelTable) => positionOf(doc, t.id)
  const minX = Math.min(...doc.tables.map((t) => at(t).x)) - pad
  const minY = Math.min(...doc.tables.map((t) => at(t).y)) - pad
  const maxX = Math.max(...doc.tables.map((t) => at(t).x + NODE_WIDTH)) + pad
  const maxY = Math.max(...doc.tables.map((t) => at(t).y + nodeHeight(t))) + pad
  const w = Math.ceil(maxX - minX)
  const h = Math.ceil(maxY - minY)
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="${minX} ${minY} ${w} ${h}" font-family="Inter, 'DejaVu Sans', Arial, sans-serif" font-size="12">`,
    `<rect x="${minX}" y="${minY}" width="${w}" height="${h}" fill="${c.bg}"/>`,
  ]
  const byName = new Map(doc.tables.map((t) => [`${t.schema ?? ''}.${t.name}`, t]))
  const rowY = (t: ModelTable, col: string) =>
    at(t).y +
    NODE_HEADER +
    Math.max(
      0,
      t.columns.findIndex((x) => x.name === col),
    ) *
      NODE_ROW +
    NODE_ROW / 2
  for (const t of doc.tables)
    for (const f of t.foreignKeys) {
      const ref = byName.get(`${f.refSchema ?? ''}.${f.refTable}`)
      if (!ref) continue
      const right = at(t).x <= at(ref).x
      const x1 = right ? at(t).x + NODE_WIDTH : at(t).x
      const x2 = right ? at(ref).x : at(ref).x + NODE_WIDTH
      const y1 = rowY(t, f.columns[0])
      const y2 = rowY(ref, f.refColumns[0])
      const mid = right ? Math.max(x1 + 20, (x1 + x2) / 2) : Math.min(x1 - 20, (x1 + x2) / 2)
      const unique = isUniqueKey(t, f.columns)
      const optional = t.columns.some((x) => f.columns.includes(x.name) && x.nullable)
      out.push(
        `<path d="M${x1} ${y1} H${mid} V${y2} H${x2}" fill="none" stroke="${c.edge}" stroke-width="1.4"${optional ? ' stroke-dasharray="5 4"' : ''}/>`,
      )
      out.push(
        `<text x="${x1 + (right ? 6 : -6)}" y="${y1 - 4}" fill="${c.muted}" font-size="10" font-weight="600" text-anchor="${right ? 'start' : 'end'}">${unique ? '1' : 'N'}</text>`,
      )
      out.push(
        `<text x="${x2 + (right ? -6 : 6)}" y="${y2 - 4}" fill="${c.muted}" font-size="10" font-weight="600" text-anchor="${right ? 'end' : 'start'}">1</text>`,
      )
    }
  for (const t of doc.tables) {
    const { x, y } = at(t)
    const hgt = nodeHeight(t)
    const fkCols = new Set(t.foreignKeys.flatMap((f) => f.columns))
    out.push(`<g>`)
    out.push(
      `<rect x="${x}" y="${y}" width="${NODE_WIDTH}" height="${hgt}" rx="8" fill="${c.node}" stroke="${c.border}"/>`,
    )
    out.push(
      `<path d="M${x} ${y + NODE_HEADER} V${y + 8} a8 8 0 0 1 8 -8 H${x + NODE_WIDTH - 8} a8 8 0 0 1 8 8 V${y + NODE_HEADER} Z" fill="${c.head}"/>`,
    )
    out.push(
      `<rect x="${x}" y="${y}" width="${NODE_WIDTH}" height="3" rx="1.5" fill="${t.association ? c.assoc : c.accent}"/>`,
    )
    out.push(
      `<text x="${x + 10}" y="${y + NODE_HEADER / 2 + 5}" fill="${c.text}" font-weight="600" font-size="13">${esc(clip(t.name, 28))}</text>`,
    )
    t.columns.forEach((col, i) => {
      const ry = y + NODE_HEADER + i * NODE_ROW + NODE_ROW / 2 + 4
      const mark =
        col.primaryKey > 0
          ? `<text x="${x + 8}" y="${ry}" fill="${c.key}" font-size="10">PK</text>`
          : fkCols.has(col.name)
            ? `<text x="${x + 8}" y="${ry}" fill="${c.accent}" font-size="10">FK</text>`
            : ''
      out.push(
        `${mark}<text x="${x + 28}" y="${ry}" fill="${c.text}"${col.primaryKey > 0 ? ' font-weight="600"' : ''}>${esc(clip(col.name, 20))}</text>`,
      )
      out.push(
        `<text x="${x + NODE_WIDTH - 10}" y="${ry}" fill="${c.muted}" font-size="11" text-anchor="end">${esc(typeLabel(col))}${col.nullable && col.primaryKey === 0 ? '?' : ''}</text>`,
      )
    })
    out.push(`</g>`)
  }
  out.push('</svg>')
  return out.join('\n')
}
