import { useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { resetPlayground, startPlayground, stopPlayground } from './actions'

const LABEL = {
  unknown: 'Checking…',
  stopped: 'Stopped',
  starting: 'Starting…',
  running: 'Running',
  stopping: 'Stopping…',
  error: 'Failed',
} as const

/** The local PostgreSQL playground: a real server, no install, started from the app. */
export function PlaygroundCard() {
  const st = useApp((s) => s.playground)
  // Until the main process has answered, the card offers nothing: Start on a running server would mislead.
  const state = st?.state ?? 'unknown'
  const busy = state === 'starting' || state === 'stopping' || state === 'unknown'
  return (
    <div className="playground-card" data-testid="playground-card">
      <div className="pg-head">
        <span className="engine-badge postgres">
          <Icon name="elephant" size={14} />
        </span>
        <span className="pg-title">PostgreSQL playground</span>
        <span className={`pill ${state}`} data-testid="playground-state">
          {LABEL[state]}
        </span>
      </div>
      <p className="pg-text">
        {st?.message ??
          (state === 'running'
            ? `127.0.0.1:${st?.port}, database "schemist" with the sample schema`
            : 'A local server for trying isolation levels, created with the sample schema.')}
      </p>
      <div className="pg-actions">
        {state !== 'running' ? (
          <button
            className="btn small primary"
            disabled={busy}
            onClick={startPlayground}
            data-testid="playground-start"
          >
            {busy ? <span className="spinner" /> : <Icon name="play" size={12} />} Start
          </button>
        ) : (
          <button className="btn small" onClick={stopPlayground} data-testid="playground-stop">
            <Icon name="stop" size={12} /> Stop
          </button>
        )}
        <button
          className="btn small ghost"
          disabled={busy}
          onClick={resetPlayground}
          title="Delete the cluster and recreate it with the sample schema"
        >
          <Icon name="refresh" size={12} /> Reset
        </button>
      </div>
    </div>
  )
}
