import { txApi } from './api'
import { ENGINES } from '../../../src-shared/engines'
import { useEffect, useRef, useState } from 'react'
import type { PaneInfo, TimelineEntry } from '../../../src-shared/tx'
import { statementAt } from '../../../src-shared/sql-split'
import { formatCell } from '../../../src-shared/values'
import { errorMessage } from '../../bridge/client'
import { useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { SqlEditor, type SqlEditorHandle } from '../../ui/SqlEditor'

const STARTERS: Record<string, string> = {
  A: "SELECT * FROM users WHERE id = 1;\nUPDATE users SET name = name || '!' WHERE id = 1;",
  B: "SELECT * FROM users WHERE id = 1;\nUPDATE users SET name = name || '?' WHERE id = 1;",
  C: 'SELECT * FROM users;',
  D: 'SELECT * FROM users;',
}

export function useNow(active: boolean) {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    if (!active) return
    const t = setInterval(() => setNow(Date.now()), 100)
    return () => clearInterval(t)
  }, [active])
  return now
}

/** One transaction: its connection's state, level, controls, editor and latest outcome. */
export function Pane({
  consoleId,
  info,
  last,
  waiting,
  mvccOpen,
  onMvcc,
}: {
  consoleId: string
  info: PaneInfo
  last: TimelineEntry | undefined
  waiting: TimelineEntry | undefined
  mvccOpen: boolean
  onMvcc: () => void
}) {
  const schemaEntry = useApp((s) => (s.activeHandle ? s.schemas[s.activeHandle] : undefined))
  const tx = useTxOptions(info)
  const { level, readOnly, deferrable } = tx
  const caps = ENGINES[info.engine].capabilities
  const [error, setError] = useState<string | null>(null)
  const editor = useRef<SqlEditorHandle | null>(null)
  const run = async (sql: string) => {
    setError(null)
    try {
      await txApi.run({
        consoleId,
        pane: info.id,
        sql,
        level,
        ...(caps.readOnlyDeferrable ? { readOnly, deferrable } : {}),
      })
    } catch (e) {
      setError(errorMessage(e))
    }
  }
  const runCurrent = () => {
    const cur = editor.current?.current()
    if (!cur) return
    const text = cur.selection.trim() || statementAt(cur.text, cur.cursor)?.text || ''
    if (text) void run(text)
  }
  return (
    <div className={`tx-pane state-${info.state.replace(' ', '-')}`} data-testid={`pane-${info.id}`}>
      <PaneHead info={info} waiting={waiting} tx={tx} />
      {ENGINES[info.engine].levelNotes[level] && (
        <div className="pane-note-line small">{ENGINES[info.engine].levelNotes[level]}</div>
      )}
      {caps.readOnlyDeferrable && deferrable && !(level === 'SERIALIZABLE' && readOnly) && (
        <div className="pane-note-line small">
          DEFERRABLE only changes anything in a SERIALIZABLE READ ONLY transaction.
        </div>
      )}
      <TxButtons info={info} run={run} runCurrent={runCurrent} mvccOpen={mvccOpen} onMvcc={onMvcc} />
      <div className="tx-editor">
        <SqlEditor
          initial={STARTERS[info.id] ?? ''}
          engine={info.engine}
          schema={schemaEntry?.state === 'ready' ? schemaEntry.schema : null}
          onChange={() => {}}
          onRun={runCurrent}
          handleRef={editor}
        />
      </div>
      <PaneOutput consoleId={consoleId} info={info} last={last} waiting={waiting} error={error} setError={setError} />
    </div>
  )
}

/** The options BEGIN runs with: the isolation level, and READ ONLY / DEFERRABLE where the engine has them. */
function useTxOptions(info: PaneInfo) {
  const [level, setLevel] = useState(info.levels.includes('READ COMMITTED') ? 'READ COMMITTED' : info.levels[0])
  const [readOnly, setReadOnly] = useState(false)
  const [deferrable, setDeferrable] = useState(false)
  return { level, setLevel, readOnly, setReadOnly, deferrable, setDeferrable }
}

/** The pane's name and state, how long it has waited on whom, its lock, and its BEGIN options. */
function PaneHead({
  info,
  waiting,
  tx,
}: {
  info: PaneInfo
  waiting: TimelineEntry | undefined
  tx: ReturnType<typeof useTxOptions>
}) {
  const caps = ENGINES[info.engine].capabilities
  const now = useNow(!!waiting)
  return (
    <header className="tx-pane-head">
      <strong>{info.id}</strong>
      <span className={`pill st-${info.state.replace(' ', '-')}`} data-testid={`pane-state-${info.id}`}>
        {info.state}
      </span>
      {waiting && (
        <span className="wait-timer" data-testid={`pane-waiting-${info.id}`}>
          <span className="spinner" /> {((now - (waiting.waitStartedAt ?? now)) / 1000).toFixed(1)} s on{' '}
          {waiting.waitedOn.join(', ') || 'a lock'}
        </span>
      )}
      {info.lock && (
        <span
          className={`lock-chip${/RESERVED|EXCLUSIVE/.test(info.lock) ? ' held' : ''}`}
          title={`SQLite lock, as this pane's statements imply (SQLite does not report locks). Journal mode: ${info.journalMode}`}
          data-testid={`pane-lock-${info.id}`}
        >
          {info.lock}
        </span>
      )}
      <span className="spacer" />
      <span className="tx-pane-options">
        <select
          value={tx.level}
          onChange={(e) => tx.setLevel(e.target.value)}
          title="Isolation level for BEGIN"
          data-testid={`pane-level-${info.id}`}
        >
          {info.levels.map((l) => (
            <option key={l}>{l}</option>
          ))}
        </select>
        {caps.readOnlyDeferrable && (
          <>
            <BeginOption
              label="read only"
              title="BEGIN ... READ ONLY: writes fail; a read-only SERIALIZABLE transaction takes part in SSI as a reader"
              checked={tx.readOnly}
              onChange={tx.setReadOnly}
              testId={`pane-readonly-${info.id}`}
            />
            <BeginOption
              label="deferrable"
              title="DEFERRABLE (with SERIALIZABLE READ ONLY): BEGIN waits for a snapshot that cannot take part in an anomaly, and then can never fail with a serialization error"
              checked={tx.deferrable}
              onChange={tx.setDeferrable}
              testId={`pane-deferrable-${info.id}`}
            />
          </>
        )}
        <span className="level-info" title={ENGINES[info.engine].isolationSummary}>
          <Icon name="info" size={12} />
        </span>
      </span>
    </header>
  )
}

/** One of BEGIN's options as a checkbox. */
function BeginOption(o: {
  label: string
  title: string
  checked: boolean
  onChange: (v: boolean) => void
  testId: string
}) {
  return (
    <label className="check small" title={o.title}>
      <input
        type="checkbox"
        checked={o.checked}
        onChange={(e) => o.onChange(e.target.checked)}
        data-testid={o.testId}
      />{' '}
      {o.label}
    </label>
  )
}

function TxButtons({
  info,
  run,
  runCurrent,
  mvccOpen,
  onMvcc,
}: {
  info: PaneInfo
  run: (sql: string) => Promise<void>
  runCurrent: () => void
  mvccOpen: boolean
  onMvcc: () => void
}) {
  const caps = ENGINES[info.engine].capabilities
  return (
    <div className="tx-buttons">
      <button
        className="btn small"
        disabled={info.busy}
        onClick={() => run('BEGIN')}
        data-testid={`pane-begin-${info.id}`}
      >
        BEGIN
      </button>
      <button
        className="btn small"
        disabled={info.busy}
        onClick={() => run('COMMIT')}
        data-testid={`pane-commit-${info.id}`}
      >
        COMMIT
      </button>
      <button
        className="btn small"
        disabled={info.busy}
        onClick={() => run('ROLLBACK')}
        data-testid={`pane-rollback-${info.id}`}
      >
        ROLLBACK
      </button>
      <button className="btn small ghost" disabled={info.busy} onClick={() => run('SAVEPOINT sp1')}>
        SAVEPOINT sp1
      </button>
      <button className="btn small ghost" disabled={info.busy} onClick={() => run('ROLLBACK TO SAVEPOINT sp1')}>
        ROLLBACK TO sp1
      </button>
      {caps.rowVersions && (
        <button
          className={`btn small ghost${mvccOpen ? ' on' : ''}`}
          onClick={onMvcc}
          data-testid={`pane-mvcc-${info.id}`}
          title="The row versions behind what this pane reads (xmin, xmax, ctid) and which ones its snapshot sees"
        >
          Row versions
        </button>
      )}
      {caps.heldLocks && (
        <button
          className={`btn small ghost${mvccOpen ? ' on' : ''}`}
          onClick={onMvcc}
          data-testid={`pane-locks-${info.id}`}
          title="The locks each pane's transaction holds and waits for: record, gap, next-key, insert intention"
        >
          Locks
        </button>
      )}
      <span className="spacer" />
      <button
        className="btn small primary"
        disabled={info.busy}
        onClick={runCurrent}
        data-testid={`pane-run-${info.id}`}
        title="Run the statement under the cursor (Ctrl+Enter)"
      >
        <Icon name="play" size={11} /> Run
      </button>
    </div>
  )
}

/** The latest statement's outcome (rows, error, note), or that it runs; reconnect when the pane lost its connection. */
function PaneOutput({
  consoleId,
  info,
  last,
  waiting,
  error,
  setError,
}: {
  consoleId: string
  info: PaneInfo
  last: TimelineEntry | undefined
  waiting: TimelineEntry | undefined
  error: string | null
  setError: (e: string) => void
}) {
  const o = last?.outcome
  return (
    <div className="tx-out" data-testid={`pane-out-${info.id}`}>
      {error && <div className="step-error">{error}</div>}
      {info.state === 'disconnected' && (
        <div className="pane-reconnect">
          <button
            className="btn small primary"
            onClick={() =>
              void txApi.reconnectPane({ consoleId, pane: info.id }).catch((e) => setError(errorMessage(e)))
            }
            data-testid={`pane-reconnect-${info.id}`}
          >
            Reconnect pane
          </button>{' '}
          <span className="muted small">a fresh connection, under the same name</span>
        </div>
      )}
      {info.state === 'failed' && (
        <div className="step-note">
          The transaction failed: {ENGINES[info.engine].label} ignores everything until ROLLBACK (a COMMIT will roll
          back).
        </div>
      )}
      {o && (
        <>
          <div className="mono small muted">{o.sql}</div>
          {o.error ? (
            <div className="step-error">
              {o.error.sqlstate ? `${o.error.sqlstate} ` : ''}
              {o.error.message}
            </div>
          ) : o.result?.columns.length ? (
            <div className="mono step-rows">
              {o.result.rows.map((r) => r.map(formatCell).join(', ')).join(' · ') || '(no rows)'}
            </div>
          ) : (
            <div className="small muted">
              {/* As psql prints it: a count after the statements that change rows, none after COMMIT. */}
              {o.result?.command}{' '}
              {/^(INSERT|UPDATE|DELETE|MERGE|REPLACE|COPY)/i.test(o.result?.command ?? '') ? o.result?.rowCount : ''}
            </div>
          )}
          {o.note && <div className="step-note">{o.note}</div>}
        </>
      )}
      {last && !o && !waiting && (
        <div className="small muted">
          <span className="spinner" /> running…
        </div>
      )}
    </div>
  )
}
