import { useCallback, useEffect, useState } from 'react'
import type { ConsoleHistoryCheck } from '../../../src-shared/tx'
import { errorMessage } from '../../bridge/client'
import { Icon } from '../../ui/icons'
import { txApi } from './api'
import { HistoryFindings } from './HistoryCheck'

/**
 * The console session so far, checked as a history: the anomalies the checker found with the
 * smallest cycle drawn, or the serial order it is equivalent to; the transactions it saw; and the
 * steps it could not record, with the reason. Checked when opened and on "Check again"; says so
 * when the timeline has moved on since.
 */
export function ConsoleHistory({
  consoleId,
  version,
  onClose,
}: {
  consoleId: string
  /** How many steps have finished: a check of fewer is out of date. */
  version: number
  onClose: () => void
}) {
  const [check, setCheck] = useState<{ at: number; result: ConsoleHistoryCheck } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const run = useCallback(async () => {
    setBusy(true)
    setError(null)
    try {
      setCheck({ at: version, result: await txApi.checkHistory({ consoleId }) })
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }, [consoleId, version])
  useEffect(() => {
    void run()
    // eslint-disable-next-line react-hooks/exhaustive-deps -- checked once when opened; later on request
  }, [consoleId])
  const r = check?.result
  return (
    <section className="console-history" data-testid="console-history">
      <div className="console-history-head">
        <strong>This session as a history</strong>
        <span className="muted small">
          each pane&apos;s transactions, the rows&apos; columns they read and wrote, in the order they committed
        </span>
        <span className="spacer" />
        {check && check.at !== version && (
          <span className="chip small warn" data-testid="history-stale">
            steps ran since
          </span>
        )}
        <button className="btn small" disabled={busy} onClick={() => void run()} data-testid="history-recheck">
          {busy ? <span className="spinner" /> : <Icon name="refresh" size={11} />} Check again
        </button>
        <button className="btn small ghost" onClick={onClose} aria-label="Close the history check">
          <Icon name="close" size={11} />
        </button>
      </div>
      {error && <div className="pane-note error">{error}</div>}
      {r && (
        <>
          <HistoryFindings check={r} title="Anomalies" />
          <div className="history-txns" data-testid="history-txns">
            {r.transactions.map((t) => (
              <span key={t.id} className={`chip small txn-${t.status}`} title={`Pane ${t.pane}`}>
                <strong className="mono">{t.id}</strong> {t.status} · {t.reads} read{t.reads === 1 ? '' : 's'},{' '}
                {t.writes} write{t.writes === 1 ? '' : 's'}
              </span>
            ))}
            {!r.transactions.length && <span className="muted small">No reads or writes of keyed rows yet.</span>}
          </div>
          {r.notes.length > 0 && (
            <details className="history-notes" data-testid="history-notes">
              <summary className="small">
                {r.notes.length} step{r.notes.length === 1 ? '' : 's'} recorded in part or not at all
              </summary>
              <ul>
                {r.notes.map((n, i) => (
                  <li key={i} className="small">
                    <span className="mono muted">#{n.entry}</span> <span className="mono">{n.sql}</span>: {n.note}
                  </li>
                ))}
              </ul>
            </details>
          )}
        </>
      )}
    </section>
  )
}
