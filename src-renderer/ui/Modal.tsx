import { Icon } from './icons'

/** A dialog's frame (the grid's export, import and review use it): a title, a body, a footer; Escape or a click outside closes it. */
export function Modal({
  title,
  onClose,
  children,
  footer,
  testId,
}: {
  title: string
  onClose: () => void
  children: React.ReactNode
  footer: React.ReactNode
  testId: string
}) {
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="modal wide"
        role="dialog"
        aria-modal="true"
        data-testid={testId}
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <header className="modal-head">
          <h2>{title}</h2>
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
