import { Icon } from '../../ui/icons'

/** What the database will do when the row is deleted, shown before the row is marked. */
export function DeleteConfirm({
  effects,
  onConfirm,
  onCancel,
}: {
  effects: { table: string; via: string; action: string; rows: number }[]
  onConfirm: () => void
  onCancel: () => void
}) {
  const blocked = effects.filter((e) => e.action === 'blocks the delete')
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onCancel()}>
      <div className="modal" role="dialog" aria-modal="true" data-testid="delete-confirm">
        <header className="modal-head">
          <h2>Delete this row?</h2>
        </header>
        <div className="modal-body">
          <p>Deleting it will also, when you commit:</p>
          <ul className="plain-list">
            {effects.map((e, i) => (
              <li key={i} className={e.action === 'blocks the delete' ? 'error' : ''}>
                <strong>{e.rows.toLocaleString('en-US')}</strong> row{e.rows === 1 ? '' : 's'} in{' '}
                <span className="mono">{e.table}</span>{' '}
                {e.action === 'blocks the delete'
                  ? `${e.rows === 1 ? 'references' : 'reference'} it, and make${e.rows === 1 ? 's' : ''} the delete fail`
                  : `${e.rows === 1 ? 'is' : 'are'} ${e.action}`}{' '}
                <span className="muted small">({e.via})</span>
              </li>
            ))}
          </ul>
          {blocked.length > 0 && (
            <div className="feedback error">
              <Icon name="warning" size={14} /> The commit will fail unless those rows are deleted or changed first.
            </div>
          )}
        </div>
        <footer className="modal-foot">
          <span className="spacer" />
          <button className="btn ghost" onClick={onCancel}>
            Cancel
          </button>
          <button className="btn primary" onClick={onConfirm} data-testid="delete-confirm-ok">
            Mark for deletion
          </button>
        </footer>
      </div>
    </div>
  )
}
