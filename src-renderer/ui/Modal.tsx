import { useId } from 'react'
import { Icon } from './icons'

/**
 * A dialog's frame: a title, a body, a footer; Escape or a click outside closes it. The title
 * names the dialog for assistive technology.
 */
export function Modal({
  title,
  onClose,
  children,
  footer,
  testId,
  className = 'wide',
}: {
  title: React.ReactNode
  onClose: () => void
  children: React.ReactNode
  footer: React.ReactNode
  testId: string
  /** Sizes the frame: `wide` by default. */
  className?: string
}) {
  const titleId = useId()
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className={`modal ${className}`.trim()}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        data-testid={testId}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <header className="modal-head">
          <h2 id={titleId}>{title}</h2>
          <button className="icon-button" onClick={onClose} aria-label="Close">
            <Icon name="close" />
          </button>
        </header>
        <div className="modal-body">{children}</div>
        <footer className="modal-foot">{footer}</footer>
      </div>
    </div>
  )
}
