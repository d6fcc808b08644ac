import { useApp } from '../../app/store'
import { reconnect } from './actions'

/** Shown next to an error while the tab's connection is lost: one click opens a fresh one. */
export function ReconnectButton({ handle }: { handle: string }) {
  const lost = useApp((s) => s.open[handle]?.lost)
  if (!lost) return null
  return (
    <button className="btn small primary reconnect" onClick={() => void reconnect(handle)} data-testid="tab-reconnect">
      Reconnect
    </button>
  )
}
