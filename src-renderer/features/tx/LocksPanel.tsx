import { useEffect, useState } from 'react'
import type { ConsoleLocks, HeldLock } from '../../../src-shared/tx'
import { errorMessage } from '../../bridge/client'
import { txApi } from './api'

/** What each kind of lock covers, in words (InnoDB). */
const KIND: Record<HeldLock['kind'], { label: string; means: string }> = {
  table: { label: 'table', means: 'the whole table; IX and IS only announce row locks to come' },
  record: { label: 'record', means: 'the index record (the row) only, not the gap before it' },
  gap: { label: 'gap', means: 'the gap before the record: nothing can be inserted there, the record itself is free' },
  'next-key': {
    label: 'next-key',
    means: 'the record and the gap before it (how REPEATABLE READ keeps a range it read stable)',
  },
  'insert-intention': {
    label: 'insert intention',
    means: 'an INSERT asking to go into the gap before the record; it waits while another holds that gap',
  },
}

/**
 * The locks each pane's transaction holds and waits for (InnoDB), read again after every step:
 * what a range read locked (next-key and gap locks), what a write locked, and what a waiting
 * INSERT asks for. The pane whose button opened it comes first.
 */
export function LocksPanel({
  consoleId,
  pane,
  version,
  onClose,
}: {
  consoleId: string
  pane: string
  /** Changes with every step, so the list follows the console. */
  version: number
  onClose: () => void
}) {
  const [view, setView] = useState<ConsoleLocks | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    txApi
      .locks({ consoleId })
      .then((v) => live && (setView(v), setError(null)))
      .catch((e) => live && setError(errorMessage(e)))
    return () => {
      live = false
    }
  }, [consoleId, version])
  const panes = view ? [...view.panes].sort((a, b) => Number(b.pane === pane) - Number(a.pane === pane)) : []
  return (
    <div className="mvcc-panel" data-testid="locks-panel">
      <div className="mvcc-head">
        <strong>Locks each pane holds</strong>
        <span className="muted small">read from InnoDB after every step</span>
        <span className="spacer" />
        <button className="link small" onClick={onClose}>
          close
        </button>
      </div>
      {error && <div className="step-error">{error}</div>}
      {view && (
        <table className="mvcc-table locks-table">
          <thead>
            <tr>
              <th>pane</th>
              <th>table</th>
              <th>index</th>
              <th>lock</th>
              <th>mode</th>
              <th>record</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {panes.flatMap((p) =>
              p.locks.length === 0
                ? [
                    <tr key={p.pane} data-testid={`locks-${p.pane}`}>
                      <td>{p.pane}</td>
                      <td colSpan={6} className="muted">
                        no locks
                      </td>
                    </tr>,
                  ]
                : p.locks.map((l, i) => (
                    <tr
                      key={`${p.pane}-${i}`}
                      className={l.waiting ? 'unseen' : 'seen'}
                      data-testid={`locks-${p.pane}`}
                    >
                      <td>{i === 0 ? p.pane : ''}</td>
                      <td className="mono">{l.table}</td>
                      <td className="mono">{l.index ?? ''}</td>
                      <td title={KIND[l.kind].means}>{KIND[l.kind].label}</td>
                      <td className="mono" title={l.mode === 'X' || l.mode === 'IX' ? 'exclusive' : 'shared'}>
                        {l.mode}
                      </td>
                      <td className="mono">
                        {l.key === 'supremum' ? <span title="past the last record of the index">supremum</span> : l.key}
                      </td>
                      <td>{l.waiting ? <span className="xs in-progress">waiting</span> : ''}</td>
                    </tr>
                  )),
            )}
          </tbody>
        </table>
      )}
      {view?.note && <div className="small muted">{view.note}</div>}
    </div>
  )
}
