import { memo } from 'react'
import { BaseEdge, EdgeLabelRenderer, getSmoothStepPath, Position, type Edge, type EdgeProps } from '@xyflow/react'

export type RelationEdgeData = {
  /** Cardinality at the referencing end ("N", or "1" for a unique key) and at the referenced end. */
  from: string
  to: string
  title: string
  optional: boolean
}
export type RelationEdgeType = Edge<RelationEdgeData, 'relation'>

const OFFSET = 14

function labelAt(x: number, y: number, side: Position): { x: number; y: number } {
  return { x: x + (side === Position.Right ? OFFSET : -OFFSET), y: y - 9 }
}

/** A foreign key from column to column, with its cardinality written at both ends (N at the many side). */
export const RelationEdge = memo(function RelationEdge(p: EdgeProps<RelationEdgeType>) {
  const [path] = getSmoothStepPath({
    sourceX: p.sourceX,
    sourceY: p.sourceY,
    sourcePosition: p.sourcePosition,
    targetX: p.targetX,
    targetY: p.targetY,
    targetPosition: p.targetPosition,
    borderRadius: 10,
  })
  const s = labelAt(p.sourceX, p.sourceY, p.sourcePosition)
  const t = labelAt(p.targetX, p.targetY, p.targetPosition)
  return (
    <>
      <BaseEdge
        id={p.id}
        path={path}
        className={`dz-edge${p.selected ? ' selected' : ''}${p.data?.optional ? ' optional' : ''}`}
        interactionWidth={14}
      />
      {p.data && (
        <EdgeLabelRenderer>
          <span
            className="dz-card nodrag nopan"
            style={{ transform: `translate(-50%, 0) translate(${s.x}px, ${s.y}px)` }}
          >
            {p.data.from}
          </span>
          <span
            className="dz-card nodrag nopan"
            style={{ transform: `translate(-50%, 0) translate(${t.x}px, ${t.y}px)` }}
          >
            {p.data.to}
          </span>
        </EdgeLabelRenderer>
      )}
    </>
  )
})
