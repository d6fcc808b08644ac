import { TABLE_NAMING, type TableNaming } from '../../../src-shared/naming'
import type { ModelDocument } from '../../../src-shared/model/document'
import { moveTable, setNaming } from '../../../src-shared/model/edit'
import type { ModelProblem } from '../../../src-shared/model/validate'
import { Icon } from '../../ui/icons'
import { edit, select } from './designer-store'
import { ForeignKeyEditor } from './inspector/ForeignKeyEditor'
import { TableEditor } from './inspector/TableEditor'

const NAMING_LABEL: Record<TableNaming, string> = {
  snake_plural: 'snake_case plural (UserProfile → user_profiles)',
  class: "the notes' Base: class name lower-cased (UserProfile → userprofile)",
  manual: 'typed by hand',
}

/** The right-hand editor: the selected table's columns and constraints, a relationship's options, or the document's settings. */
export function Inspector({
  tabId,
  doc,
  tableId,
  fk,
  problems,
}: {
  tabId: string
  doc: ModelDocument
  tableId: string | null
  fk: { table: string; fk: string } | null
  problems: ModelProblem[]
}) {
  if (fk) {
    const t = doc.tables.find((x) => x.id === fk.table)
    const f = t?.foreignKeys.find((x) => x.id === fk.fk)
    if (t && f) return <ForeignKeyEditor tabId={tabId} table={t} fkId={f.id} doc={doc} />
  }
  const t = tableId ? doc.tables.find((x) => x.id === tableId) : undefined
  if (t) return <TableEditor tabId={tabId} table={t} doc={doc} problems={problems.filter((p) => p.tableId === t.id)} />
  return <DocumentSettings tabId={tabId} doc={doc} />
}

function DocumentSettings({ tabId, doc }: { tabId: string; doc: ModelDocument }) {
  const rels = doc.tables.reduce((n, t) => n + t.foreignKeys.length, 0)
  return (
    <div className="dz-inspector">
      <h4>Model</h4>
      <label className="field">
        <span>Name</span>
        <input value={doc.name} onChange={(e) => edit(tabId, (d) => ({ ...d, name: e.target.value }), 'doc-name')} />
      </label>
      <label className="field">
        <span>Table names follow</span>
        <select
          value={doc.naming}
          onChange={(e) => edit(tabId, (d) => setNaming(d, e.target.value as TableNaming))}
          data-testid="dz-naming"
        >
          {TABLE_NAMING.map((n) => (
            <option key={n} value={n}>
              {NAMING_LABEL[n]}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small">
        {doc.tables.length} table{doc.tables.length === 1 ? '' : 's'}, {rels} foreign key{rels === 1 ? '' : 's'}. Select
        a table to edit it; drag from a column's dot to another table's column (or from a table's header to another
        table) to draw a relationship.
      </p>
      {doc.tables.length > 0 && (
        <>
          <div className="dz-section-head">
            <h5>Tables</h5>
            <span className="muted small">in the order code is exported</span>
          </div>
          <ol className="dz-outline" data-testid="dz-outline">
            {doc.tables.map((t, i) => (
              <li key={t.id}>
                <button
                  className="dz-outline-name"
                  onClick={() => select(tabId, { tables: [t.id], fk: null })}
                  title={`Select ${t.name}`}
                >
                  <Icon name="table" size={12} /> {t.schema ? `${t.schema}.` : ''}
                  {t.name}{' '}
                  <span className="muted small" title="columns">
                    {t.columns.length}
                  </span>
                </button>
                <button
                  className="icon-button"
                  title="Move up"
                  aria-label={`Move ${t.name} up`}
                  disabled={i === 0}
                  onClick={() => edit(tabId, (d) => moveTable(d, t.id, i - 1))}
                >
                  ↑
                </button>
                <button
                  className="icon-button"
                  title="Move down"
                  aria-label={`Move ${t.name} down`}
                  disabled={i === doc.tables.length - 1}
                  onClick={() => edit(tabId, (d) => moveTable(d, t.id, i + 1))}
                >
                  ↓
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  )
}
