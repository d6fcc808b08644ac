import { useState } from 'react'
import type { ModelDocument, ModelTable } from '../../../../src-shared/model/document'
import { updateTable } from '../../../../src-shared/model/edit'
import { Icon } from '../../../ui/icons'
import { edit } from '../designer-store'

/** A table's indexes, and a new one on the columns typed (named ix_<table>_<columns>, made unique in the model). */
export function IndexList({ tabId, table: t, doc }: { tabId: string; table: ModelTable; doc: ModelDocument }) {
  const [ixCols, setIxCols] = useState('')
  return (
    <>
      <div className="dz-section-head">
        <h5>Indexes</h5>
      </div>
      {t.indexes.map((ix) => (
        <div key={ix.name} className="dz-inline small">
          <code>{ix.name}</code> ({ix.columns.join(', ')}){ix.unique ? ' unique' : ''}
          <span className="spacer" />
          <button
            className="icon-button"
            title="Drop index"
            onClick={() => edit(tabId, (d) => updateTable(d, t.id, { indexes: t.indexes.filter((x) => x !== ix) }))}
          >
            <Icon name="close" size={12} />
          </button>
        </div>
      ))}
      <div className="dz-inline">
        <input placeholder="columns, comma-separated" value={ixCols} onChange={(e) => setIxCols(e.target.value)} />
        <button
          className="btn small"
          disabled={!ixCols.trim()}
          onClick={() => {
            const columns = ixCols
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
            const taken = new Set(doc.tables.flatMap((x) => x.indexes.map((i) => i.name)))
            let name = `ix_${t.name}_${columns.join('_')}`
            for (let n = 2; taken.has(name); n++) name = `ix_${t.name}_${columns.join('_')}_${n}`
            if (
              edit(tabId, (d) =>
                updateTable(d, t.id, { indexes: [...t.indexes, { name, columns, unique: false, where: null }] }),
              )
            )
              setIxCols('')
          }}
        >
          Add index
        </button>
      </div>
    </>
  )
}

/** A table's CHECK constraints, and a new one. */
export function CheckList({ tabId, table: t }: { tabId: string; table: ModelTable }) {
  const [check, setCheck] = useState('')
  return (
    <>
      <div className="dz-section-head">
        <h5>Checks</h5>
      </div>
      {t.checks.map((ck, i) => (
        <div key={i} className="dz-inline small">
          <code>CHECK ({ck.expression})</code>
          <span className="spacer" />
          <button
            className="icon-button"
            title="Drop check"
            onClick={() => edit(tabId, (d) => updateTable(d, t.id, { checks: t.checks.filter((x) => x !== ck) }))}
          >
            <Icon name="close" size={12} />
          </button>
        </div>
      ))}
      <div className="dz-inline">
        <input
          className="mono"
          placeholder="e.g. price >= 0"
          value={check}
          onChange={(e) => setCheck(e.target.value)}
        />
        <button
          className="btn small"
          disabled={!check.trim()}
          onClick={() => {
            if (
              edit(tabId, (d) =>
                updateTable(d, t.id, { checks: [...t.checks, { name: null, expression: check.trim() }] }),
              )
            )
              setCheck('')
          }}
        >
          Add check
        </button>
      </div>
    </>
  )
}
