import type { ApplyEditsResult } from '../../../src-shared/grid'
import { Icon } from '../../ui/icons'

/** The exact statements the session will run for the pending edits, in order. */
export function ReviewDialog({
  review,
  onClose,
  onCommit,
  busy,
}: {
  review: ApplyEditsResult
  onClose: () => void
  onCommit: () => void
  busy: boolean
}) {
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="modal wide"
        role="dialog"
        aria-modal="true"
        data-testid="review-dialog"
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <header className="modal-head">
          <h2>Review changes</h2>
          <button className="icon-button" onClick={onClose} aria-label="Close">
            <Icon name="close" />
          </button>
        </header>
        <div className="modal-body">
          <p className="hint">
            What Commit runs, in one transaction, through an ORM session. To show it, the session ran these statements
            and rolled them back, so any error is caught here first.
          </p>
          <pre className="code review-sql" data-testid="review-sql">
            {review.sql
              .map(
                (s) =>
                  `${s.sql};${s.params.length ? `  -- ${JSON.stringify(s.params).slice(0, 300)}${s.executions > 1 ? ` ×${s.executions}` : ''}` : ''}`,
              )
              .join('\n')}
          </pre>
          {review.error && (
            <div className="feedback error" role="alert">
              <Icon name="warning" size={14} /> {review.error.code}: {review.error.message}
            </div>
          )}
        </div>
        <footer className="modal-foot">
          <span className="spacer" />
          <button className="btn ghost" onClick={onClose}>
            Keep editing
          </button>
          <button
            className="btn primary"
            onClick={onCommit}
            disabled={busy || !!review.error}
            data-testid="review-commit"
          >
            Commit (Ctrl+S)
          </button>
        </footer>
      </div>
    </div>
  )
}
