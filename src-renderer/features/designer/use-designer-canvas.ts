import { useCallback, useEffect, useMemo, useState } from 'react'
import {
  applyNodeChanges,
  type Connection,
  type EdgeChange,
  type FinalConnectionState,
  type NodeChange,
} from '@xyflow/react'
import { moveTables } from '../../../src-shared/model/edit'
import type { ModelProblem } from '../../../src-shared/model/validate'
import { designer, edit, select, type Designer } from './designer-store'
import { buildEdges, buildNodes } from './graph'
import type { RelationEdgeType } from './RelationEdge'
import { useCompact, type TableNodeType } from './TableNode'

/**
 * The canvas's nodes and edges and what the user does to them. Nodes live in local state while
 * dragging; the document gets the final positions as one edit. Selection lives in the designer's
 * store and is changed only by what the user does (React Flow's 'select' changes); the nodes and
 * edges get it back as props. Listening to onSelectionChange instead races the props on a
 * remount and never settles.
 */
export function useDesignerCanvas(
  tabId: string,
  d: Designer,
  problems: ModelProblem[],
  matches: Set<string> | null,
  showInspector: () => void,
  connect: (c: Connection) => void,
) {
  const { doc } = d
  const toNodes = (prev: TableNodeType[]) => buildNodes(prev, doc, problems, matches, d.selection.tables)
  // Built on the first render too, so React Flow never starts from an empty frame.
  const [nodes, setNodes] = useState<TableNodeType[]>(() => toNodes([]))
  useEffect(() => {
    setNodes((prev) => toNodes(prev))
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [doc, problems, matches, d.selection.tables])

  // Edges follow the document's positions, not the live drag: dragging one table re-renders its own edges only.
  const compact = useCompact()
  const edges = useMemo(() => buildEdges(doc, d.selection.fk, compact), [doc, d.selection.fk, compact])

  const onNodesChange = useCallback(
    (changes: NodeChange<TableNodeType>[]) => {
      // Removal goes through the document (undoable), not React Flow's own state.
      setNodes((ns) =>
        applyNodeChanges(
          changes.filter((c) => c.type !== 'remove'),
          ns,
        ),
      )
      const picks = changes.filter((c) => c.type === 'select')
      if (!picks.length) return
      const cur = new Set(designer(tabId).selection.tables)
      for (const c of picks)
        if (c.selected) cur.add(c.id)
        else cur.delete(c.id)
      const tables = designer(tabId)
        .doc.tables.map((t) => t.id)
        .filter((id) => cur.has(id))
      select(tabId, tables.length ? { tables, fk: null } : { tables })
      if (tables.length) showInspector()
    },
    [tabId, showInspector],
  )
  const onEdgesChange = useCallback(
    (changes: EdgeChange<RelationEdgeType>[]) => {
      for (const c of changes) {
        if (c.type !== 'select') continue
        const [table, fk] = c.id.split('|')
        if (c.selected) {
          select(tabId, { tables: [], fk: { table, fk } })
          showInspector()
        } else if (designer(tabId).selection.fk?.fk === fk) select(tabId, { fk: null })
      }
    },
    [tabId, showInspector],
  )
  const onDragStop = useCallback(
    (_: unknown, __: unknown, dragged: TableNodeType[]) => {
      const pos: Record<string, { x: number; y: number }> = {}
      for (const n of dragged) pos[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) }
      edit(tabId, (x) => moveTables(x, pos))
    },
    [tabId],
  )
  const onConnectEnd = useCallback(
    (event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
      // Dropped on a table (or one of its columns) rather than exactly on a handle: connect to it anyway.
      if (state.isValid || !state.fromNode) return
      const pt = 'changedTouches' in event ? event.changedTouches[0] : event
      const el = document.elementFromPoint(pt.clientX, pt.clientY)
      const node = el?.closest<HTMLElement>('.react-flow__node')
      const row = el?.closest<HTMLElement>('[data-colid]')
      const target = node?.dataset.id
      if (!target || target === state.fromNode.id) return
      connect({
        source: state.fromNode.id,
        sourceHandle: state.fromHandle?.id ?? null,
        target,
        targetHandle: row ? `${row.dataset.colid}:l` : null,
      })
    },
    [connect],
  )
  return { nodes, edges, onNodesChange, onEdgesChange, onDragStop, onConnectEnd }
}
