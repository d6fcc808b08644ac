import { useMemo } from 'react'
import { Handle, MarkerType, Position, ReactFlow, type Edge, type Node, type NodeProps } from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import type { HistoryCheck } from '../../../src-shared/tx'

type Anomaly = HistoryCheck['anomalies'][number]

const KIND_LABEL: Record<string, string> = { ww: 'ww', wr: 'wr', rw: 'rw' }
const KIND_TITLE: Record<string, string> = {
  ww: 'write → write: the second overwrote the first',
  wr: 'write → read: the second read what the first wrote',
  rw: 'read → write (anti-dependency): the first read a value the second then overwrote',
}

/** A transaction in the drawn cycle, with handles above and below for the arcs. */
function TxnNode({ data }: NodeProps<Node<{ label: string }>>) {
  return (
    <div className="cycle-node">
      <Handle id="top-in" type="target" position={Position.Top} />
      <Handle id="top-out" type="source" position={Position.Top} />
      {data.label}
      <Handle id="bottom-in" type="target" position={Position.Bottom} />
      <Handle id="bottom-out" type="source" position={Position.Bottom} />
    </div>
  )
}
const NODE_TYPES = { txn: TxnNode }

/**
 * A dependency cycle drawn left to right in cycle order: each edge to the next transaction arcs
 * above, and the edge that closes the cycle arcs back below (React Flow, read-only).
 */
export function CycleGraph({ anomaly }: { anomaly: Anomaly }) {
  const { nodes, edges } = useMemo(() => {
    const ids = anomaly.cycle.map((e) => e.from)
    const label = (e: Anomaly['cycle'][number]) =>
      `${KIND_LABEL[e.kind]} · ${keyLabel(e.key)}${e.predicate ? ' (predicate)' : ''}`
    // Far enough apart that each arc shows on both sides of its label (a console's keys are long: `wallet(1).balance`).
    const gap = Math.max(150, 80 + 7.5 * Math.max(...anomaly.cycle.map((e) => label(e).length)))
    const nodes: Node[] = ids.map((id, i) => ({
      id,
      type: 'txn',
      position: { x: i * gap, y: 0 },
      data: { label: id },
      draggable: false,
      selectable: false,
    }))
    const edges: Edge[] = anomaly.cycle.map((e, i) => {
      const closing = i === anomaly.cycle.length - 1
      return {
        id: `${i}`,
        source: e.from,
        target: e.to,
        sourceHandle: closing ? 'bottom-out' : 'top-out',
        targetHandle: closing ? 'bottom-in' : 'top-in',
        label: label(e),
        className: `cycle-edge ${e.kind}`,
        markerEnd: { type: MarkerType.ArrowClosed, width: 16, height: 16 },
        type: 'default',
      }
    })
    return { nodes, edges }
  }, [anomaly])
  return (
    <div className="cycle-graph" data-testid="cycle-graph">
      <ReactFlow
        nodes={nodes}
        edges={edges}
        nodeTypes={NODE_TYPES}
        fitView
        fitViewOptions={{ padding: 0.2 }}
        nodesConnectable={false}
        nodesDraggable={false}
        elementsSelectable={false}
        panOnDrag={false}
        zoomOnScroll={false}
        zoomOnPinch={false}
        zoomOnDoubleClick={false}
        preventScrolling={false}
        proOptions={{ hideAttribution: true }}
      />
    </div>
  )
}

const keyLabel = (k: string) => (/^\d+$/.test(k) ? `row ${k}` : k)

/** What the history checker found in a run: the anomalies with their smallest cycle, or the serial order. */
export function HistoryFindings({ check, title = 'History check' }: { check: HistoryCheck; title?: string }) {
  const first = check.anomalies.find((a) => a.cycle.length) ?? null
  return (
    <section className="history-check" data-testid="history-check">
      <h4>
        {title}
        <span className="muted small"> · Adya's dependency graph of the recorded reads and writes</span>
      </h4>
      {check.anomalies.length === 0 ? (
        <p className="history-ok" data-testid="history-serializable">
          Serializable
          {check.serialOrder?.length ? (
            <>
              : equivalent to running <span className="mono">{check.serialOrder.join(' → ')}</span> one after another.
            </>
          ) : (
            '.'
          )}
        </p>
      ) : (
        <div className="history-found">
          <ul className="history-anomalies" data-testid="history-anomalies">
            {check.anomalies.map((a, i) => (
              <li key={i}>
                <span className="pill anomaly-name">{a.name}</span> {a.explanation}
              </li>
            ))}
          </ul>
          {first && <CycleGraph anomaly={first} />}
        </div>
      )}
      <p className="muted small history-legend">
        {Object.entries(KIND_TITLE).map(([k, t]) => (
          <span key={k} className={`legend-${k}`}>
            <strong>{k}</strong> {t}
          </span>
        ))}
      </p>
    </section>
  )
}
