import { useRef, useState } from 'react'
import type { QueryResult } from '../../../src-shared/query'
import { BridgeError, call } from '../../bridge/client'
import { useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { ResultTable } from '../../ui/ResultTable'
import { refreshSchema } from '../connections/actions'

const drafts = new Map<string, string>()

/** A SQL editor tab: run with Ctrl+Enter, cancel, see rows or the engine's error. */
export function QueryTab({ tabId, handle }: { tabId: string; handle: string }) {
  const conn = useApp((s) => s.open[handle])
  const [sql, setSql] = useState(() => drafts.get(tabId) ?? (conn?.engine === 'postgres' ? 'SELECT * FROM users;' : 'SELECT * FROM users;'))
  const [running, setRunning] = useState<string | null>(null)
  const [result, setResult] = useState<QueryResult | null>(null)
  const [error, setError] = useState<{ code: string; message: string } | null>(null)
  const area = useRef<HTMLTextAreaElement>(null)

  const statementToRun = () => {
    const el = area.current
    if (el && el.selectionStart !== el.selectionEnd) return sql.slice(el.selectionStart, el.selectionEnd)
    return sql
  }

  async function run() {
    const text = statementToRun().trim().replace(/;\s*$/, '')
    if (!text || running) return
    const queryId = `${tabId}:${Date.now()}`
    setRunning(queryId)
    setError(null)
    try {
      const r = await call('query.run', { handle, sql: text, queryId })
      setResult(r)
      if (/^(CREATE|DROP|ALTER)/i.test(r.command)) void refreshSchema(handle)
    } catch (e) {
      setResult(null)
      setError(e instanceof BridgeError ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: String(e) })
    } finally {
      setRunning(null)
    }
  }

  return (
    <div className="query-tab">
      <div className="toolbar">
        <button className="btn primary small" onClick={run} disabled={!!running} data-testid="run-query" title="Run (Ctrl+Enter)">
          <Icon name="play" size={12} /> Run
        </button>
        <button className="btn small" disabled={!running} onClick={() => running && call('query.cancel', { queryId: running })} title="Cancel the running statement">
          <Icon name="stop" size={12} /> Cancel
        </button>
        <span className="muted small">{conn ? `${conn.name} · ${conn.serverVersion}` : 'Disconnected'}</span>
        <span className="spacer" />
        <span className="muted small">Ctrl+Enter runs the selection, or everything</span>
      </div>
      <textarea
        ref={area}
        className="sql-input mono"
        spellCheck={false}
        value={sql}
        data-testid="sql-input"
        aria-label="SQL"
        onChange={(e) => {
          setSql(e.target.value)
          drafts.set(tabId, e.target.value)
        }}
        onKeyDown={(e) => {
          if ((e.ctrlKey || e.metaKey) && e.key === 'Enter') {
            e.preventDefault()
            void run()
          }
        }}
      />
      <div className="query-output">
        {running && (
          <div className="pane-note">
            <span className="spinner" /> Running…
          </div>
        )}
        {error && (
          <div className="error-box" role="alert" data-testid="query-error">
            <strong>{error.code}</strong> {error.message}
          </div>
        )}
        {result && !running && (
          <>
            <div className="result-meta muted small" data-testid="result-meta">
              {result.command} · {result.columns.length ? `${result.rows.length} rows` : `${result.rowCount} rows affected`} · {result.durationMs.toFixed(1)} ms
            </div>
            {result.columns.length > 0 && <ResultTable result={result} />}
          </>
        )}
      </div>
    </div>
  )
}
