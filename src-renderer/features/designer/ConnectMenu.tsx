import type { Connection } from '@xyflow/react'
import type { ModelDocument } from '../../../src-shared/model/document'
import { connect, RELATIONSHIP_KINDS, type RelationshipKind } from '../../../src-shared/model/edit'
import { edit } from './designer-store'

const KIND_LABEL: Record<RelationshipKind, string> = {
  'many-to-one': 'Many-to-one',
  'one-to-many': 'One-to-many',
  'one-to-one': 'One-to-one',
  'many-to-many': 'Many-to-many',
}

/** After a drag from one table (or column) to another: which relationship to draw. */
export function ConnectMenu({
  tabId,
  doc,
  conn,
  onDone,
}: {
  tabId: string
  doc: ModelDocument
  conn: Connection
  onDone: () => void
}) {
  const a = doc.tables.find((t) => t.id === conn.source)
  const b = doc.tables.find((t) => t.id === conn.target)
  const colOf = (h: string | null | undefined) => (h && h.includes(':') ? h.split(':')[0] : undefined)
  if (!a || !b) return null
  const fromColumn = colOf(conn.sourceHandle)
  const toColumn = colOf(conn.targetHandle)
  const fromName = fromColumn ? `${a.name}.${a.columns.find((c) => c.id === fromColumn)?.name}` : a.name
  const toName = toColumn ? `${b.name}.${b.columns.find((c) => c.id === toColumn)?.name}` : b.name
  const choose = (kind: RelationshipKind) => {
    const cols = kind === 'many-to-many' ? {} : { fromColumn, toColumn }
    edit(tabId, (x) => connect(x, { from: a.id, to: b.id, kind, ...cols }).doc)
    onDone()
  }
  const explain: Record<RelationshipKind, string> = {
    'many-to-one': `each ${a.name} row refers to one ${b.name} row (${fromColumn ? fromName : `a new ${a.name} column`} → ${toName})`,
    'one-to-many': `each ${a.name} row has many ${b.name} rows (the key goes on ${b.name})`,
    'one-to-one': `each ${a.name} row refers to at most one ${b.name} row, uniquely (uselist=False)`,
    'many-to-many': `an association table links ${a.name} and ${b.name}, both keys its primary key`,
  }
  return (
    <div className="dz-connect" role="dialog" aria-label="New relationship" data-testid="dz-connect">
      <strong>
        {fromName} → {toName}
      </strong>
      {RELATIONSHIP_KINDS.map((k) => (
        <button key={k} onClick={() => choose(k)} data-testid={`dz-kind-${k}`}>
          <span className="strong">{KIND_LABEL[k]}</span> <span className="muted small">{explain[k]}</span>
        </button>
      ))}
      <button className="btn small ghost" onClick={onDone}>
        Cancel
      </button>
    </div>
  )
}
