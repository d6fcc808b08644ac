import { useState } from 'react'
import { errorMessage } from '../../bridge/client'
import { useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { askPath } from '../../ui/PathPrompt'
import { openSaved, saveConnection } from '../connections/actions'

/**
 * Where a model is applied: one of the open connections, or a new SQLite file. A new model is
 * bound to no database, so Apply never quietly goes to whichever connection was active (it used
 * to preview dropping all of the sample's tables for a three-table model).
 */
export function TargetDialog({
  current,
  onPick,
  onClose,
}: {
  current: string | null
  onPick: (handle: string) => void
  onClose: () => void
}) {
  const open = useApp((s) => s.open)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const newFile = async () => {
    const path = await askPath({
      title: 'A new SQLite database for the model',
      hint: 'The file is created; the model is applied to it after the preview.',
      initial: 'model.sqlite',
      expect: ['.sqlite', '.db'],
      fileType: 'SQLite database',
      mode: 'save',
    })
    if (!path) return
    setBusy(true)
    setError(null)
    try {
      // Saved, so the new database is in the sidebar with the others.
      const saved = await saveConnection({
        name: path.split(/[\\/]/).pop() ?? path,
        config: { engine: 'sqlite', path, create: true, readOnly: false },
        rememberPassword: false,
      })
      const h = await openSaved(saved.id, { focus: 'if-none' })
      if (h) onPick(h)
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  const conns = Object.values(open).filter((c) => !c.lost && !c.readOnly)
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onClose()}>
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="dz-target-title"
        data-testid="dz-target"
        onKeyDown={(e) => e.key === 'Escape' && !busy && onClose()}
      >
        <header className="modal-head">
          <h2 id="dz-target-title">Apply the model to which database?</h2>
          <button className="icon-button" onClick={onClose} disabled={busy} aria-label="Close">
            <Icon name="close" />
          </button>
        </header>
        <div className="modal-body">
          <p className="muted small">The next step previews every change before anything runs.</p>
          <ul className="target-list">
            {conns.map((c) => (
              <li key={c.handle}>
                <button
                  className={`btn${c.handle === current ? ' primary' : ''}`}
                  onClick={() => onPick(c.handle)}
                  disabled={busy}
                  data-testid={`dz-target-${c.name}`}
                >
                  <Icon name="database" size={13} /> {c.name} <span className="muted small">{c.serverVersion}</span>
                </button>
              </li>
            ))}
            <li>
              <button className="btn" onClick={() => void newFile()} disabled={busy} data-testid="dz-target-new-sqlite">
                <Icon name="plus" size={13} /> A new SQLite file…
              </button>
            </li>
          </ul>
          {error && (
            <p className="dz-problems-inline error" role="alert">
              {error}
            </p>
          )}
        </div>
      </div>
    </div>
  )
}
