import { modelApi } from './api'
import { ENGINES } from '../../../src-shared/engines'
import { useState } from 'react'
import type { MethodOutput } from '../../../src-shared/contract'
import { markSynced } from '../../../src-shared/model/edit'
import { errorMessage } from '../../bridge/client'
import { toast, useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { refreshSchema } from '../connections/actions'
import { designer, edit } from './designer-store'
import { CodeView } from '../../ui/CodeView'
import { downloadText } from '../../ui/download'
import type { ModelDocument } from '../../../src-shared/model/document'
import { counted } from '../../../src-shared/naming'

/** What applying the model will do to the database, reviewed before anything runs. */
export function MigrationDialog({
  tabId,
  handle,
  plan,
  onClose,
  compareWith,
  from,
}: {
  tabId: string
  handle: string
  plan: MethodOutput<'model.diff'>
  onClose: () => void
  compareWith?: string
  from?: ModelDocument
}) {
  const name = useApp((s) => s.open[handle]?.name ?? 'the database')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  // Dropping tables or columns loses their rows: the user types how many go before it runs.
  // (A column a split copies into a new table first is moved, not lost.)
  const moved = new Set(
    plan.summary.flatMap((x) => {
      const m = /^copy (.+) from (.+) into .+$/.exec(x)
      return m ? m[1].split(', ').map((c) => `${m[2]}.${c}`) : []
    }),
  )
  const dropped = compareWith
    ? []
    : plan.summary
        .filter(
          (x) => /^drop table /.test(x) || (/^drop column /.test(x) && !moved.has(x.slice('drop column '.length))),
        )
        .map((x) => x.replace(/^drop (table|column) /, ''))
  const drops = dropped.length
  const [typed, setTyped] = useState('')
  // The same diff as an Alembic revision, for projects whose migrations Alembic runs.
  const [alembic, setAlembic] = useState<MethodOutput<'model.alembic'> | null>(null)
  const [message, setMessage] = useState('')
  const writeRevision = async (text: string) => {
    setError(null)
    try {
      const doc = designer(tabId).doc
      const r = await modelApi.alembic(
        compareWith && from
          ? { doc, from, message: text || 'schemist migration' }
          : { doc, handle, message: text || 'schemist migration' },
      )
      setAlembic(r)
    } catch (e) {
      setError(errorMessage(e))
    }
  }
  const run = async () => {
    setBusy(true)
    setError(null)
    try {
      const r = await modelApi.migrate({ handle, doc: designer(tabId).doc })
      edit(tabId, (x) => markSynced(x))
      toast(
        'success',
        r.ran ? `Applied ${counted(r.summary.length, 'change')} to ${name}` : `${name} already matches the model`,
      )
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
      <div
        className="modal dz-migration"
        role="dialog"
        aria-modal="true"
        aria-labelledby="dz-mig-title"
        data-testid="dz-migration"
        onKeyDown={(e) => e.key === 'Escape' && !busy && onClose()}
      >
        <header className="modal-head">
          <h2 id="dz-mig-title">
            {compareWith ? `From ${compareWith.split(/[\\/]/).pop()} to this model` : `Apply the model to ${name}`}
          </h2>
          <button className="icon-button" onClick={onClose} disabled={busy} aria-label="Close">
            <Icon name="close" />
          </button>
        </header>
        <div className="modal-body">
          {alembic ? (
            <div className="dz-alembic" data-testid="dz-alembic">
              <label className="field">
                <span>Revision message</span>
                <input
                  value={message}
                  placeholder="schemist migration"
                  onChange={(e) => setMessage(e.target.value)}
                  onKeyDown={(e) => e.key === 'Enter' && void writeRevision(message)}
                  onBlur={() => void writeRevision(message)}
                  data-testid="dz-alembic-message"
                />
              </label>
              <p className="muted small">
                Revision <span className="mono">{alembic.revision}</span>, following{' '}
                {alembic.downRevision ? (
                  <span className="mono">{alembic.downRevision}</span>
                ) : (
                  'nothing (the first revision)'
                )}
                . Save it in your project's <span className="mono">versions/</span> folder as{' '}
                <span className="mono">{alembic.filename}</span>.
              </p>
              {alembic.warnings.length > 0 && (
                <ul className="dz-problems-inline" data-testid="dz-alembic-warnings">
                  {alembic.warnings.map((w, i) => (
                    <li key={i} className="warning">
                      {w}
                    </li>
                  ))}
                </ul>
              )}
              <div className="dz-script">
                <CodeView text={alembic.code} lang="python" testId="dz-alembic-code" />
              </div>
            </div>
          ) : plan.summary.length === 0 ? (
            <p className="muted">
              {compareWith
                ? 'The two versions create the same database.'
                : 'The database already matches the model. Nothing to do.'}
            </p>
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
              <p className="muted small">
                {compareWith
                  ? `The migration script between the versions, in ${ENGINES[designer(tabId).engine].label}'s dialect (the DDL tab's engine).`
                  : 'It runs in one transaction: if any statement fails, nothing changes.'}
              </p>
              <div className="dz-script">
                <CodeView text={plan.script} lang={designer(tabId).engine} testId="dz-migration-script" />
              </div>
            </>
          )}
          {drops > 0 && !alembic && (
            <label className="field dz-confirm-drop">
              <span>
                This drops{' '}
                {dropped.length <= 3
                  ? dropped.join(', ')
                  : `${dropped.slice(0, 3).join(', ')} and ${dropped.length - 3} more`}{' '}
                from {name}, with {drops === 1 ? 'its' : 'their'} data. Type {drops} (how many go) to confirm.
              </span>
              <input
                className="mono"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                inputMode="numeric"
                data-testid="dz-confirm-drops"
              />
            </label>
          )}
          {error && (
            <p className="dz-problems-inline error" role="alert" data-testid="dz-migration-error">
              {error}
            </p>
          )}
        </div>
        <footer className="modal-foot">
          {alembic ? (
            <>
              <button className="btn ghost" onClick={() => setAlembic(null)}>
                Back to the SQL
              </button>
              <button className="btn ghost" onClick={() => void navigator.clipboard?.writeText(alembic.code)}>
                Copy
              </button>
              <button
                className="btn"
                onClick={() => downloadText(alembic.code, alembic.filename, 'text/x-python')}
                data-testid="dz-alembic-download"
              >
                Download {alembic.filename}
              </button>
            </>
          ) : (
            <>
              <button
                className="btn ghost"
                onClick={() => void navigator.clipboard?.writeText(plan.script)}
                disabled={!plan.summary.length}
              >
                Copy script
              </button>
              <button
                className="btn ghost"
                onClick={() => void writeRevision(message)}
                disabled={!plan.summary.length || (!!compareWith && !from)}
                title="The same changes as an Alembic revision script (upgrade and downgrade)"
                data-testid="dz-alembic-open"
              >
                As Alembic revision…
              </button>
            </>
          )}
          <span className="spacer" />
          <button className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          {!compareWith && !alembic && (
            <button
              className="btn primary"
              onClick={() => void run()}
              disabled={busy || !plan.summary.length || (drops > 0 && typed.trim() !== String(drops))}
              data-testid="dz-migration-run"
            >
              {busy ? 'Running…' : 'Run migration'}
            </button>
          )}
        </footer>
      </div>
    </div>
  )
}
