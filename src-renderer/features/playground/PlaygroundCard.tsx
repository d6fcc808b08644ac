import { ENGINES, PLAYGROUND_ENGINES, type PlaygroundEngine } from '../../../src-shared/engines'
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
  missing: 'Not installed',
} as const

/** The local playgrounds: real servers started from the app (PostgreSQL's bundled, MariaDB's from the machine). */
export function PlaygroundCard() {
  return (
    <div
      className="playground-card"
      data-testid="playground-card"
      title="Local servers for trying isolation levels, each with the sample schema in database schemist"
    >
      <h4 className="pg-card-title">Playgrounds</h4>
      {PLAYGROUND_ENGINES.map((e) => (
        <PlaygroundRow key={e} engine={e} />
      ))}
    </div>
  )
}

/** One engine's playground: its name and state, then its address (or message) with Start/Stop and Reset. */
function PlaygroundRow({ engine }: { engine: PlaygroundEngine }) {
  const st = useApp((s) => s.playgrounds[engine])
  const info = ENGINES[engine]
  // Until the main process has answered, the row offers nothing: Start on a running server would mislead.
  const state = !st ? 'unknown' : st.available ? st.state : 'missing'
  const busy = state === 'starting' || state === 'stopping' || state === 'unknown'
  const id = (x: string) => `playground-${engine}-${x}`
  const text = st?.message ?? (state === 'running' ? `127.0.0.1:${st?.port}/schemist` : 'sample schema')
  return (
    <div className="pg-row" data-testid={id('row')}>
      <div className="pg-head">
        <span className={`engine-badge ${engine}`}>
          <Icon name={info.icon} size={14} />
        </span>
        <span className="pg-title">{info.label}</span>
        <span className={`pill ${state}`} data-testid={id('state')}>
          {LABEL[state]}
        </span>
      </div>
      <div className="pg-sub">
        <span className="pg-text" data-testid={id('text')}>
          {text}
        </span>
        {state !== 'missing' &&
          (state !== 'running' ? (
            <button
              className="btn small primary"
              disabled={busy}
              onClick={() => void startPlayground(engine)}
              title={`Start the ${info.label} playground`}
              data-testid={id('start')}
            >
              {busy ? <span className="spinner" /> : <Icon name="play" size={12} />} Start
            </button>
          ) : (
            <button
              className="btn small"
              onClick={() => void stopPlayground(engine)}
              title={`Stop the ${info.label} playground (its data stays)`}
              data-testid={id('stop')}
            >
              <Icon name="stop" size={12} /> Stop
            </button>
          ))}
        {state !== 'missing' && (
          <button
            className="icon-button"
            disabled={busy}
            onClick={() => void resetPlayground(engine)}
            title={`Reset: delete the ${info.label} playground's data and create it again with the sample schema`}
            aria-label={`Reset the ${info.label} playground`}
          >
            <Icon name="refresh" size={13} />
          </button>
        )}
      </div>
    </div>
  )
}
