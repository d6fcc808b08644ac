import { counted } from '../../../src-shared/naming'
import { SessionPanel } from '../orm/SessionPanel'
import { discardEdits } from './grid-edits'
import { commitEdits } from './grid-commit'
import type { GridState } from './grid-store'

/** The ORM session behind a grid's pending edits: its objects and SQL, with Commit and Rollback. */
export function GridSessionPane({ tabId, g }: { tabId: string; g: GridState }) {
  const pendingCount = Object.keys(g.edits).length
  return (
    <div className="grid-session">
      {g.session ? (
        <SessionPanel
          snapshot={g.session.snapshot}
          caption={g.session.label}
          actions={pendingCount ? ['commit', 'rollback'] : []}
          busy={g.busy}
          onAction={(op) => {
            if (op === 'commit') void commitEdits(tabId)
            else if (op === 'rollback' && confirm(`Discard ${counted(pendingCount, 'pending change')}?`))
              discardEdits(tabId)
          }}
        />
      ) : (
        <div className="session-panel empty" data-testid="session-panel">
          <div className="pane-note small">
            No pending edits: the session is empty. Edit a cell to see the objects it loads and changes.
          </div>
        </div>
      )}
    </div>
  )
}
