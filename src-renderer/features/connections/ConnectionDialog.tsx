import { connectionsApi } from './api'
import { useState } from 'react'
import { type ConnectionConfig, type PostgresConfig } from '../../../src-shared/connection'
import {
  ENGINE_LIST,
  ENGINES,
  fileConfig,
  fileOf,
  serverConfig,
  serverOf,
  shortLocation,
  type Engine,
} from '../../../src-shared/engines'
import { BridgeError, errorMessage } from '../../bridge/client'
import { openDialog, useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { openSaved, saveConnection } from './actions'
import { field, FileFields, ServerFields } from './ConnectionFields'

type Mode = 'fields' | 'url' | 'env'
type Feedback = { kind: 'ok' | 'error' | 'info'; text: string } | null

/** A new server connection's fields: the engine's defaults. */
const serverDefaults = (e: Engine): PostgresConfig => ({ ...serverOf(serverConfig(e, {}))!, password: '' })
const FIRST_SERVER = ENGINE_LIST.find((e) => e.location === 'server')!.name

/** New or edit connection: a database file, or a server by fields, URL or a .env file. */
export function ConnectionDialog({ editId }: { editId?: string }) {
  const info = useApp((s) => s.info)
  const existing = useApp((s) => s.saved.find((c) => c.id === editId))
  const [engine, setEngine] = useState<Engine>(existing?.config.engine ?? ENGINE_LIST[0].name)
  const [name, setName] = useState(existing?.name ?? '')
  const [path, setPath] = useState((existing && fileOf(existing.config)) ?? '')
  const [create, setCreate] = useState(false)
  const [pg, setPg] = useState<PostgresConfig>(() => {
    const server = existing && serverOf(existing.config)
    return server ? { ...serverDefaults(server.engine), ...server, password: '' } : serverDefaults(FIRST_SERVER)
  })
  const [mode, setMode] = useState<Mode>('fields')
  const [url, setUrl] = useState('')
  const [envText, setEnvText] = useState('')
  const [remember, setRemember] = useState(true)
  const [feedback, setFeedback] = useState<Feedback>(null)
  const [busy, setBusy] = useState(false)

  const isFile = ENGINES[engine].location === 'file'
  const config = (): ConnectionConfig => {
    if (isFile) return fileConfig(engine, path.trim(), create)
    const { engine: _e, ...fields } = pg
    return serverConfig(engine, { ...fields, password: pg.password || undefined })
  }
  const pickEngine = (e: Engine) => {
    setEngine(e)
    // What was said about the other engine's settings no longer applies.
    if (e !== engine) setFeedback(null)
    if (ENGINES[e].location === 'server' && pg.engine !== e) setPg(serverDefaults(e))
  }
  const close = () => openDialog(null)
  const fail = (e: unknown) =>
    setFeedback({ kind: 'error', text: e instanceof BridgeError ? `${e.message}` : errorMessage(e) })

  async function applyUrl(u: string) {
    setUrl(u)
    if (!u.trim()) return
    try {
      setPg(await connectionsApi.parseUrl({ url: u }))
      setFeedback({ kind: 'info', text: 'Fields filled from the URL' })
    } catch (e) {
      fail(e)
    }
  }

  async function applyEnv(text: string) {
    setEnvText(text)
    if (!text.trim()) return
    try {
      const r = await connectionsApi.parseEnv({ text })
      setPg(r.config)
      setFeedback({
        kind: 'info',
        text: `Read ${r.found.join(', ') || 'nothing'}${r.missing.length ? `; defaults for ${r.missing.join(', ')}` : ''}`,
      })
    } catch (e) {
      fail(e)
    }
  }

  async function test() {
    setBusy(true)
    setFeedback({ kind: 'info', text: 'Connecting…' })
    try {
      const r = await connectionsApi.test({ config: config() })
      setFeedback({ kind: 'ok', text: r.message })
    } catch (e) {
      fail(e)
    } finally {
      setBusy(false)
    }
  }

  async function save(connect: boolean) {
    const cfg = config()
    const server = serverOf(cfg)
    const label = name.trim() || (server ? `${server.database} on ${server.host}` : shortLocation(cfg))
    setBusy(true)
    try {
      // Save & connect saves only a connection that opens: one that fails stays in the dialog,
      // with the reason, and Save keeps it anyway when that is what the user wants.
      if (connect) {
        try {
          await connectionsApi.test({ config: cfg })
        } catch (e) {
          setFeedback({
            kind: 'error',
            text: `Could not connect, so nothing was saved: ${e instanceof Error ? e.message : String(e)} Fix the settings, or press Save to keep them anyway.`,
          })
          return
        }
      }
      const saved = await saveConnection({ id: editId, name: label, config: cfg, rememberPassword: remember })
      close()
      if (connect) await openSaved(saved.id)
    } catch (e) {
      fail(e)
    } finally {
      setBusy(false)
    }
  }

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
              onClick={() => pickEngine(e)}
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
              value={name}
              onChange={(e) => setName(e.target.value)}
              placeholder="Optional: shown in the sidebar"
              data-testid="conn-name"
            />,
            true,
          )}
          {isFile ? (
            <>
              <FileFields path={path} setPath={setPath} create={create} setCreate={setCreate} />
            </>
          ) : (
            <>
              <div className="segmented small">
                {(['fields', 'url', 'env'] as const).map((m) => (
                  <button
                    key={m}
                    className={mode === m ? 'on' : ''}
                    onClick={() => setMode(m)}
                    data-testid={`pg-mode-${m}`}
                  >
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
                    placeholder="postgres://user:password@host:5432/database?sslmode=prefer"
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
                pg={pg}
                setPg={setPg}
                passwordPlaceholder={existing?.passwordStorage !== 'none' && editId ? '(unchanged)' : ''}
              />
              <label className="check">
                <input type="checkbox" checked={remember} onChange={(e) => setRemember(e.target.checked)} /> Remember
                the password
              </label>
              <p className="hint" data-testid="password-storage-note">
                {info?.secretStorage === 'encrypted'
                  ? 'Passwords are encrypted with your system keychain before they are saved.'
                  : 'Web mode: the password is kept in memory for this run only and is never written to disk. You will be asked again after a restart.'}
              </p>
            </>
          )}
          {feedback && (
            <div
              className={`feedback ${feedback.kind}`}
              role={feedback.kind === 'error' ? 'alert' : 'status'}
              data-testid="conn-feedback"
            >
              <Icon
                name={feedback.kind === 'ok' ? 'check' : feedback.kind === 'error' ? 'warning' : 'sparkle'}
                size={14}
              />{' '}
              {feedback.text}
            </div>
          )}
        </div>
        <footer className="modal-foot">
          <button className="btn" onClick={test} disabled={busy} data-testid="conn-test">
            Test connection
          </button>
          <span className="spacer" />
          <button className="btn ghost" onClick={close}>
            Cancel
          </button>
          <button className="btn" onClick={() => save(false)} disabled={busy}>
            Save
          </button>
          <button className="btn primary" onClick={() => save(true)} disabled={busy} data-testid="conn-save-connect">
            Save & connect
          </button>
        </footer>
      </div>
    </div>
  )
}
