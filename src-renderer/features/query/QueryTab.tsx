import { useRef, useState } from 'react'
import { ENGINES } from '../../../src-shared/engines'
import type { HistoryEntry } from '../../../src-shared/plan'
import { useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { ResultTable } from '../../ui/ResultTable'
import { SqlEditor, type SqlEditorHandle } from '../../ui/SqlEditor'
import { ReconnectButton } from '../connections/ReconnectButton'
import { LockHolders, LockWait } from '../locks/LockHolders'
import { queryApi } from './api'
import { draftOf, setDraft } from './drafts'
import { PlanTree } from './PlanTree'
import { ResultGrid } from './ResultGrid'
import { ScriptLog } from './ScriptLog'
import { useQueryRunner, type QueryRunner } from './use-query-runner'

/** A SQL editor tab: the statement under the cursor (or the selection) runs with Ctrl+Enter. */
export function QueryTab({ tabId, handle }: { tabId: string; handle: string }) {
  const schemaEntry = useApp((s) => s.schemas[handle])
  const schema = schemaEntry?.state === 'ready' ? schemaEntry.schema : null
  const engine = useApp((s) => s.open[handle]?.engine)
  const [history, setHistory] = useState<HistoryEntry[] | null>(null)
  const editor = useRef<SqlEditorHandle | null>(null)
  const q = useQueryRunner(tabId, handle, editor)
  return (
    <div className="query-tab">
      <QueryToolbar
        q={q}
        handle={handle}
        onHistory={async () => setHistory(history ? null : await queryApi.history({ handle }))}
      />
      <div className="query-split">
        <div className="query-editor-wrap">
          <SqlEditor
            initial={draftOf(tabId) ?? 'SELECT * FROM users;'}
            engine={engine ?? 'sqlite'}
            schema={schema}
            onChange={(t) => setDraft(tabId, t)}
            onRun={() => q.run()}
            onRunScript={() => void q.runScript.current()}
            handleRef={editor}
          />
        </div>
        {history && <HistoryPanel history={history} />}
      </div>
      <QueryOutput q={q} tabId={tabId} handle={handle} />
    </div>
  )
}

function QueryToolbar({ q, handle, onHistory }: { q: QueryRunner; handle: string; onHistory: () => void }) {
  const conn = useApp((s) => s.open[handle])
  return (
    <div className="toolbar">
      <button
        className="btn primary small"
        onClick={() => q.run()}
        disabled={!!q.running}
        data-testid="run-query"
        title="Run the statement under the cursor, or the selection (Ctrl+Enter)"
      >
        <Icon name="play" size={12} /> Run
      </button>
      <button
        className="btn small"
        onClick={() => void q.runScript.current()}
        disabled={!!q.running}
        data-testid="run-script"
        title="Run every statement of the editor (or of the selection) in order, stopping at the first error (Ctrl+Shift+Enter)"
      >
        <Icon name="play" size={12} /> Run script
      </button>
      <button
        className="btn small"
        disabled={!q.running}
        onClick={q.cancel}
        title="Cancel the running statement (and the rest of a script)"
      >
        <Icon name="stop" size={12} /> Cancel
      </button>
      <span className="sep-v" />
      <button className="btn small ghost" onClick={() => q.run('plan')} disabled={!!q.running} data-testid="explain">
        Explain
      </button>
      <button
        className="btn small ghost"
        onClick={() => q.run('analyze')}
        disabled={!!q.running}
        data-testid="explain-analyze"
        title={
          conn && ENGINES[conn.engine].capabilities.explainAnalyze
            ? 'Runs the statement in a transaction that is rolled back'
            : `${conn ? ENGINES[conn.engine].label : 'This engine'} has no timed plans`
        }
      >
        Explain analyze
      </button>
      <button className="btn small ghost" onClick={onHistory} data-testid="history">
        History
      </button>
      <span className="spacer" />
      <span className="muted small">{conn ? `${conn.name} · ${conn.serverVersion}` : 'Disconnected'}</span>
    </div>
  )
}

/** Statements run on this connection: a click copies one. */
function HistoryPanel({ history }: { history: HistoryEntry[] }) {
  return (
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
  )
}

/** The running note and lock wait, the error, a script's log, the plan, or the result. */
function QueryOutput({ q, tabId, handle }: { q: QueryRunner; tabId: string; handle: string }) {
  const result = q.result
  return (
    <div className="query-output">
      {q.running && (
        <div className="pane-note">
          <span className="spinner" /> Running…
        </div>
      )}
      {q.running && <LockWait handle={handle} queryId={q.running} />}
      {q.error && (
        <div className="error-box" role="alert" data-testid="query-error">
          <strong>{q.error.code}</strong> {q.error.message} <ReconnectButton handle={handle} />
          <LockHolders holders={q.error.holders ?? []} />
        </div>
      )}
      {q.script && <ScriptLog run={q.script} running={!!q.running} />}
      {q.plan && !q.running && <PlanTree plan={q.plan} />}
      {result && !q.running && (
        <>
          <div className="result-meta muted small" data-testid="result-meta">
            {result.command} ·{' '}
            {result.columns.length ? `${result.rows.length} rows` : `${result.rowCount} rows affected`} ·{' '}
            {result.durationMs.toFixed(1)} ms
            <span className="mono ran" title={q.ran}>
              {' '}
              · {q.ran.slice(0, 80)}
            </span>
          </div>
          {result.columns.length > 0 && result.source ? (
            <ResultGrid
              gridId={q.gridId}
              tabId={tabId}
              handle={handle}
              result={result}
              source={result.source}
              sql={q.ran}
              rerun={q.rerun}
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
  )
}
