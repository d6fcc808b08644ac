import { useState } from 'react'
import type { ObjectView, SessionSnapshot } from '../../../src-shared/orm'
import { formatCell, type Cell } from '../../../src-shared/values'
import { Icon } from '../../ui/icons'

export function objectLabel(o: ObjectView | undefined): string {
  if (!o) return '?'
  const key = o.key ? o.key.map((k) => formatCell(k)).join(', ') : 'new'
  const name = (o.values.name ?? o.values.title ?? o.values.login) as Cell | undefined
  return `${o.table}(${key})${name !== undefined && name !== null ? ` ${formatCell(name)}` : ''}`
}

const STATUS_HELP: Record<ObjectView['status'], string> = {
  transient: 'Not in the session',
  pending: 'Added; INSERTed at the next flush',
  persistent: 'In the identity map, matching a row',
  deleted: 'DELETEd by a flush; gone after commit',
  detached: 'Was in a session, no longer is',
}

export function StatusBadge({ status }: { status: ObjectView['status'] }) {
  return (
    <span className={`badge st-${status}`} title={STATUS_HELP[status]}>
      {status}
    </span>
  )
}

function ObjList({
  title,
  refs,
  byRef,
  testId,
  onPick,
  highlight,
}: {
  title: string
  refs: number[]
  byRef: Map<number, ObjectView>
  testId: string
  onPick?: (ref: number) => void
  highlight?: Set<number>
}) {
  return (
    <section className="sp-section" data-testid={testId}>
      <h4>
        {title} <span className="count">{refs.length}</span>
      </h4>
      {refs.length === 0 ? (
        <div className="muted small">empty</div>
      ) : (
        <ul className="sp-list">
          {refs.map((r) => {
            const o = byRef.get(r)
            return (
              <li key={r} className={highlight?.has(r) ? 'err' : ''} onClick={() => onPick?.(r)}>
                <StatusBadge status={o?.status ?? 'transient'} /> <span className="mono">{objectLabel(o)}</span>
                {o && o.modified.length > 0 && <span className="muted small"> · {o.modified.join(', ')}</span>}
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}

export type SessionAction = 'flush' | 'commit' | 'rollback' | 'expireAll' | 'refreshAll' | 'clearLog'

/** The session buttons: what each does, in the order shown. */
const ACTION_BUTTONS: {
  op: Exclude<SessionAction, 'clearLog'>
  label: React.ReactNode
  className: string
  testId?: string
  title: string
}[] = [
  {
    op: 'flush',
    label: 'Flush',
    className: 'btn small',
    testId: 'session-flush',
    title: 'Send pending changes, keep the transaction open',
  },
  {
    op: 'commit',
    label: (
      <>
        <Icon name="check" size={12} /> Commit
      </>
    ),
    className: 'btn small primary',
    testId: 'session-commit',
    title: 'Flush and COMMIT',
  },
  {
    op: 'rollback',
    label: 'Rollback',
    className: 'btn small',
    testId: 'session-rollback',
    title: 'ROLLBACK: expunge new objects, expire the rest',
  },
  { op: 'expireAll', label: 'Expire all', className: 'btn small ghost', title: 'Mark every object stale' },
  {
    op: 'refreshAll',
    label: 'Read expired again',
    className: 'btn small ghost',
    testId: 'session-refresh-all',
    title:
      'Read every expired object, and the relationships it had loaded, again: what SQLAlchemy does when you read user.posts after a commit (one SELECT per table and relationship)',
  },
]

/**
 * What a session holds and does: its transaction, the new/dirty/deleted sets, the identity map,
 * and every statement it sent with parameters and timing.
 */
export function SessionPanel({
  snapshot,
  errorRefs,
  onAction,
  onPick,
  busy,
  caption,
  actions = ['flush', 'commit', 'rollback', 'expireAll', 'refreshAll', 'clearLog'],
}: {
  snapshot: SessionSnapshot
  errorRefs?: number[]
  onAction: (op: SessionAction) => void
  onPick?: (ref: number) => void
  busy?: boolean
  /** What this snapshot is (the grid shows sessions it has already closed). */
  caption?: string
  /** The buttons to offer. */
  actions?: SessionAction[]
}) {
  const byRef = new Map(snapshot.objects.map((o) => [o.ref, o]))
  const highlight = new Set(errorRefs ?? [])
  return (
    <aside className="session-panel" data-testid="session-panel">
      <header className="sp-head">
        <strong>Session</strong>
        <span className={`pill ${snapshot.transaction === 'active' ? 'running' : ''}`} data-testid="session-tx">
          {snapshot.transaction === 'active' ? 'in transaction' : 'idle'}
        </span>
        <span className="muted small" title="Session options">
          autoflush {snapshot.options.autoflush ? 'on' : 'off'} · expire_on_commit{' '}
          {snapshot.options.expireOnCommit ? 'on' : 'off'}
        </span>
        {snapshot.options.flushSavepoint !== false && (
          <span
            className="muted small"
            data-testid="session-flush-savepoint"
            title="A flush inside a transaction that has already written is wrapped in SAVEPOINT schemist_flush ... RELEASE, so a failed flush rolls back only itself and nothing done before is lost. SQLAlchemy sends no savepoint (its flush is a subtransaction in memory); open the session with flushSavepoint: false to send exactly its statements."
          >
            · flush savepoint on
          </span>
        )}
      </header>
      {caption && (
        <div className="sp-caption small" data-testid="session-caption">
          {caption}
        </div>
      )}
      <div className="sp-actions">
        {ACTION_BUTTONS.filter((b) => actions.includes(b.op)).map((b) => (
          <button
            key={b.op}
            className={b.className}
            disabled={busy}
            onClick={() => onAction(b.op)}
            data-testid={b.testId}
            title={b.title}
          >
            {b.label}
          </button>
        ))}
      </div>
      <div className="sp-body">
        <ObjList
          title="New"
          refs={snapshot.new}
          byRef={byRef}
          testId="session-new"
          onPick={onPick}
          highlight={highlight}
        />
        <ObjList
          title="Dirty"
          refs={snapshot.dirty}
          byRef={byRef}
          testId="session-dirty"
          onPick={onPick}
          highlight={highlight}
        />
        <ObjList
          title="Deleted"
          refs={snapshot.deleted}
          byRef={byRef}
          testId="session-deleted"
          onPick={onPick}
          highlight={highlight}
        />
        <IdentityMap snapshot={snapshot} byRef={byRef} onPick={onPick} />
        <SqlLog log={snapshot.log} onClear={actions.includes('clearLog') ? () => onAction('clearLog') : undefined} />
      </div>
    </aside>
  )
}

function IdentityMap({
  snapshot,
  byRef,
  onPick,
}: {
  snapshot: SessionSnapshot
  byRef: Map<number, SessionSnapshot['objects'][number]>
  onPick?: (ref: number) => void
}) {
  const [showMap, setShowMap] = useState(false)
  return (
    <section className="sp-section">
      <h4 className="clickable" onClick={() => setShowMap(!showMap)}>
        <Icon name="chevron" size={11} className={`chev${showMap ? ' open' : ''}`} /> Identity map{' '}
        <span className="count">{snapshot.identityMap.length}</span>
      </h4>
      {showMap && (
        <ul className="sp-list">
          {snapshot.identityMap.map((r) => (
            <li key={r} onClick={() => onPick?.(r)}>
              <StatusBadge status={byRef.get(r)?.status ?? 'persistent'} />{' '}
              <span className="mono">{objectLabel(byRef.get(r))}</span>
              {(byRef.get(r)?.expired.length ?? 0) > 0 && <span className="muted small"> · expired</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}

/** Every statement the session sent, newest first, with its parameters, executions and time. */
function SqlLog({ log, onClear }: { log: SessionSnapshot['log']; onClear?: () => void }) {
  return (
    <section className="sp-section sql-log" data-testid="session-log">
      <h4>
        SQL <span className="count">{log.length}</span>
        <span className="spacer" />
        {onClear && (
          <button className="link small" onClick={onClear}>
            clear
          </button>
        )}
      </h4>
      {log.length === 0 && <div className="muted small">No statements yet</div>}
      {[...log].reverse().map((e) => (
        <div key={e.id} className={`log-entry${e.error ? ' err' : ''}`}>
          <div className="mono log-sql">{e.sql}</div>
          <div className="log-meta muted small">
            {e.params.length > 0 && <span className="mono">{JSON.stringify(e.params).slice(0, 160)}</span>}
            {e.executions > 1 && <span> ×{e.executions}</span>}
            <span> · {e.durationMs.toFixed(2)} ms</span>
            {e.error && <span className="log-error"> · {e.error}</span>}
          </div>
        </div>
      ))}
    </section>
  )
}
