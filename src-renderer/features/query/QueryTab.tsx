import { useCallback, useRef, useState } from 'react'
import type { ExplainResult, HistoryEntry } from '../../../src-shared/plan'
import type { QueryResult } from '../../../src-shared/query'
import { statementAt } from '../../../src-shared/sql-split'
import { BridgeError, call } from '../../bridge/client'
import { setState, useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { ResultTable } from '../../ui/ResultTable'
import { SqlEditor, type SqlEditorHandle } from '../../ui/SqlEditor'
import { ReconnectButton } from '../connections/ReconnectButton'
import { refreshSchema } from '../connections/actions'
import { PlanTree } from './PlanTree'
import { ResultGrid } from './ResultGrid'
import { pendingCount } from '../grid/grid-store'

const drafts = new Map<string, string>()

/** Follow BEGIN / COMMIT / ROLLBACK on the connection, for the status bar. */
function trackTransaction(handle: string, command: string, sql: string) {
  const tag = command.toUpperCase()
  const next = tag === 'BEGIN' || tag === 'START' ? 'in transaction' : (tag === 'COMMIT' || tag === 'ROLLBACK' || tag === 'END') && !/^\s*ROLLBACK\s+TO/i.test(sql) ? 'auto-commit' : null
  if (next) setState((s) => ({ txState: { ...s.txState, [handle]: next } }))
}

/** A SQL editor tab: the statement under the cursor (or the selection) runs with Ctrl+Enter. */
export function QueryTab({ tabId, handle }: { tabId: string; handle: string }) {
  const conn = useApp((s) => s.open[handle])
  const schemaEntry = useApp((s) => s.schemas[handle])
  const schema = schemaEntry?.state === 'ready' ? schemaEntry.schema : null
  const [running, setRunning] = useState<string | null>(null)
  const [result, setResult] = useState<QueryResult | null>(null)
  const [plan, setPlan] = useState<ExplainResult | null>(null)
  const [error, setError] = useState<{ code: string; message: string } | null>(null)
  const [history, setHistory] = useState<HistoryEntry[] | null>(null)
  const [ran, setRan] = useState<string>('')
  const editor = useRef<SqlEditorHandle | null>(null)
  const initial = drafts.get(tabId) ?? 'SELECT * FROM users;'

  const target = () => {
    const cur = editor.current?.current()
    if (!cur) return ''
    if (cur.selection.trim()) return cur.selection.trim()
    return statementAt(cur.text, cur.cursor)?.text ?? ''
  }

  const gridId = `${tabId}:result`
  async function run(explain?: 'plan' | 'analyze', again?: string) {
    const text = again ?? target()
    if (!text || running) return
    const pending = again ? 0 : pendingCount(gridId)
    if (pending && !confirm(`The result has ${pending} pending edit(s). Running another statement discards them, unless its rows come from the same table. Run it?`)) return
    const queryId = `${tabId}:${Date.now()}`
    setRunning(queryId)
    setError(null)
    setRan(text)
    try {
      if (explain) {
        setPlan(await call('query.explain', { handle, sql: text, analyze: explain === 'analyze' }))
        setResult(null)
      } else {
        const r = await call('query.run', { handle, sql: text, queryId })
        setResult(r)
        trackTransaction(handle, r.command, text)
        setPlan(null)
        if (/^(CREATE|DROP|ALTER)/i.test(r.command)) void refreshSchema(handle)
      }
    } catch (e) {
      setResult(null)
      setPlan(null)
      if (conn?.engine === 'postgres' && useApp.getState().txState[handle] === 'in transaction') setState((st) => ({ txState: { ...st.txState, [handle]: 'failed' } }))
      setError(e instanceof BridgeError ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: String(e) })
    } finally {
      setRunning(null)
    }
  }

  // After a commit from the result grid the same statement runs again (stable for the grid).
  const ranRef = useRef('')
  ranRef.current = ran
  const runRef = useRef(run)
  runRef.current = run
  const rerun = useCallback(() => runRef.current(undefined, ranRef.current), [])

  return (
    <div className="query-tab">
      <div className="toolbar">
        <button className="btn primary small" onClick={() => run()} disabled={!!running} data-testid="run-query" title="Run the statement under the cursor, or the selection (Ctrl+Enter)">
          <Icon name="play" size={12} /> Run
        </button>
        <button className="btn small" disabled={!running} onClick={() => running && call('query.cancel', { queryId: running })} title="Cancel the running statement">
          <Icon name="stop" size={12} /> Cancel
        </button>
        <span className="sep-v" />
        <button className="btn small ghost" onClick={() => run('plan')} disabled={!!running} data-testid="explain">
          Explain
        </button>
        <button className="btn small ghost" onClick={() => run('analyze')} disabled={!!running} data-testid="explain-analyze" title={conn?.engine === 'postgres' ? 'Runs the statement in a transaction that is rolled back' : 'SQLite has no timed plans'}>
          Explain analyze
        </button>
        <button className="btn small ghost" onClick={async () => setHistory(history ? null : await call('query.history', { handle }))} data-testid="history">
          History
        </button>
        <span className="spacer" />
        <span className="muted small">{conn ? `${conn.name} · ${conn.serverVersion}` : 'Disconnected'}</span>
      </div>
      <div className="query-split">
        <div className="query-editor-wrap">
          <SqlEditor
            initial={initial}
            engine={conn?.engine ?? 'sqlite'}
            schema={schema}
            onChange={(t) => drafts.set(tabId, t)}
            onRun={() => run()}
            handleRef={editor}
          />
        </div>
        {history && (
          <div className="history-panel" data-testid="history-panel">
            <div className="muted small pad">Click a statement to put it in the editor's clipboard… or copy it.</div>
            {history.length === 0 && <div className="muted small pad">Nothing run on this connection yet.</div>}
            {history.map((h, i) => (
              <div key={i} className={`history-item${h.error ? ' err' : ''}`} onClick={() => navigator.clipboard?.writeText(h.sql).catch(() => {})} title="Copy">
                <div className="mono small">{h.sql.slice(0, 300)}</div>
                <div className="muted small">
                  {new Date(h.at).toLocaleString()} · {h.error ? h.error.slice(0, 80) : `${h.rows} rows · ${h.durationMs.toFixed(1)} ms`}
                </div>
              </div>
            ))}
          </div>
        )}
      </div>
      <div className="query-output">
        {running && (
          <div className="pane-note">
            <span className="spinner" /> Running…
          </div>
        )}
        {error && (
          <div className="error-box" role="alert" data-testid="query-error">
            <strong>{error.code}</strong> {error.message} <ReconnectButton handle={handle} />
          </div>
        )}
        {plan && !running && <PlanTree plan={plan} />}
        {result && !running && (
          <>
            <div className="result-meta muted small" data-testid="result-meta">
              {result.command} · {result.columns.length ? `${result.rows.length} rows` : `${result.rowCount} rows affected`} · {result.durationMs.toFixed(1)} ms
              <span className="mono ran" title={ran}> · {ran.slice(0, 80)}</span>
            </div>
            {result.columns.length > 0 && result.source ? (
              <ResultGrid gridId={gridId} tabId={tabId} handle={handle} result={result} source={result.source} sql={ran} rerun={rerun} />
            ) : (
              result.columns.length > 0 && (
                <>
                  {result.readOnly && <div className="muted small read-only-note" data-testid="result-read-only">{result.readOnly}</div>}
                  <ResultTable result={result} />
                </>
              )
            )}
          </>
        )}
      </div>
    </div>
  )
}
