import type { ApplyEditsResult } from '../../../src-shared/grid'
import { Icon } from '../../ui/icons'
import { Modal } from '../../ui/Modal'

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
    <Modal
      title="Review changes"
      onClose={onClose}
      testId="review-dialog"
      footer={
        <>
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
        </>
      }
    >
      <p className="hint">
        What Commit runs, in one transaction, through an ORM session. To show it, the session ran these statements and
        rolled them back, so any error is caught here first.
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
    </Modal>
  )
}
