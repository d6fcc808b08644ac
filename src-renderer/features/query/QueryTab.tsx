import { queryApi } from './api'
import { ENGINES } from '../../../src-shared/engines'
import { useCallback, useRef, useState } from 'react'
import type { ExplainResult, HistoryEntry } from '../../../src-shared/plan'
import type { QueryResult } from '../../../src-shared/query'
import { splitStatements, statementAt } from '../../../src-shared/sql-split'
import { BridgeError } from '../../bridge/client'
import { setState, useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { ResultTable } from '../../ui/ResultTable'
import { SqlEditor, type SqlEditorHandle } from '../../ui/SqlEditor'
import { ReconnectButton } from '../connections/ReconnectButton'
import { draftOf, setDraft } from './drafts'
import { refreshSchema } from '../connections/actions'
import { PlanTree } from './PlanTree'
import { ResultGrid } from './ResultGrid'
import { pendingCount } from '../grid/grid-store'
import { counted } from '../../../src-shared/naming'
import type { Holder } from '../../../src-shared/contract'
import { holdersOf, LockHolders, LockWait } from '../locks/LockHolders'

/** Follow BEGIN / COMMIT / ROLLBACK on the connection, for the status bar. */
import { ScriptLog, type ScriptRun, type ScriptStep } from './ScriptLog'
import { trackTransaction } from './track-transaction'

export function QueryTab({ tabId, handle }: { tabId: string; handle: string }) {
  const conn = useApp((s) => s.open[handle])
  const schemaEntry = useApp((s) => s.schemas[handle])
  const schema = schemaEntry?.state === 'ready' ? schemaEntry.schema : null
  const [running, setRunning] = useState<string | null>(null)
  const [result, setResult] = useState<QueryResult | null>(null)
  const [plan, setPlan] = useState<ExplainResult | null>(null)
  const [error, setError] = useState<{ code: string; message: string; holders?: Holder[] } | null>(null)
  const [history, setHistory] = useState<HistoryEntry[] | null>(null)
  const [ran, setRan] = useState<string>('')
  const [script, setScript] = useState<ScriptRun | null>(null)
  const stopScript = useRef(false)
  const editor = useRef<SqlEditorHandle | null>(null)
  const initial = draftOf(tabId) ?? 'SELECT * FROM users;'

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
    if (
      pending &&
      !confirm(
        `The result has ${pending} pending edit(s). Running another statement discards them, unless its rows come from the same table. Run it?`,
      )
    )
      return
    const queryId = `${tabId}:${Date.now()}`
    setRunning(queryId)
    setError(null)
    setScript(null)
    setRan(text)
    try {
      if (explain) {
        setPlan(await queryApi.explain({ handle, sql: text, analyze: explain === 'analyze' }))
        setResult(null)
      } else {
        const r = await queryApi.run({ handle, sql: text, queryId })
        setResult(r)
        trackTransaction(handle, r.command, text)
        setPlan(null)
        if (/^(CREATE|DROP|ALTER)/i.test(r.command)) void refreshSchema(handle)
      }
    } catch (e) {
      setResult(null)
      setPlan(null)
      if (
        conn &&
        ENGINES[conn.engine].capabilities.errorAbortsTransaction &&
        useApp.getState().txState[handle] === 'in transaction'
      )
        setState((st) => ({ txState: { ...st.txState, [handle]: 'failed' } }))
      setError(
        e instanceof BridgeError
          ? { code: e.code, message: e.message, holders: holdersOf(e.info.details) }
          : { code: 'INTERNAL', message: String(e) },
      )
    } finally {
      setRunning(null)
    }
  }

  /**
   * Every statement of the selection (or of the whole editor) in order, stopping at the first
   * error, which is selected in the editor. The last result with rows stays on screen.
   */
  async function runScript() {
    const cur = editor.current?.current()
    if (!cur || running) return
    const base = cur.selection.trim() ? cur.selectionFrom : 0
    const statements = splitStatements(cur.selection.trim() ? cur.selection : cur.text)
    if (statements.length === 0) return
    const pending = pendingCount(gridId)
    if (
      pending &&
      !confirm(`The result has ${counted(pending, 'pending edit')}. Running the script discards them. Run it?`)
    )
      return
    stopScript.current = false
    setError(null)
    setPlan(null)
    setResult(null)
    let last: { result: QueryResult; sql: string } | null = null
    let ddl = false
    const done: ScriptStep[] = []
    setScript({ steps: [], total: statements.length, failedAt: null, stopped: false })
    try {
      for (let i = 0; i < statements.length; i++) {
        if (stopScript.current) {
          setScript({ steps: [...done], total: statements.length, failedAt: null, stopped: true })
          break
        }
        const st = statements[i]
        const queryId = `${tabId}:${Date.now()}:${i}`
        setRunning(queryId)
        try {
          const r = await queryApi.run({ handle, sql: st.text, queryId })
          trackTransaction(handle, r.command, st.text)
          if (/^(CREATE|DROP|ALTER)/i.test(r.command)) ddl = true
          done.push({
            sql: st.text,
            command: r.command,
            rows: r.columns.length ? r.rows.length : r.rowCount,
            returnsRows: r.columns.length > 0,
            ms: r.durationMs,
          })
          if (r.columns.length) last = { result: r, sql: st.text }
          setScript({ steps: [...done], total: statements.length, failedAt: null, stopped: false })
        } catch (e) {
          if (
            conn &&
            ENGINES[conn.engine].capabilities.errorAbortsTransaction &&
            useApp.getState().txState[handle] === 'in transaction'
          )
            setState((x) => ({ txState: { ...x.txState, [handle]: 'failed' } }))
          const line = cur.text.slice(0, base + st.from).split('\n').length
          const err =
            e instanceof BridgeError ? { code: e.code, message: e.message } : { code: 'INTERNAL', message: String(e) }
          setError({
            code: err.code,
            message: `Statement ${i + 1} of ${statements.length} (line ${line}): ${err.message}`,
          })
          setScript({
            steps: [...done],
            total: statements.length,
            failedAt: i,
            stopped: false,
            failed: { sql: st.text, message: err.message },
          })
          editor.current?.select(base + st.from, base + st.to)
          break
        }
      }
    } finally {
      setRunning(null)
      if (last) {
        setRan(last.sql)
        setResult(last.result)
      }
      if (ddl) void refreshSchema(handle)
    }
  }

  // After a commit from the result grid the same statement runs again (stable for the grid).
  const ranRef = useRef('')
  ranRef.current = ran
  const runRef = useRef(run)
  runRef.current = run
  const rerun = useCallback(() => runRef.current(undefined, ranRef.current), [])
  const runScriptRef = useRef(runScript)
  runScriptRef.current = runScript

  return (
    <div className="query-tab">
      <div className="toolbar">
        <button
          className="btn primary small"
          onClick={() => run()}
          disabled={!!running}
          data-testid="run-query"
          title="Run the statement under the cursor, or the selection (Ctrl+Enter)"
        >
          <Icon name="play" size={12} /> Run
        </button>
        <button
          className="btn small"
          onClick={() => void runScript()}
          disabled={!!running}
          data-testid="run-script"
          title="Run every statement of the editor (or of the selection) in order, stopping at the first error (Ctrl+Shift+Enter)"
        >
          <Icon name="play" size={12} /> Run script
        </button>
        <button
          className="btn small"
          disabled={!running}
          onClick={() => {
            stopScript.current = true
            if (running) void queryApi.cancel({ queryId: running })
          }}
          title="Cancel the running statement (and the rest of a script)"
        >
          <Icon name="stop" size={12} /> Cancel
        </button>
        <span className="sep-v" />
        <button className="btn small ghost" onClick={() => run('plan')} disabled={!!running} data-testid="explain">
          Explain
        </button>
        <button
          className="btn small ghost"
          onClick={() => run('analyze')}
          disabled={!!running}
          data-testid="explain-analyze"
          title={
            conn && ENGINES[conn.engine].capabilities.explainAnalyze
              ? 'Runs the statement in a transaction that is rolled back'
              : `${conn ? ENGINES[conn.engine].label : 'This engine'} has no timed plans`
          }
        >
          Explain analyze
        </button>
        <button
          className="btn small ghost"
          onClick={async () => setHistory(history ? null : await queryApi.history({ handle }))}
          data-testid="history"
        >
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
            onChange={(t) => setDraft(tabId, t)}
            onRun={() => run()}
            onRunScript={() => void runScriptRef.current()}
            handleRef={editor}
          />
        </div>
        {history && (
          <div className="history-panel" data-testid="history-panel">
            <div className="muted small pad">Click a statement to put it in the editor's clipboard… or copy it.</div>
            {history.length === 0 && <div className="muted small pad">Nothing run on this connection yet.</div>}
            {history.map((h, i) => (
              <div
                key={i}
                className={`history-item${h.error ? ' err' : ''}`}
                onClick={() => navigator.clipboard?.writeText(h.sql).catch(() => {})}
                title="Copy"
              >
                <div className="mono small">{h.sql.slice(0, 300)}</div>
                <div className="muted small">
                  {new Date(h.at).toLocaleString()} ·{' '}
                  {h.error ? h.error.slice(0, 80) : `${h.rows} rows · ${h.durationMs.toFixed(1)} ms`}
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
        {running && <LockWait handle={handle} queryId={running} />}
        {error && (
          <div className="error-box" role="alert" data-testid="query-error">
            <strong>{error.code}</strong> {error.message} <ReconnectButton handle={handle} />
            <LockHolders holders={error.holders ?? []} />
          </div>
        )}
        {script && <ScriptLog run={script} running={!!running} />}
        {plan && !running && <PlanTree plan={plan} />}
        {result && !running && (
          <>
            <div className="result-meta muted small" data-testid="result-meta">
              {result.command} ·{' '}
              {result.columns.length ? `${result.rows.length} rows` : `${result.rowCount} rows affected`} ·{' '}
              {result.durationMs.toFixed(1)} ms
              <span className="mono ran" title={ran}>
                {' '}
                · {ran.slice(0, 80)}
              </span>
            </div>
            {result.columns.length > 0 && result.source ? (
              <ResultGrid
                gridId={gridId}
                tabId={tabId}
                handle={handle}
                result={result}
                source={result.source}
                sql={ran}
                rerun={rerun}
              />
            ) : (
              result.columns.length > 0 && (
                <>
                  {result.readOnly && (
                    <div className="muted small read-only-note" data-testid="result-read-only">
                      {result.readOnly}
                    </div>
                  )}
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
