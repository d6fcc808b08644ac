import { Graph, layout } from '@dagrejs/dagre'
import { withPositions, type ModelDocument, type ModelTable } from './document'

/** The size a table node takes on the canvas (the renderer draws it to these measures). */
export const NODE_WIDTH = 240
export const NODE_HEADER = 34
export const NODE_ROW = 24

export function nodeHeight(t: Pick<ModelTable, 'columns'>): number {
  return NODE_HEADER + Math.max(1, t.columns.length) * NODE_ROW + 8
}

const GAP = 60
/**
 * Above this many tables in one connected group, dagre's crossing reduction grows much faster
 * than the group (12 s for 1,000 tables here), so such groups get a layered layout of our own
 * that stays near-linear: the same ranks, a few barycenter sweeps, stacked columns.
 */
const DAGRE_LIMIT = 150
const RANK_SEP = 110
const NODE_SEP = 40
/** Between bands of ranks: wider than between tables, so a band reads as a row of its own. */
const BAND_SEP = 160
/** The width-to-height a folded layout aims at: about a screen's. */
const ASPECT = 1.6

type Box = { w: number; h: number; pos: Map<string, { x: number; y: number }> }

/** Longest-path ranks (referenced tables to the left), barycenter ordering, each rank a column centred on the middle. */
function layered(members: ModelTable[], edges: [string, string][]): Box {
  const preds = new Map<string, string[]>(members.map((t) => [t.id, []]))
  const succs = new Map<string, string[]>(members.map((t) => [t.id, []]))
  for (const [a, b] of edges) {
    preds.get(b)!.push(a)
    succs.get(a)!.push(b)
  }
  // Ranks by longest path from the tables nothing is referenced from; a cycle is cut where the walk meets it again.
  const rank = new Map<string, number>()
  const onPath = new Set<string>()
  for (const start of members) {
    if (rank.has(start.id)) continue
    const stack: { id: string; i: number; best: number }[] = [{ id: start.id, i: 0, best: 0 }]
    onPath.add(start.id)
    while (stack.length) {
      const top = stack[stack.length - 1]
      const ps = preds.get(top.id)!
      if (top.i < ps.length) {
        const p = ps[top.i++]
        if (rank.has(p)) top.best = Math.max(top.best, rank.get(p)! + 1)
        else if (!onPath.has(p)) {
          onPath.add(p)
          stack.push({ id: p, i: 0, best: 0 })
        }
        continue
      }
      rank.set(top.id, top.best)
      onPath.delete(top.id)
      stack.pop()
      if (stack.length) stack[stack.length - 1].best = Math.max(stack[stack.length - 1].best, top.best + 1)
    }
  }
  const byRank: string[][] = []
  for (const t of members) (byRank[rank.get(t.id)!] ??= []).push(t.id)
  const order = new Map<string, number>()
  byRank.forEach((ids) => ids.forEach((id, i) => order.set(id, i)))
  // Barycenter sweeps, left to right then back: each table moves towards the tables it is linked to.
  for (let sweep = 0; sweep < 4; sweep++) {
    const forward = sweep % 2 === 0
    const ranks = forward ? byRank.keys() : [...byRank.keys()].reverse()
    for (const r of ranks) {
      const ids = byRank[r]
      if (!ids || ids.length < 2) continue
      const score = new Map<string, number>()
      for (const id of ids) {
        const ns = forward ? preds.get(id)! : succs.get(id)!
        score.set(id, ns.length ? ns.reduce((s, n) => s + order.get(n)!, 0) / ns.length : order.get(id)!)
      }
      ids.sort((a, b) => score.get(a)! - score.get(b)!)
      ids.forEach((id, i) => order.set(id, i))
    }
  }
  const height = new Map(members.map((t) => [t.id, nodeHeight(t)]))
  const pos = new Map<string, { x: number; y: number }>()
  const columnHeights = byRank.map((ids) => (ids ?? []).reduce((s, id) => s + height.get(id)! + NODE_SEP, -NODE_SEP))
  // A long chain of references makes hundreds of ranks: one row of them is a strip no screen can
  // show. The ranks are folded into bands stacked top to bottom, as many as bring the whole
  // near a screen's proportions; a reference then points left in its band, or up to an earlier one.
  const stride = NODE_WIDTH + RANK_SEP
  const bands = Math.max(1, Math.round(Math.sqrt((byRank.length * stride) / (ASPECT * Math.max(...columnHeights)))))
  const perBand = Math.ceil(byRank.length / bands)
  let top = 0
  let w = 0
  for (let first = 0; first < byRank.length; first += perBand) {
    const tallest = Math.max(...columnHeights.slice(first, first + perBand))
    for (let r = first; r < Math.min(byRank.length, first + perBand); r++) {
      let y = top + Math.round((tallest - columnHeights[r]) / 2)
      for (const id of byRank[r] ?? []) {
        pos.set(id, { x: (r - first) * stride, y })
        y += height.get(id)! + NODE_SEP
      }
    }
    w = Math.max(w, (Math.min(byRank.length, first + perBand) - first) * stride - RANK_SEP)
    top += tallest + BAND_SEP
  }
  return { w, h: top - BAND_SEP, pos }
}

/**
 * Automatic layout: each connected group of tables is laid out by dagre (referenced tables to
 * the left of the tables that reference them), then the groups are packed in rows, largest
 * first, so a model of many small islands stays compact instead of one endless line.
 */
export function autoLayout(
  doc: ModelDocument,
  only?: Set<string>,
  o: { engine?: 'auto' | 'dagre' | 'layered' } = {},
): ModelDocument {
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
  // Each group's tables and references, bucketed in one pass (copying a group's list per member,
  // or filtering every edge per group, made a 1,000-table model's layout grow with its square).
  const groups = new Map<string, ModelTable[]>()
  for (const t of tables) {
    const r = root(t.id)
    const g = groups.get(r)
    if (g) g.push(t)
    else groups.set(r, [t])
  }
  const groupEdges = new Map<string, [string, string][]>()
  for (const e of edges) {
    const r = root(e[0])
    const g = groupEdges.get(r)
    if (g) g.push(e)
    else groupEdges.set(r, [e])
  }

  const boxes: Box[] = []
  const singles: ModelTable[] = []
  for (const [r, members] of groups) {
    if (members.length === 1) {
      singles.push(members[0])
      continue
    }
    const inside = groupEdges.get(r) ?? []
    if (o.engine === 'layered' || (o.engine !== 'dagre' && members.length > DAGRE_LIMIT)) {
      boxes.push(layered(members, inside))
      continue
    }
    const g = new Graph({ multigraph: true })
    g.setGraph({ rankdir: 'LR', nodesep: 40, ranksep: 110, marginx: 0, marginy: 0 })
    g.setDefaultEdgeLabel(() => ({}))
    for (const t of members) g.setNode(t.id, { width: NODE_WIDTH, height: nodeHeight(t) })
    inside.forEach(([a, b], i) => g.setEdge(a, b, {}, `e${i}`))
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
  return withPositions(doc, positions)
}
