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

/**
 * What a session holds and does: its transaction, the new/dirty/deleted sets, the identity map,
 * and every statement it sent with parameters and timing.
 */
export type SessionAction = 'flush' | 'commit' | 'rollback' | 'expireAll' | 'refreshAll' | 'clearLog'

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
  const [showMap, setShowMap] = useState(false)
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
        {actions.includes('flush') && (
          <button
            className="btn small"
            disabled={busy}
            onClick={() => onAction('flush')}
            data-testid="session-flush"
            title="Send pending changes, keep the transaction open"
          >
            Flush
          </button>
        )}
        {actions.includes('commit') && (
          <button
            className="btn small primary"
            disabled={busy}
            onClick={() => onAction('commit')}
            data-testid="session-commit"
            title="Flush and COMMIT"
          >
            <Icon name="check" size={12} /> Commit
          </button>
        )}
        {actions.includes('rollback') && (
          <button
            className="btn small"
            disabled={busy}
            onClick={() => onAction('rollback')}
            data-testid="session-rollback"
            title="ROLLBACK: expunge new objects, expire the rest"
          >
            Rollback
          </button>
        )}
        {actions.includes('expireAll') && (
          <button
            className="btn small ghost"
            disabled={busy}
            onClick={() => onAction('expireAll')}
            title="Mark every object stale"
          >
            Expire all
          </button>
        )}
        {actions.includes('refreshAll') && (
          <button
            className="btn small ghost"
            disabled={busy}
            onClick={() => onAction('refreshAll')}
            data-testid="session-refresh-all"
            title="Read every expired object, and the relationships it had loaded, again: what SQLAlchemy does when you read user.posts after a commit (one SELECT per table and relationship)"
          >
            Read expired again
          </button>
        )}
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
        <section className="sp-section sql-log" data-testid="session-log">
          <h4>
            SQL <span className="count">{snapshot.log.length}</span>
            <span className="spacer" />
            {actions.includes('clearLog') && (
              <button className="link small" onClick={() => onAction('clearLog')}>
                clear
              </button>
            )}
          </h4>
          {snapshot.log.length === 0 && <div className="muted small">No statements yet</div>}
          {[...snapshot.log].reverse().map((e) => (
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
      </div>
    </aside>
  )
}
