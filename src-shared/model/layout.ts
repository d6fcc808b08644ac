import { Graph, layout } from '@dagrejs/dagre'
import type { ModelDocument, ModelTable } from './document'

/** The size a table node takes on the canvas (the renderer draws it to these measures). */
export const NODE_WIDTH = 240
export const NODE_HEADER = 34
export const NODE_ROW = 24

export function nodeHeight(t: Pick<ModelTable, 'columns'>): number {
  return NODE_HEADER + Math.max(1, t.columns.length) * NODE_ROW + 8
}

const GAP = 60

/**
 * Automatic layout: each connected group of tables is laid out by dagre (referenced tables to
 * the left of the tables that reference them), then the groups are packed in rows, largest
 * first, so a model of many small islands stays compact instead of one endless line.
 */
export function autoLayout(doc: ModelDocument, only?: Set<string>): ModelDocument {
  const tables = only ? doc.tables.filter((t) => only.has(t.id)) : doc.tables
  if (tables.length === 0) return doc
  const byName = new Map(tables.map((t) => [`${t.schema ?? ''}.${t.name}`, t]))
  const edges: [string, string][] = []
  for (const t of tables)
    for (const f of t.foreignKeys) {
      const ref = byName.get(`${f.refSchema ?? ''}.${f.refTable}`)
      if (ref && ref.id !== t.id) edges.push([ref.id, t.id])
    }

  // Connected components (union-find).
  const parent = new Map(tables.map((t) => [t.id, t.id]))
  const root = (x: string): string => {
    let r = x
    while (parent.get(r) !== r) r = parent.get(r)!
    parent.set(x, r)
    return r
  }
  for (const [a, b] of edges) parent.set(root(a), root(b))
  const groups = new Map<string, ModelTable[]>()
  for (const t of tables) groups.set(root(t.id), [...(groups.get(root(t.id)) ?? []), t])

  const boxes: { w: number; h: number; pos: Map<string, { x: number; y: number }> }[] = []
  const singles: ModelTable[] = []
  for (const members of groups.values()) {
    if (members.length === 1) {
      singles.push(members[0])
      continue
    }
    const g = new Graph({ multigraph: true })
    g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 110, marginx: 0, marginy: 0 })
    g.setDefaultEdgeLabel(() => ({}))
    for (const t of members) g.setNode(t.id, { width: NODE_WIDTH, height: nodeHeight(t) })
    const ids = new Set(members.map((t) => t.id))
    edges.forEach(([a, b], i) => {
      if (ids.has(a) && ids.has(b)) g.setEdge(a, b, {}, `e${i}`)
    })
    layout(g)
    const pos = new Map<string, { x: number; y: number }>()
    let w = 0
    let h = 0
    for (const t of members) {
      const n = g.node(t.id)
      const x = Math.round(n.x - NODE_WIDTH / 2)
      const y = Math.round(n.y - nodeHeight(t) / 2)
      pos.set(t.id, { x, y })
      w = Math.max(w, x + NODE_WIDTH)
      h = Math.max(h, y + nodeHeight(t))
    }
    boxes.push({ w, h, pos })
  }
  // Lone tables go in a grid of their own, shortest first.
  if (singles.length) {
    singles.sort((a, b) => nodeHeight(a) - nodeHeight(b) || a.name.localeCompare(b.name))
    const perRow = Math.max(1, Math.ceil(Math.sqrt(singles.length * 1.6)))
    const pos = new Map<string, { x: number; y: number }>()
    let y = 0
    let w = 0
    for (let i = 0; i < singles.length; i += perRow) {
      const row = singles.slice(i, i + perRow)
      row.forEach((t, j) => pos.set(t.id, { x: j * (NODE_WIDTH + GAP), y }))
      w = Math.max(w, row.length * (NODE_WIDTH + GAP) - GAP)
      y += Math.max(...row.map(nodeHeight)) + GAP
    }
    boxes.push({ w, h: y - GAP, pos })
  }

  // Shelf packing: rows about as wide as the total area suggests.
  boxes.sort((a, b) => b.h - a.h)
  const area = boxes.reduce((s, b) => s + (b.w + GAP) * (b.h + GAP), 0)
  const rowWidth = Math.max(Math.sqrt(area) * 1.4, ...boxes.map((b) => b.w))
  const positions: Record<string, { x: number; y: number }> = {}
  let x = 0
  let y = 0
  let rowH = 0
  for (const b of boxes) {
    if (x > 0 && x + b.w > rowWidth) {
      x = 0
      y += rowH + GAP * 2
      rowH = 0
    }
    for (const [id, p] of b.pos) positions[id] = { x: 40 + x + p.x, y: 40 + y + p.y }
    x += b.w + GAP * 2
    rowH = Math.max(rowH, b.h)
  }
  return { ...doc, tables: doc.tables.map((t) => (positions[t.id] ? { ...t, position: positions[t.id] } : t)) }
}
