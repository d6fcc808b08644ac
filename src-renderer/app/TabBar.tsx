import { tabIcon } from './tab-registry'
import { useApp } from './store'
import { Icon } from '../ui/icons'
import { activateTab, closeTab } from '../features/tabs/actions'

export function TabBar() {
  const tabs = useApp((s) => s.tabs)
  const active = useApp((s) => s.activeTab)
  const open = useApp((s) => s.open)
  if (tabs.length === 0) return null
  return (
    <nav className="tabbar" aria-label="Open tabs">
      {tabs.map((t) => (
        // The tab and its close button side by side (a button inside a tab is not allowed).
        <div
          key={t.id}
          role="presentation"
          className={`tab${t.id === active ? ' active' : ''}`}
          onClick={() => activateTab(t.id)}
          onAuxClick={(e) => e.button === 1 && closeTab(t.id)}
          title={`${t.title} · ${open[t.handle]?.name ?? ''}`}
          data-testid={`tab-${t.title}`}
        >
          {/* A link to the tab's view (Enter opens it; the close button sits beside it, not inside). */}
          <a
            className="tab-label"
            href={`#${encodeURIComponent(t.id)}`}
            aria-current={t.id === active ? 'page' : undefined}
            onClick={(e) => {
              e.preventDefault()
              activateTab(t.id)
            }}
          >
            <Icon name={tabIcon(t.kind)} size={13} />
            <span className={`tab-engine ${open[t.handle]?.engine ?? ''}`} />
            <span className="tab-title">{t.title}</span>
          </a>
          <button
            className="tab-close"
            aria-label={`Close ${t.title}`}
            onClick={(e) => {
              e.stopPropagation()
              closeTab(t.id)
            }}
          >
            <Icon name="close" size={11} />
          </button>
        </div>
      ))}
    </nav>
  )
}
