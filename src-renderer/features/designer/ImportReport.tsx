import { create } from 'zustand'
import type { ImportNote, ImportReport } from '../../../src-shared/model/import-report'
import { Icon } from '../../ui/icons'

/**
 * What an import did, shown after it: what was read, what was approximated (an enum as a
 * CHECK, a type read as text) and what was left out and why, each with its file and line.
 */
const useReport = create<{ shown: { title: string; report: ImportReport } | null }>(() => ({ shown: null }))

export const showImportReport = (title: string, report: ImportReport) =>
  useReport.setState({ shown: { title, report } })

function Notes({
  title,
  notes,
  kind,
  testId,
}: {
  title: string
  notes: ImportNote[]
  kind: 'warning' | 'error'
  testId: string
}) {
  if (!notes.length) return null
  return (
    <section className="import-report-section">
      <h3>
        {title} <span className="count">{notes.length}</span>
      </h3>
      <ul className={`import-notes ${kind}`} data-testid={testId}>
        {notes.map((n, i) => (
          <li key={i}>
            {n.file && (
              <span className="mono import-where" title={n.file}>
                {n.file.split(/[\\/]/).slice(-2).join('/')}
                {n.line ? `:${n.line}` : ''}
              </span>
            )}
            <span>{n.message}</span>
          </li>
        ))}
      </ul>
    </section>
  )
}

export function ImportReportDialog() {
  const shown = useReport((s) => s.shown)
  if (!shown) return null
  const close = () => useReport.setState({ shown: null })
  const { report } = shown
  const clean = !report.approximated.length && !report.skipped.length
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && close()}>
      <div
        className="modal import-report"
        role="dialog"
        aria-modal="true"
        aria-labelledby="import-report-title"
        data-testid="import-report"
        onKeyDown={(e) => e.key === 'Escape' && close()}
      >
        <header className="modal-head">
          <h2 id="import-report-title">{shown.title}</h2>
          <button className="icon-button" onClick={close} aria-label="Close">
            <Icon name="close" />
          </button>
        </header>
        <div className="modal-body">
          <section className="import-report-section">
            <h3>Read</h3>
            <ul className="import-read" data-testid="import-read">
              {report.read.map((r, i) => (
                <li key={i}>{r}</li>
              ))}
            </ul>
          </section>
          <Notes title="Approximated" notes={report.approximated} kind="warning" testId="import-approximated" />
          <Notes title="Left out" notes={report.skipped} kind="error" testId="import-skipped" />
          {clean && <p className="muted small">Everything in the source was read as it is.</p>}
        </div>
        <footer className="modal-foot">
          <span className="muted small">Undo (Ctrl+Z) brings back the model as it was.</span>
          <span className="spacer" />
          <button className="btn primary" onClick={close} autoFocus data-testid="import-report-ok">
            OK
          </button>
        </footer>
      </div>
    </div>
  )
}
