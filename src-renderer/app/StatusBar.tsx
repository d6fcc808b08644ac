import { ENGINES } from '../../src-shared/engines'
import { useEffect, useState } from 'react'
import { useApp } from './store'
import { toggleTheme } from './store'
import { Icon } from '../ui/icons'
import { reconnect } from '../features/connections/actions'

export function StatusBar() {
  const conn = useApp((s) => (s.activeHandle ? s.open[s.activeHandle] : undefined))
  const tx = useApp((s) => (s.activeHandle ? (s.txState[s.activeHandle] ?? 'auto-commit') : 'auto-commit'))
  const theme = useApp((s) => s.theme)
  const info = useApp((s) => s.info)
  const playgrounds = useApp((s) => s.playgrounds)
  const running = Object.values(playgrounds).filter((p) => p.state !== 'stopped')
  const openCount = useApp((s) => Object.keys(s.open).length)
  const host = useApp((s) => s.host)
  const since = useApp((s) => (s.activeHandle ? (s.txSince[s.activeHandle] ?? null) : null))
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    if (since === null) return
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [since])
  const age = since !== null && tx !== 'auto-commit' ? Math.max(0, Math.round((now - since) / 1000)) : null
  return (
    <footer className="statusbar" data-testid="statusbar">
      {host.state === 'lost' && (
        <span className="tx-status failed" role="alert" data-testid="status-host" title={host.message}>
          Host lost: {host.message}
        </span>
      )}
      {conn ? (
        <>
          <span className={`status-dot ${conn.engine}`} />
          <span data-testid="status-connection">{conn.name}</span>
          <span className="sep">·</span>
          <span>{conn.serverVersion}</span>
          <span className="sep">·</span>
          {conn.lost ? (
            <>
              <span className="tx-status failed" data-testid="status-tx" title={conn.lost}>
                Connection lost
              </span>
              <button
                className="status-button"
                onClick={() => void reconnect(conn.handle)}
                data-testid="status-reconnect"
              >
                Reconnect
              </button>
            </>
          ) : (
            <span
              className={`tx-status ${tx.replace(' ', '-')}`}
              data-testid="status-tx"
              title="The query tabs' connection: statements commit as they run unless you BEGIN a transaction"
            >
              {tx === 'auto-commit'
                ? 'Auto-commit'
                : tx === 'failed'
                  ? 'Transaction failed: ROLLBACK'
                  : 'In transaction'}
            </span>
          )}
          {!conn.lost && age !== null && (
            <span
              className="muted"
              data-testid="status-tx-age"
              title="How long the query tabs' transaction has been open: it holds its locks until COMMIT or ROLLBACK"
            >
              {age < 60 ? `${age} s` : `${Math.floor(age / 60)} min ${age % 60} s`}
            </span>
          )}
          {conn.readOnly && <span className="chip tiny">read-only</span>}
        </>
      ) : (
        <span>No connection selected</span>
      )}
      <span className="spacer" />
      {openCount > 0 && <span>{openCount} open</span>}
      {running.map((p) => (
        <span key={p.engine}>
          {ENGINES[p.engine].label} playground: {p.state}
        </span>
      ))}
      {info && <span title={info.dataDir}>{info.transport === 'web' ? 'Web mode' : 'Desktop'}</span>}
      <button
        className="status-button"
        onClick={toggleTheme}
        title="Toggle theme (Ctrl+Shift+L)"
        data-testid="toggle-theme"
      >
        <Icon name={theme === 'dark' ? 'sun' : 'moon'} size={13} /> {theme === 'dark' ? 'Light' : 'Dark'}
      </button>
    </footer>
  )
}
