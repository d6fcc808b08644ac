import { Icon } from '../../ui/icons'
import { commitEdits, reviewEdits } from './grid-commit'
import { discardEdits } from './grid-edits'
import { useGrid } from './grid-store'
import { LockHolders } from '../locks/LockHolders'
import { counted } from '../../../src-shared/naming'

/**
 * A grid's pending edits and what can be done with them: the count, Discard (after asking),
 * Review changes (the exact SQL), Commit in one transaction. Test ids start with `prefix`.
 */
export function PendingActions({
  gridId,
  prefix = '',
  commitTitle,
}: {
  gridId: string
  prefix?: string
  commitTitle: string
}) {
  const g = useGrid((s) => s[gridId])
  const pending = g ? Object.keys(g.edits).length : 0
  if (!g || pending === 0) return null
  return (
    <>
      <span className="chip pending-chip" data-testid={`${prefix}pending-count`}>
        {pending} pending
      </span>
      <button
        className="btn small ghost"
        onClick={() => confirm(`Discard ${counted(pending, 'pending change')}?`) && discardEdits(gridId)}
        data-testid={`${prefix}discard`}
      >
        Discard
      </button>
      <button
        className="btn small"
        onClick={() => reviewEdits(gridId)}
        disabled={g.busy}
        data-testid={`${prefix}review`}
      >
        Review changes
      </button>
      <button
        className="btn small primary"
        onClick={() => commitEdits(gridId)}
        disabled={g.busy}
        data-testid={`${prefix}commit`}
        title={commitTitle}
      >
        <Icon name="check" size={12} /> Commit
      </button>
    </>
  )
}

/** A failed commit: the database's message, and that nothing was lost. */
export function CommitError({ gridId, testId, markedRow }: { gridId: string; testId: string; markedRow?: boolean }) {
  const failed = useGrid((s) => s[gridId]?.failed)
  if (!failed) return null
  return (
    <div className="error-box grid-error" role="alert" data-testid={testId}>
      {failed.message}
      <LockHolders holders={failed.holders ?? []} testId="grid-lock-holders" />
      <div className="small muted">
        Nothing was written; every pending edit is kept.{' '}
        {markedRow && failed.id ? 'The failing row is marked in red.' : ''}
      </div>
    </div>
  )
}
