import { dismissToast, useApp } from './store'
import { Icon } from '../ui/icons'

export function Toasts() {
  const toasts = useApp((s) => s.toasts)
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div
          key={t.id}
          className={`toast ${t.kind}`}
          role={t.kind === 'error' ? 'alert' : 'status'}
          onClick={() => dismissToast(t.id)}
        >
          <Icon name={t.kind === 'error' ? 'warning' : 'check'} size={14} />
          <span>{t.message}</span>
        </div>
      ))}
    </div>
  )
}
