import { dataApi } from './api'
import { useEffect, useState } from 'react'
import type { TableRef } from '../../../src-shared/grid'
import { formatCell, type Cell } from '../../../src-shared/values'
import { errorMessage } from '../../bridge/client'

type Rel = { name: string; kind: string; target: string; columns: string[]; rows: Cell[][]; sql: string[] }

/** The selected row's related rows, loaded through the ORM session's relationships. */
export function RelatedPanel({
  handle,
  table,
  rowKey,
  onOpen,
}: {
  handle: string
  table: TableRef
  rowKey: Cell[] | null
  onOpen: (target: string) => void
}) {
  const [strategy, setStrategy] = useState<'select' | 'joined' | 'selectin' | 'subquery'>('selectin')
  const [rels, setRels] = useState<Rel[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  // The key by value: a new array with the same cells is the same row.
  const keyJson = JSON.stringify(rowKey)
  useEffect(() => {
    const key = JSON.parse(keyJson) as Cell[] | null
    if (!key) return
    let live = true
    setRels(null)
    setError(null)
    dataApi
      .related({ handle, table, key, strategy })
      .then((r) => live && setRels(r))
      .catch((e) => live && setError(errorMessage(e)))
    return () => {
      live = false
    }
  }, [handle, table, keyJson, strategy])
  return (
    <aside className="related-panel" data-testid="related-panel">
      <header className="sp-head">
        <strong>Related rows</strong>
        <select
          value={strategy}
          onChange={(e) => setStrategy(e.target.value as typeof strategy)}
          title="Loading strategy"
          data-testid="related-strategy"
        >
          <option value="select">lazy="select"</option>
          <option value="joined">joinedload</option>
          <option value="selectin">selectinload</option>
          <option value="subquery">subqueryload</option>
        </select>
      </header>
      <div className="sp-body">
        {!rowKey && <div className="muted small">Select a row to see what it is related to.</div>}
        {error && <div className="feedback error">{error}</div>}
        {rowKey && !rels && !error && <div className="muted small">Loading…</div>}
        {rels?.length === 0 && <div className="muted small">This table has no relationships.</div>}
        {rels?.map((r) => (
          <section key={r.name} className="sp-section" data-testid={`related-${r.name}`}>
            <h4>
              {r.name} <span className="muted small">{r.kind} → </span>
              <button className="link small" onClick={() => onOpen(r.target)}>
                {r.target}
              </button>
              <span className="count">{r.rows.length}</span>
            </h4>
            {r.rows.length === 0 ? (
              <div className="muted small">none</div>
            ) : (
              <table className="grid-table mini">
                <thead>
                  <tr>
                    {r.columns.slice(0, 4).map((c) => (
                      <th key={c}>{c}</th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {r.rows.map((row, i) => (
                    <tr key={i}>
                      {row.slice(0, 4).map((v, j) => (
                        <td key={j} className="mono small">
                          {formatCell(v)}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
            <div className="related-sql mono small muted">
              {r.sql.map((s, i) => (
                <div key={i}>{s}</div>
              ))}
            </div>
          </section>
        ))}
      </div>
    </aside>
  )
}
