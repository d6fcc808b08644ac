import { PLAYGROUND_ENGINES } from '../../src-shared/engines'
import { modelApi } from './api'
import { openDialog, useApp } from './store'
import { Icon } from '../ui/icons'
import { openSaved } from '../features/connections/actions'
import { startPlayground } from '../features/playground/actions'
import { openDesignerTab, openNormalizeCsv, openModelFile, openOrmTab, openQueryTab } from '../features/tabs/actions'
import { useEffect, useState } from 'react'
import { transport } from '../bridge/client'
import { openDroppedFiles } from '../features/files/drop-files'

const SHORTCUTS: [string, string][] = [
  ['Ctrl+N', 'New connection'],
  ['Ctrl+T', 'New query on the active connection'],
  ['Ctrl+Enter', 'Run the query'],
  ['Ctrl+W', 'Close the tab'],
  ['Ctrl+Tab', 'Next tab'],
  ['Ctrl+B', 'Toggle the sidebar'],
  ['Ctrl+Shift+L', 'Toggle light and dark'],
]

/** The empty state: what Schemist is for, and one click to each starting point. */
export function Welcome() {
  return (
    <div className="welcome" data-testid="welcome">
      <div className="welcome-inner">
        <h1>
          Schemist <span className="muted">data modeling & transaction explorer</span>
        </h1>
        <p className="muted">Pick a table on the left to see its structure, or start somewhere below.</p>
        <StartCards />
        <RecentModels />
        <h3>Keyboard</h3>
        <dl className="shortcuts">
          {SHORTCUTS.map(([k, v]) => (
            <div key={k}>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      </div>
    </div>
  )
}

/** One click to each starting point; the ones that need a connection wait for one. */
function StartCards() {
  const sampleId = useApp((s) => s.info?.sampleConnectionId)
  const handle = useApp((s) => s.activeHandle)
  const pgState = useApp((s) => s.playgrounds[PLAYGROUND_ENGINES[0]]?.state)
  return (
    <div className="cards">
      <button className="card" onClick={() => sampleId && openSaved(sampleId)}>
        <Icon name="database" size={20} />
        <strong>Sample database</strong>
        <span>Users, profiles, posts, cities, and every example table from the normalization notes.</span>
      </button>
      <button className="card" onClick={() => openDialog({ kind: 'connection' })}>
        <Icon name="plus" size={20} />
        <strong>New connection</strong>
        <span>A SQLite file, or a PostgreSQL or MariaDB server by fields, URL or .env file.</span>
      </button>
      <button className="card" onClick={() => startPlayground(PLAYGROUND_ENGINES[0])} disabled={pgState === 'starting'}>
        <Icon name="elephant" size={20} />
        <strong>PostgreSQL playground</strong>
        <span>
          {pgState === 'running'
            ? 'Running: open it in the sidebar.'
            : 'A real local server, no install, with the sample schema.'}
        </span>
      </button>
      <button className="card" disabled={!handle} onClick={() => handle && openQueryTab(handle)}>
        <Icon name="query" size={20} />
        <strong>New query</strong>
        <span>Run SQL on the active connection.</span>
      </button>
      <button
        className="card"
        disabled={!handle}
        onClick={() => handle && openOrmTab(handle)}
        data-testid="welcome-orm"
      >
        <Icon name="sparkle" size={20} />
        <strong>ORM playground</strong>
        <span>
          A SQLAlchemy-style session: identity map, unit of work, cascades and loading strategies, with the SQL they
          send.
        </span>
      </button>
      <button
        className="card"
        disabled={!handle}
        onClick={() => handle && void openDesignerTab(handle)}
        data-testid="welcome-designer"
      >
        <Icon name="diagram" size={20} />
        <strong>New model</strong>
        <span>
          Design tables and relationships on a canvas; get DDL and SQLAlchemy code; apply it to a database you choose.
        </span>
      </button>
      <button
        className="card"
        disabled={!handle}
        onClick={() => handle && void openNormalizeCsv(handle)}
        data-testid="welcome-normalize-csv"
      >
        <Icon name="sparkle" size={20} />
        <strong>Normalize a CSV file</strong>
        <span>
          Find the functional dependencies in a spreadsheet export, its normal form, and the tables it should be split
          into.
        </span>
      </button>
      {transport === 'web' && (
        <label className="card" data-testid="welcome-open-file">
          <Icon name="database" size={20} />
          <strong>Open a file from this computer</strong>
          <span>A SQLite database, a model, SQLAlchemy, SQL, DBML or CSV: or drop it anywhere on the window.</span>
          <input
            type="file"
            hidden
            multiple
            accept=".sqlite,.sqlite3,.db,.json,.py,.sql,.dbml,.csv,.tsv,.txt"
            onChange={(e) => {
              const files = [...(e.target.files ?? [])]
              e.target.value = ''
              void openDroppedFiles(files)
            }}
            data-testid="welcome-file-input"
          />
        </label>
      )}
    </div>
  )
}

/** The models opened lately (an autosaved one says so); each opens against the active connection. */
function RecentModels() {
  const handle = useApp((s) => s.activeHandle)
  const [recent, setRecent] = useState<string[]>([])
  useEffect(() => {
    modelApi.recent({}).then(setRecent, () => setRecent([]))
  }, [])
  if (recent.length === 0) return null
  return (
    <>
      <h3>Recent models</h3>
      <ul className="recent-models" data-testid="recent-models">
        {recent.slice(0, 6).map((p) => (
          <li key={p}>
            <button
              className="link"
              disabled={!handle}
              title={handle ? p : 'Open a connection first: the model applies to it'}
              onClick={() => handle && void openModelFile(handle, p)}
            >
              {/autosave-/.test(p) ? 'Unsaved model (autosaved) · ' : ''}
              {p.split(/[\\/]/).pop()}
            </button>
            <span className="muted small"> {p}</span>
          </li>
        ))}
      </ul>
    </>
  )
}
