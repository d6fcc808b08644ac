import { txApi } from './api'
import { useState } from 'react'
import type { MvccView } from '../../../src-shared/tx'
import type { Table } from '../../../src-shared/schema'
import { errorMessage } from '../../bridge/client'

function explainSnapshot(snapshot: string | null, xid: string | null): string {
  if (!snapshot) return ''
  const [xmin, xmax, xip] = snapshot.split(':')
  const running = xip ? xip.split(',').filter(Boolean) : []
  return `Snapshot ${snapshot}: transactions below ${xmin} had finished; ${xmax} and later had not started${running.length ? `; ${running.join(', ')} were still running` : ''}. Those it cannot see.${xid ? ` This transaction is ${xid}.` : ' This transaction has no id yet (it has not written).'}`
}

/**
 * A pane's view of a table's row versions (PostgreSQL): each version's ctid, the transaction
 * that created it (xmin) and the one that deleted or replaced it (xmax), their commit status,
 * and whether this pane's snapshot sees it.
 */
export function MvccPanel({
  consoleId,
  pane,
  tables,
  onClose,
}: {
  consoleId: string
  pane: string
  tables: Table[]
  onClose: () => void
}) {
  const [table, setTable] = useState(tables[0] ? `${tables[0].schema ?? ''}.${tables[0].name}` : '')
  const [view, setView] = useState<MvccView | null>(null)
  const [error, setError] = useState<string | null>(null)
  const look = async () => {
    const t = tables.find((x) => `${x.schema ?? ''}.${x.name}` === table)
    if (!t) return
    setError(null)
    try {
      setView(await txApi.rowVersions({ consoleId, pane, table: { schema: t.schema, name: t.name } }))
    } catch (e) {
      setError(errorMessage(e))
    }
  }
  return (
    <div className="mvcc-panel" data-testid={`mvcc-${pane}`}>
      <div className="mvcc-head">
        <strong>Row versions, as pane {pane} sees them</strong>
        <select value={table} onChange={(e) => setTable(e.target.value)} data-testid={`mvcc-table-${pane}`}>
          {tables.map((t) => (
            <option key={`${t.schema ?? ''}.${t.name}`} value={`${t.schema ?? ''}.${t.name}`}>
              {t.name}
            </option>
          ))}
        </select>
        <button
          className="btn small"
          onClick={() => void look()}
          data-testid={`mvcc-look-${pane}`}
          title={`Read in pane ${pane}'s transaction (under REPEATABLE READ this takes its snapshot, if it had none yet)`}
        >
          Look
        </button>
        <span className="spacer" />
        <button className="link small" onClick={onClose}>
          close
        </button>
      </div>
      {error && <div className="step-error">{error}</div>}
      {view && (
        <>
          <div className="small muted mvcc-snap" data-testid={`mvcc-snapshot-${pane}`}>
            {explainSnapshot(view.snapshot, view.xid)}
          </div>
          <table className="mvcc-table">
            <thead>
              <tr>
                <th>ctid</th>
                <th title="The transaction that created this version">xmin</th>
                <th title="The transaction that deleted, replaced or locked this version (— for none)">xmax</th>
                <th title="Does this pane's snapshot see this version?">seen</th>
                <th>row</th>
              </tr>
            </thead>
            <tbody>
              {view.versions.map((v) => (
                <tr key={v.ctid} className={v.visible ? 'seen' : 'unseen'}>
                  <td className="mono">{v.ctid}</td>
                  <td className="mono" title={v.xminStatus ?? ''}>
                    {v.xmin}
                    {v.xminStatus && <span className={`xs ${v.xminStatus.replace(' ', '-')}`}> {v.xminStatus}</span>}
                  </td>
                  <td className="mono" title={v.xmax === '0' ? 'not deleted or updated' : (v.xmaxStatus ?? '')}>
                    {v.xmax === '0' ? '—' : v.xmax}
                    {v.xmaxStatus && <span className={`xs ${v.xmaxStatus.replace(' ', '-')}`}> {v.xmaxStatus}</span>}
                  </td>
                  <td>{v.visible ? '✓' : '✗'}</td>
                  <td className="mono small row-json" title={v.row ? JSON.stringify(v.row, null, 1) : undefined}>
                    {v.row ? JSON.stringify(v.row) : <span className="muted">not visible to this snapshot</span>}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          {view.note && <div className="small muted">{view.note}</div>}
        </>
      )}
    </div>
  )
}
