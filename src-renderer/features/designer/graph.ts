import { positionOf, type ModelDocument } from '../../../src-shared/model/document'
import { isUniqueKey } from '../../../src-shared/schema'
import { NODE_WIDTH, nodeHeight } from '../../../src-shared/model/layout'
import type { ModelProblem } from '../../../src-shared/model/validate'
import type { TableNodeType } from './TableNode'
import type { RelationEdgeType } from './RelationEdge'

/* The document as React Flow's nodes and edges. */

export /** Table nodes for React Flow; unchanged tables keep their node object (and its measurements). */
function buildNodes(
  prev: TableNodeType[],
  doc: ModelDocument,
  problems: ModelProblem[],
  matches: Set<string> | null,
  selection: string[],
): TableNodeType[] {
  const level = new Map<string, 'error' | 'warning'>()
  for (const p of problems) if (p.level === 'error' || !level.has(p.tableId)) level.set(p.tableId, p.level)
  const selected = new Set(selection)
  const old = new Map(prev.map((n) => [n.id, n]))
  return doc.tables.map((t) => {
    const o = old.get(t.id)
    const position = positionOf(doc, t.id)
    const data = {
      table: t,
      fkColumns: new Set(t.foreignKeys.flatMap((f) => f.columns)),
      problems: level.get(t.id) ?? null,
      highlight: matches?.has(t.id) ?? false,
    }
    if (
      o &&
      o.data.table === t &&
      o.position.x === position.x &&
      o.position.y === position.y &&
      o.data.problems === data.problems &&
      o.data.highlight === data.highlight &&
      !!o.selected === selected.has(t.id)
    )
      return o
    // The size the layout assumes stands in until React Flow measures the node: with only visible
    // tables rendered (big models), fitView and the minimap would otherwise skip the unmeasured ones.
    const size = { initialWidth: NODE_WIDTH, initialHeight: nodeHeight(t) }
    return o
      ? { ...o, ...size, position, data, selected: selected.has(t.id) }
      : { id: t.id, type: 'table' as const, ...size, position, data, selected: selected.has(t.id) }
  })
}

/** Which column handle a foreign key leaves and enters by, so edges take the short way round. */
export function buildEdges(
  doc: ModelDocument,
  selectedFk: { table: string; fk: string } | null,
  compact = false,
): RelationEdgeType[] {
  const byName = new Map(doc.tables.map((t) => [`${t.schema ?? ''}.${t.name}`, t]))
  const out: RelationEdgeType[] = []
  for (const t of doc.tables) {
    for (const f of t.foreignKeys) {
      const ref = byName.get(`${f.refSchema ?? ''}.${f.refTable}`)
      if (!ref) continue
      const from = t.columns.find((c) => c.name === f.columns[0])
      const to = ref.columns.find((c) => c.name === f.refColumns[0])
      if (!from || !to) continue
      const leftToRight = positionOf(doc, t.id).x <= positionOf(doc, ref.id).x
      const unique = isUniqueKey(t, f.columns)
      const many = unique ? '1' : 'N'
      const one = t.columns.filter((c) => f.columns.includes(c.name)).every((c) => !c.nullable) ? '1' : '0..1'
      const optional = t.columns.some((c) => f.columns.includes(c.name) && c.nullable)
      // Edges always leave by a right-hand (source) handle and enter by a left-hand (target) one,
      // so the edge runs from whichever table is further left.
      out.push({
        id: `${t.id}|${f.id}`,
        source: leftToRight ? t.id : ref.id,
        target: leftToRight ? ref.id : t.id,
        // Zoomed out, tables are drawn without their columns: an edge joins the tables' own handles.
        sourceHandle: compact ? 'table' : `${leftToRight ? from.id : to.id}:r`,
        targetHandle: compact ? 'table-in' : `${leftToRight ? to.id : from.id}:l`,
        type: 'relation',
        selected: selectedFk?.fk === f.id,
        data: {
          from: leftToRight ? many : one,
          to: leftToRight ? one : many,
          title: `${t.name} → ${ref.name}`,
          optional,
        },
      })
    }
  }
  return out
}
