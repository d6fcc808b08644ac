import { SSL_MODES, type ServerConfig, type SslMode } from '../../../src-shared/connection'
import { BrowseButton } from '../../ui/PathPrompt'

/** A labelled field of the connection dialog. */
export const field = (label: string, input: React.ReactNode, wide = false) => (
  <label className={`field${wide ? ' wide' : ''}`}>
    <span>{label}</span>
    {input}
  </label>
)

/** A database file: its path (typed or browsed), and whether to create it. */
export function FileFields({
  path,
  setPath,
  create,
  setCreate,
}: {
  path: string
  setPath: (p: string) => void
  create: boolean
  setCreate: (on: boolean) => void
}) {
  return (
    <>
      {field(
        'Database file',
        <span className="path-field">
          <input
            value={path}
            onChange={(e) => setPath(e.target.value)}
            placeholder="/path/to/database.sqlite"
            className="mono"
            data-testid="sqlite-path"
            autoFocus
          />
          <BrowseButton
            mode={create ? 'save' : 'open'}
            title="SQLite database file"
            current={path}
            expect={['.sqlite', '.db', '.sqlite3']}
            fileType="SQLite database"
            onPick={setPath}
          />
        </span>,
        true,
      )}
      <label className="check">
        <input type="checkbox" checked={create} onChange={(e) => setCreate(e.target.checked)} /> Create the file if it
        does not exist
      </label>
    </>
  )
}

/** A server's host, port, user, password, database and SSL mode. */
export function ServerFields({
  pg,
  setPg,
  passwordPlaceholder,
}: {
  pg: ServerConfig
  setPg: (c: ServerConfig) => void
  passwordPlaceholder: string
}) {
  return (
    <div className="field-grid">
      {field(
        'Host',
        <input value={pg.host} onChange={(e) => setPg({ ...pg, host: e.target.value })} data-testid="pg-host" />,
      )}
      {field(
        'Port',
        <input
          type="number"
          value={pg.port}
          onChange={(e) => setPg({ ...pg, port: Number(e.target.value) || 5432 })}
          data-testid="pg-port"
        />,
      )}
      {field(
        'User',
        <input value={pg.user} onChange={(e) => setPg({ ...pg, user: e.target.value })} data-testid="pg-user" />,
      )}
      {field(
        'Password',
        <input
          type="password"
          value={pg.password ?? ''}
          placeholder={passwordPlaceholder}
          onChange={(e) => setPg({ ...pg, password: e.target.value })}
          data-testid="pg-password"
        />,
      )}
      {field(
        'Database',
        <input
          value={pg.database}
          onChange={(e) => setPg({ ...pg, database: e.target.value })}
          data-testid="pg-database"
        />,
      )}
      {field(
        'SSL mode',
        <select value={pg.sslMode} onChange={(e) => setPg({ ...pg, sslMode: e.target.value as SslMode })}>
          {SSL_MODES.map((m) => (
            <option key={m}>{m}</option>
          ))}
        </select>,
      )}
    </div>
  )
}
