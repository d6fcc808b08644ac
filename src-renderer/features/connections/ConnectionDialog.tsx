import { useState } from 'react'
import { ENGINE_LIST } from '../../../src-shared/engines'
import { useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { connectionsApi } from './api'
import { field, FileFields, ServerFields } from './ConnectionFields'
import { useConnectionForm, type ConnectionForm, type Feedback } from './use-connection-form'

type Mode = 'fields' | 'url' | 'env'

/** New or edit connection: a database file, or a server by fields, URL or a .env file. */
export function ConnectionDialog({ editId }: { editId?: string }) {
  const f = useConnectionForm(editId)
  const { engine, busy, close } = f
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div
        className="modal"
        role="dialog"
        aria-modal="true"
        aria-labelledby="conn-title"
        data-testid="connection-dialog"
        onKeyDown={(e) => e.key === 'Escape' && close()}
      >
        <header className="modal-head">
          <h2 id="conn-title">{editId ? 'Edit connection' : 'New connection'}</h2>
          <button className="icon-button" onClick={close} aria-label="Close">
            <Icon name="close" />
          </button>
        </header>
        <div className="segmented" role="tablist">
          {ENGINE_LIST.map(({ name: e, label, icon }) => (
            <button
              key={e}
              role="tab"
              aria-selected={engine === e}
              className={engine === e ? 'on' : ''}
              onClick={() => f.pickEngine(e)}
              data-testid={`engine-${e}`}
            >
              <Icon name={icon} size={14} /> {label}
            </button>
          ))}
        </div>
        <div className="modal-body">
          {field(
            'Name',
            <input
              value={f.name}
              onChange={(e) => f.setName(e.target.value)}
              placeholder="Optional: shown in the sidebar"
              data-testid="conn-name"
            />,
            true,
          )}
          {f.isFile ? (
            <FileFields path={f.path} setPath={f.setPath} create={f.create} setCreate={f.setCreate} />
          ) : (
            <ServerSection f={f} editId={editId} />
          )}
          {f.feedback && <FeedbackLine feedback={f.feedback} />}
        </div>
        <footer className="modal-foot">
          <button className="btn" onClick={() => void f.test()} disabled={busy} data-testid="conn-test">
            Test connection
          </button>
          <span className="spacer" />
          <button className="btn ghost" onClick={close}>
            Cancel
          </button>
          <button className="btn" onClick={() => void f.save(false)} disabled={busy}>
            Save
          </button>
          <button
            className="btn primary"
            onClick={() => void f.save(true)}
            disabled={busy}
            data-testid="conn-save-connect"
          >
            Save & connect
          </button>
        </footer>
      </div>
    </div>
  )
}

/** A server: its fields typed, or filled from a URL or a .env file; whether the password is kept, and how. */
function ServerSection({ f, editId }: { f: ConnectionForm; editId: string | undefined }) {
  const info = useApp((s) => s.info)
  const [mode, setMode] = useState<Mode>('fields')
  const [url, setUrl] = useState('')
  const [envText, setEnvText] = useState('')
  async function applyUrl(u: string) {
    setUrl(u)
    if (!u.trim()) return
    try {
      const c = await connectionsApi.parseUrl({ url: u })
      // A mysql:// URL on the PostgreSQL tab (or the other way round) switches to its engine.
      if (c.engine !== f.engine) f.pickEngine(c.engine)
      f.setPg(c)
      f.setFeedback({ kind: 'info', text: 'Fields filled from the URL' })
    } catch (e) {
      f.fail(e)
    }
  }

  async function applyEnv(text: string) {
    setEnvText(text)
    if (!text.trim()) return
    try {
      const r = await connectionsApi.parseEnv({ text })
      if (r.config.engine !== f.engine) f.pickEngine(r.config.engine)
      f.setPg(r.config)
      f.setFeedback({
        kind: 'info',
        text: `Read ${r.found.join(', ') || 'nothing'}${r.missing.length ? `; defaults for ${r.missing.join(', ')}` : ''}`,
      })
    } catch (e) {
      f.fail(e)
    }
  }

  return (
    <>
      <div className="segmented small">
        {(['fields', 'url', 'env'] as const).map((m) => (
          <button key={m} className={mode === m ? 'on' : ''} onClick={() => setMode(m)} data-testid={`pg-mode-${m}`}>
            {m === 'fields' ? 'Fields' : m === 'url' ? 'URL' : '.env file'}
          </button>
        ))}
      </div>
      {mode === 'url' &&
        field(
          'Connection URL',
          <input
            className="mono"
            value={url}
            placeholder="postgres://user:password@host:5432/db?sslmode=prefer, or mysql://user:password@host:3306/db"
            onChange={(e) => void applyUrl(e.target.value)}
            data-testid="pg-url"
          />,
          true,
        )}
      {mode === 'env' && (
        <div className="field wide">
          <span>.env contents (DB_USER, DB_PASSWORD, DB_HOST, DB_PORT, DB_NAME)</span>
          <textarea
            className="mono"
            rows={5}
            value={envText}
            onChange={(e) => void applyEnv(e.target.value)}
            placeholder={'DB_HOST=localhost\nDB_PORT=5432\nDB_USER=postgres\nDB_PASSWORD=...\nDB_NAME=app'}
            data-testid="pg-env"
          />
          <input
            type="file"
            accept=".env,text/plain"
            onChange={async (e) => {
              const f = e.target.files?.[0]
              if (f) await applyEnv(await f.text())
            }}
          />
        </div>
      )}
      <ServerFields
        pg={f.pg}
        setPg={f.setPg}
        passwordPlaceholder={f.existing?.passwordStorage !== 'none' && editId ? '(unchanged)' : ''}
      />
      <label className="check">
        <input type="checkbox" checked={f.remember} onChange={(e) => f.setRemember(e.target.checked)} /> Remember the
        password
      </label>
      <p className="hint" data-testid="password-storage-note">
        {info?.secretStorage === 'encrypted'
          ? 'Passwords are encrypted with your system keychain before they are saved.'
          : 'Web mode: the password is kept in memory for this run only and is never written to disk. You will be asked again after a restart.'}
      </p>
    </>
  )
}

function FeedbackLine({ feedback }: { feedback: NonNullable<Feedback> }) {
  return (
    <div
      className={`feedback ${feedback.kind}`}
      role={feedback.kind === 'error' ? 'alert' : 'status'}
      data-testid="conn-feedback"
    >
      <Icon name={feedback.kind === 'ok' ? 'check' : feedback.kind === 'error' ? 'warning' : 'sparkle'} size={14} />{' '}
      {feedback.text}
    </div>
  )
}
