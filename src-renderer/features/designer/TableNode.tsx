import { memo } from 'react'
import { Handle, Position, useStore, type NodeProps, type Node } from '@xyflow/react'
import type { ModelTable } from '../../../src-shared/model/document'
import { NODE_HEADER, NODE_ROW, NODE_WIDTH, nodeHeight } from '../../../src-shared/model/layout'
import { Icon } from '../../ui/icons'
import { typeLabel } from '../../../src-shared/schema'

export type TableNodeData = {
  table: ModelTable
  /** Columns that are part of a foreign key. */
  fkColumns: Set<string>
  problems: 'error' | 'warning' | null
  highlight: boolean
}
export type TableNodeType = Node<TableNodeData, 'table'>

/**
 * Below this zoom a column row is a few pixels high and cannot be read: tables are drawn as their
 * name over an empty body of the same size, and relationships join the tables, not the columns.
 * A whole 1,000-table model in view then stays smooth to pan and drag.
 */
export const COMPACT_ZOOM = 0.35
export const useCompact = () => useStore((s) => s.transform[2] < COMPACT_ZOOM)

/** One table on the canvas: its name, then a row per column with type and markers, and a handle on each side of every row. */
export const TableNode = memo(function TableNode({ data, selected }: NodeProps<TableNodeType>) {
  const t = data.table
  const compact = useCompact()
  return (
    <div
      className={`dz-node${selected ? ' selected' : ''}${t.association ? ' association' : ''}${data.highlight ? ' highlight' : ''}`}
      style={{ width: NODE_WIDTH }}
      data-testid={`dz-table-${t.name}`}
    >
      <div
        className="dz-head"
        style={{ height: NODE_HEADER }}
        title={`${t.className} → ${t.schema ? `${t.schema}.` : ''}${t.name}`}
      >
        <Handle type="source" position={Position.Right} id="table" className="dz-handle dz-table-handle" />
        <Handle type="target" position={Position.Left} id="table-in" className="dz-handle dz-table-handle" />
        <span className="dz-name">{t.name}</span>
        {t.association ? <span className="dz-tag">m:n</span> : t.base ? <span className="dz-tag">Base</span> : null}
        {data.problems && (
          <span className={`dz-problem ${data.problems}`} title="See Problems">
            !
          </span>
        )}
      </div>
      {compact ? (
        <div
          className="dz-compact"
          style={{ height: nodeHeight(t) - NODE_HEADER }}
          title={`${t.columns.length} columns`}
        />
      ) : (
        t.columns.map((c) => {
          const pk = c.primaryKey > 0
          const fk = data.fkColumns.has(c.name)
          return (
            <div
              key={c.id}
              className="dz-row"
              style={{ height: NODE_ROW }}
              data-colid={c.id}
              data-testid={`dz-col-${t.name}-${c.name}`}
            >
              <Handle type="target" position={Position.Left} id={`${c.id}:l`} className="dz-handle" />
              <span className="dz-marks">
                {pk ? (
                  <Icon name="key" size={11} className="pk" />
                ) : fk ? (
                  <Icon name="link" size={11} className="fk" />
                ) : null}
              </span>
              <span className={`dz-col${pk ? ' pk' : ''}`}>{c.name}</span>
              <span className="dz-type">
                {typeLabel(c)}
                {c.nullable && !pk ? '?' : ''}
              </span>
              <span className="dz-flags">
                {c.unique && <span title="unique">U</span>}
                {c.autoincrement && <span title="autoincrement">AI</span>}
                {(c.serverDefault != null || c.appDefault !== undefined) && (
                  <span title={`default: ${c.serverDefault ?? JSON.stringify(c.appDefault)}`}>=</span>
                )}
              </span>
              <Handle type="source" position={Position.Right} id={`${c.id}:r`} className="dz-handle" />
            </div>
          )
        })
      )}
    </div>
  )
})
