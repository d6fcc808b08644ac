import { useState } from 'react'
import type { MethodOutput } from '../../../src-shared/contract'
import { ENGINES, type Engine } from '../../../src-shared/engines'
import { migrationRunsAs } from './migration-words'
import { markSynced } from '../../../src-shared/model/edit'
import type { ModelDocument } from '../../../src-shared/model/document'
import { counted } from '../../../src-shared/naming'
import { errorMessage } from '../../bridge/client'
import { toast, useApp } from '../../app/store'
import { CodeView } from '../../ui/CodeView'
import { downloadText } from '../../ui/download'
import { Modal } from '../../ui/Modal'
import { refreshSchema } from '../connections/actions'
import { modelApi } from './api'
import { designer, edit } from './designer-store'

type Plan = MethodOutput<'model.diff'>
type Alembic = MethodOutput<'model.alembic'>

/**
 * Dropping tables or columns loses their rows: what goes, for the user to confirm by count. A
 * column a split copies into a new table first is moved, not lost.
 */
function droppedBy(plan: Plan): string[] {
  const moved = new Set(
    plan.summary.flatMap((x) => {
      const m = /^copy (.+) from (.+) into .+$/.exec(x)
      return m ? m[1].split(', ').map((c) => `${m[2]}.${c}`) : []
    }),
  )
  return plan.summary
    .filter((x) => /^drop table /.test(x) || (/^drop column /.test(x) && !moved.has(x.slice('drop column '.length))))
    .map((x) => x.replace(/^drop (table|column) /, ''))
}

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
  plan: Plan
  onClose: () => void
  compareWith?: string
  from?: ModelDocument
}) {
  const name = useApp((s) => s.open[handle]?.name ?? 'the database')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const dropped = compareWith ? [] : droppedBy(plan)
  const drops = dropped.length
  const [typed, setTyped] = useState('')
  // The same diff as an Alembic revision, for projects whose migrations Alembic runs.
  const [alembic, setAlembic] = useState<Alembic | null>(null)
  const [message, setMessage] = useState('')
  const writeRevision = async (text: string) => {
    setError(null)
    try {
      const doc = designer(tabId).doc
      const m = text || 'schemist migration'
      setAlembic(await modelApi.alembic(compareWith && from ? { doc, from, message: m } : { doc, handle, message: m }))
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
      const done = `Applied ${counted(r.summary.length, 'change')} to ${name}`
      toast('success', r.ran ? done : `${name} already matches the model`)
      void refreshSchema(handle)
      onClose()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  const footer = (
    <>
      {alembic ? (
        <AlembicActions alembic={alembic} onBack={() => setAlembic(null)} />
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
    </>
  )
  const title = compareWith ? `From ${compareWith.split(/[\\/]/).pop()} to this model` : `Apply the model to ${name}`
  return (
    <Modal
      title={title}
      onClose={() => !busy && onClose()}
      footer={footer}
      testId="dz-migration"
      className="dz-migration"
    >
      {alembic ? (
        <AlembicView alembic={alembic} message={message} setMessage={setMessage} write={writeRevision} />
      ) : (
        <PlanView plan={plan} compared={!!compareWith} engine={designer(tabId).engine} />
      )}
      {drops > 0 && !alembic && <DropConfirm dropped={dropped} name={name} typed={typed} setTyped={setTyped} />}
      {error && (
        <p className="dz-problems-inline error" role="alert" data-testid="dz-migration-error">
          {error}
        </p>
      )}
    </Modal>
  )
}

function Warnings({ warnings, testId }: { warnings: string[]; testId: string }) {
  if (!warnings.length) return null
  return (
    <ul className="dz-problems-inline" data-testid={testId}>
      {warnings.map((w, i) => (
        <li key={i} className="warning">
          {w}
        </li>
      ))}
    </ul>
  )
}

/** The changes in words, their warnings, and the script that makes them. */
function PlanView({ plan, compared, engine }: { plan: Plan; compared: boolean; engine: Engine }) {
  if (plan.summary.length === 0)
    return (
      <p className="muted">
        {compared
          ? 'The two versions create the same database.'
          : 'The database already matches the model. Nothing to do.'}
      </p>
    )
  return (
    <>
      <ul className="dz-summary" data-testid="dz-migration-summary">
        {plan.summary.map((x, i) => (
          <li key={i}>{x}</li>
        ))}
      </ul>
      <Warnings warnings={plan.warnings} testId="dz-migration-warnings" />
      <p className="muted small">
        {compared
          ? `The migration script between the versions, in ${ENGINES[engine].label}'s dialect (the DDL tab's engine).`
          : migrationRunsAs(engine)}
      </p>
      <div className="dz-script">
        <CodeView text={plan.script} lang={engine} testId="dz-migration-script" />
      </div>
    </>
  )
}

/** The Alembic revision: its message (rewritten on Enter or leaving the box), where it goes, its code. */
function AlembicView({
  alembic,
  message,
  setMessage,
  write,
}: {
  alembic: Alembic
  message: string
  setMessage: (m: string) => void
  write: (m: string) => Promise<void>
}) {
  return (
    <div className="dz-alembic" data-testid="dz-alembic">
      <label className="field">
        <span>Revision message</span>
        <input
          value={message}
          placeholder="schemist migration"
          onChange={(e) => setMessage(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && void write(message)}
          onBlur={() => void write(message)}
          data-testid="dz-alembic-message"
        />
      </label>
      <p className="muted small">
        Revision <span className="mono">{alembic.revision}</span>, following{' '}
        {alembic.downRevision ? <span className="mono">{alembic.downRevision}</span> : 'nothing (the first revision)'}.
        Save it in your project's <span className="mono">versions/</span> folder as{' '}
        <span className="mono">{alembic.filename}</span>.
      </p>
      <Warnings warnings={alembic.warnings} testId="dz-alembic-warnings" />
      <div className="dz-script">
        <CodeView text={alembic.code} lang="python" testId="dz-alembic-code" />
      </div>
    </div>
  )
}

function AlembicActions({ alembic, onBack }: { alembic: Alembic; onBack: () => void }) {
  return (
    <>
      <button className="btn ghost" onClick={onBack}>
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
  )
}

/** Rows that go with dropped tables and columns: the user types how many to go on. */
function DropConfirm({
  dropped,
  name,
  typed,
  setTyped,
}: {
  dropped: string[]
  name: string
  typed: string
  setTyped: (t: string) => void
}) {
  const drops = dropped.length
  return (
    <label className="field dz-confirm-drop">
      <span>
        This drops {drops <= 3 ? dropped.join(', ') : `${dropped.slice(0, 3).join(', ')} and ${drops - 3} more`} from{' '}
        {name}, with {drops === 1 ? 'its' : 'their'} data. Type {drops} (how many go) to confirm.
      </span>
      <input
        className="mono"
        value={typed}
        onChange={(e) => setTyped(e.target.value)}
        inputMode="numeric"
        data-testid="dz-confirm-drops"
      />
    </label>
  )
}
