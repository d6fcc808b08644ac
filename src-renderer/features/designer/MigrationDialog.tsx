import { useState } from 'react'
import type { MethodOutput } from '../../../src-shared/contract'
import { markSynced } from '../../../src-shared/model/edit'
import { call, errorMessage } from '../../bridge/client'
import { toast, useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { refreshSchema } from '../connections/actions'
import { designer, edit } from './designer-store'
import { CodeView } from '../../ui/CodeView'
import { counted } from '../../../src-shared/naming'

/** What applying the model will do to the database, reviewed before anything runs. */
export function MigrationDialog({ tabId, handle, plan, onClose, compareWith }: { tabId: string; handle: string; plan: MethodOutput<'model.diff'>; onClose: () => void; compareWith?: string }) {
  const name = useApp((s) => s.open[handle]?.name ?? 'the database')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const run = async () => {
    setBusy(true)
    setError(null)
    try {
      const r = await call('model.migrate', { handle, doc: designer(tabId).doc })
      edit(tabId, (x) => markSynced(x))
      toast('success', r.ran ? `Applied ${counted(r.summary.length, 'change')} to ${name}` : `${name} already matches the model`)
      void refreshSchema(handle)
      onClose()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onClose()}>
      <div className="modal dz-migration" role="dialog" aria-modal="true" aria-labelledby="dz-mig-title" data-testid="dz-migration" onKeyDown={(e) => e.key === 'Escape' && !busy && onClose()}>
        <header className="modal-head">
          <h2 id="dz-mig-title">{compareWith ? `From ${compareWith.split(/[\\/]/).pop()} to this model` : `Apply the model to ${name}`}</h2>
          <button className="icon-button" onClick={onClose} disabled={busy} aria-label="Close">
            <Icon name="close" />
          </button>
        </header>
        <div className="modal-body">
          {plan.summary.length === 0 ? (
            <p className="muted">{compareWith ? 'The two versions create the same database.' : 'The database already matches the model. Nothing to do.'}</p>
          ) : (
            <>
              <ul className="dz-summary" data-testid="dz-migration-summary">
                {plan.summary.map((x, i) => (
                  <li key={i}>{x}</li>
                ))}
              </ul>
              {plan.warnings.length > 0 && (
                <ul className="dz-problems-inline" data-testid="dz-migration-warnings">
                  {plan.warnings.map((w, i) => (
                    <li key={i} className="warning">
                      {w}
                    </li>
                  ))}
                </ul>
              )}
              <p className="muted small">{compareWith ? `The migration script between the versions, in ${designer(tabId).engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}'s dialect (the DDL tab's engine).` : 'It runs in one transaction: if any statement fails, nothing changes.'}</p>
              <div className="dz-script">
                <CodeView text={plan.script} lang={designer(tabId).engine} testId="dz-migration-script" />
              </div>
            </>
          )}
          {error && (
            <p className="dz-problems-inline error" role="alert" data-testid="dz-migration-error">
              {error}
            </p>
          )}
        </div>
        <footer className="modal-foot">
          <button className="btn ghost" onClick={() => void navigator.clipboard?.writeText(plan.script)} disabled={!plan.summary.length}>
            Copy script
          </button>
          <span className="spacer" />
          <button className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          {!compareWith && (
            <button className="btn primary" onClick={() => void run()} disabled={busy || !plan.summary.length} data-testid="dz-migration-run">
              {busy ? 'Running…' : 'Run migration'}
            </button>
          )}
        </footer>
      </div>
    </div>
  )
}
