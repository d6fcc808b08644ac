import { filesApi } from './api'
import type { SavedConnection } from '../../../src-shared/connection'
import { describeConfig, ENGINES, shortLocation } from '../../../src-shared/engines'
import { openDialog, useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { PlaygroundCard } from '../playground/PlaygroundCard'
import { SchemaTree } from '../schema-tree/SchemaTree'
import { openDesignerTab, openIsolationTab, openOrmTab, openQueryTab } from '../tabs/actions'
import { downloadFromHost, errorMessage, transport } from '../../bridge/client'
import { toast } from '../../app/store'
import { closeConnection, reconnect, removeConnection, toggleExpanded } from './actions'

/** A consistent copy of a SQLite connection's file, downloaded by the browser. */
async function downloadDatabase(handle: string) {
  try {
    downloadFromHost((await filesApi.snapshotDatabase({ handle })).url)
  } catch (e) {
    toast('error', errorMessage(e))
  }
}

/** A saved connection: its engine, name and place; whether it is up; its schema tree when open. */
function ConnectionRow({ c }: { c: SavedConnection }) {
  const handle = useApp((s) => s.handleBySaved[c.id])
  const expanded = useApp((s) => !!s.expanded[c.id])
  const connecting = useApp((s) => !!s.connecting[c.id])
  const active = useApp((s) => !!handle && s.activeHandle === handle)
  const lost = useApp((s) => (handle ? s.open[handle]?.lost : undefined))
  // With the host gone, no connection can be said to be up.
  const hostUp = useApp((s) => s.host.state === 'connected')
  return (
    <div className={`conn${active ? ' active' : ''}`}>
      <div className="conn-row">
        <button
          className="conn-main"
          onClick={() => toggleExpanded(c.id)}
          data-testid={`connection-${c.id}`}
          title={describeConfig(c.config)}
        >
          <Icon name="chevron" size={12} className={`chev${expanded && handle ? ' open' : ''}`} />
          <span className={`engine-badge ${c.config.engine}`}>
            <Icon name={ENGINES[c.config.engine].icon} size={14} />
          </span>
          <span className="conn-text">
            <span className="conn-name">{c.name}</span>
            <span className="conn-sub">{shortLocation(c.config)}</span>
          </span>
          {connecting && <span className="spinner" aria-label="Connecting" />}
          {handle && !connecting && !lost && hostUp && <span className="dot-online" title="Connected" />}
          {handle && lost && (
            <span className="dot-lost" title={`Connection lost: ${lost}`} data-testid={`lost-${c.id}`} />
          )}
        </button>
        <ConnectionActions c={c} handle={handle} lost={lost} />
      </div>
      {handle && expanded && <SchemaTree handle={handle} />}
    </div>
  )
}

/** What can be done with a connection: reconnect, query, isolation, ORM, designer, download; disconnect, edit, remove. */
function ConnectionActions({
  c,
  handle,
  lost,
}: {
  c: SavedConnection
  handle: string | undefined
  lost: string | undefined
}) {
  return (
    <div className="conn-actions">
      {handle && lost && (
        <button
          className="btn small primary"
          title={`Connection lost: ${lost}. Open a fresh connection; tabs and pending edits are kept`}
          onClick={() => void reconnect(handle)}
          data-testid={`reconnect-${c.id}`}
        >
          Reconnect
        </button>
      )}
      {handle && (
        <button
          className="icon-button"
          title="New query (Ctrl+T)"
          onClick={() => openQueryTab(handle)}
          data-testid={`new-query-${c.id}`}
        >
          <Icon name="query" size={14} />
        </button>
      )}
      {handle && (
        <button
          className="icon-button"
          title="Isolation: anomaly scenarios and the isolation matrix"
          onClick={() => openIsolationTab(handle)}
          data-testid={`iso-${c.id}`}
        >
          <Icon name="warning" size={14} />
        </button>
      )}
      {handle && (
        <button
          className="icon-button"
          title="ORM playground: a session over this database"
          onClick={() => openOrmTab(handle)}
          data-testid={`orm-${c.id}`}
        >
          <Icon name="sparkle" size={14} />
        </button>
      )}
      {handle && (
        <button
          className="icon-button"
          title="Model designer: this database as a diagram"
          onClick={() => void openDesignerTab(handle, { reverse: true })}
          data-testid={`design-${c.id}`}
        >
          <Icon name="diagram" size={14} />
        </button>
      )}
      {handle && transport === 'web' && ENGINES[c.config.engine].location === 'file' && (
        <button
          className="icon-button"
          title="Download a copy of this database file"
          onClick={() => void downloadDatabase(handle)}
          data-testid={`download-db-${c.id}`}
        >
          <Icon name="download" size={14} />
        </button>
      )}
      {handle && (
        <button className="icon-button" title="Disconnect" onClick={() => closeConnection(handle)}>
          <Icon name="close" size={14} />
        </button>
      )}
      {!c.builtin && (
        <button
          className="icon-button"
          title="Edit connection"
          onClick={() => openDialog({ kind: 'connection', editId: c.id })}
        >
          <Icon name="edit" size={14} />
        </button>
      )}
      {!c.builtin && (
        <button
          className="icon-button danger"
          title="Remove saved connection"
          onClick={() => {
            if (confirm(`Remove the saved connection "${c.name}"?`)) void removeConnection(c.id)
          }}
        >
          <Icon name="trash" size={14} />
        </button>
      )}
    </div>
  )
}

export function Sidebar() {
  const saved = useApp((s) => s.saved)
  return (
    <aside className="sidebar" aria-label="Connections">
      <div className="sidebar-head">
        <span className="section-title">Connections</span>
        <button
          className="icon-button"
          title="New connection (Ctrl+N)"
          onClick={() => openDialog({ kind: 'connection' })}
          data-testid="new-connection"
        >
          <Icon name="plus" />
        </button>
      </div>
      <div className="sidebar-list">
        {saved.map((c) => (
          <ConnectionRow key={c.id} c={c} />
        ))}
      </div>
      <PlaygroundCard />
    </aside>
  )
}
