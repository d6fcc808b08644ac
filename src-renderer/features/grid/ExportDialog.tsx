import { dataApi, filesApi } from './api'
import { useEffect, useState } from 'react'
import type { EventPayload } from '../../../src-shared/contract'
import type { Expr } from '../../../src-shared/expr'
import type { SortKey, TableRef } from '../../../src-shared/grid'
import { downloadFromHost, errorMessage, onEvent, transport } from '../../bridge/client'
import { useApp } from '../../app/store'
import { BrowseButton } from '../../ui/PathPrompt'

import { Modal } from '../../ui/Modal'

/** Export the current view (filter and sort included) to a file, with progress and cancel. */
export function ExportDialog({
  handle,
  table,
  view,
  onClose,
}: {
  handle: string
  table: TableRef
  view: { sort: SortKey[]; filter: Expr | null; where: string }
  onClose: () => void
}) {
  const dataDir = useApp((s) => s.info?.dataDir ?? '')
  const [format, setFormat] = useState<'csv' | 'json' | 'sql'>('csv')
  const stamp = new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')
  const [path, setPath] = useState(`${dataDir}/exports/${table.name}-${stamp}.csv`)
  const [exportId, setExportId] = useState<string | null>(null)
  const [error, setError] = useState<string | null>(null)
  // Progress can arrive before the call that started the export has returned its id.
  const [seen, setSeen] = useState<Record<string, EventPayload<'onExportProgress'>>>({})
  useEffect(() => onEvent('onExportProgress', (p) => setSeen((m) => ({ ...m, [p.exportId]: p }))), [])
  const progress = exportId ? (seen[exportId] ?? null) : null
  const running = exportId !== null && !progress?.done
  // Web mode: the export can go to the browser as a download (written on the host, then fetched once).
  const web = transport === 'web'
  const [downloadUrl, setDownloadUrl] = useState<string | null>(null)
  useEffect(() => {
    if (downloadUrl && progress?.done && !progress.error && !progress.cancelled) {
      downloadFromHost(downloadUrl)
      setDownloadUrl(null)
    }
  }, [downloadUrl, progress])
  const start = async (toBrowser: boolean) => {
    setError(null)
    setExportId(null)
    try {
      let target = path
      if (toBrowser) {
        const t = await filesApi.downloadTarget({ name: path.split(/[\\/]/).pop() || `${table.name}.${format}` })
        target = t.path
        setDownloadUrl(t.url)
      } else setDownloadUrl(null)
      setExportId((await dataApi.export({ handle, table, ...view, format, path: target })).exportId)
    } catch (e) {
      setError(errorMessage(e))
    }
  }
  return (
    <Modal
      title={`Export ${table.name}`}
      onClose={() => !running && onClose()}
      testId="export-dialog"
      footer={
        <ExportActions
          running={running}
          web={web}
          onCancel={() => exportId && dataApi.cancelExport({ exportId })}
          onClose={onClose}
          start={(toBrowser) => void start(toBrowser)}
        />
      }
    >
      <p className="hint">
        The rows of this view, with its filter and sort, streamed to a file
        {view.filter || view.where ? ' (filtered)' : ''}.
      </p>
      <div className="segmented small">
        {(['csv', 'json', 'sql'] as const).map((f) => (
          <button
            key={f}
            className={format === f ? 'on' : ''}
            onClick={() => {
              setFormat(f)
              setPath(path.replace(/\.(csv|json|sql)$/, `.${f}`))
            }}
          >
            {f === 'sql' ? 'SQL INSERTs' : f.toUpperCase()}
          </button>
        ))}
      </div>
      <label className="field wide">
        <span>File</span>
        <span className="path-field">
          <input className="mono" value={path} onChange={(e) => setPath(e.target.value)} data-testid="export-path" />
          <BrowseButton mode="save" title="Export to" current={path} expect={[`.${format}`]} onPick={setPath} />
        </span>
      </label>
      {progress && <ExportProgress progress={progress} dataDir={dataDir} />}
      {error && <div className="feedback error">{error}</div>}
    </Modal>
  )
}

function ExportActions({
  running,
  web,
  onCancel,
  onClose,
  start,
}: {
  running: boolean
  web: boolean
  onCancel: () => void
  onClose: () => void
  start: (toBrowser: boolean) => void
}) {
  return (
    <>
      <span className="spacer" />
      {running ? (
        <button className="btn" onClick={onCancel} data-testid="export-cancel">
          Cancel
        </button>
      ) : (
        <button className="btn ghost" onClick={onClose}>
          Close
        </button>
      )}
      <button
        className={`btn${web ? '' : ' primary'}`}
        disabled={running}
        data-testid="export-start"
        onClick={() => start(false)}
        title="Write the file at the path above, on the machine that runs Schemist"
      >
        {web ? 'Save on the host' : 'Export'}
      </button>
      {web && (
        <button
          className="btn primary"
          disabled={running}
          data-testid="export-download"
          onClick={() => start(true)}
          title="Stream the rows into a file this browser downloads"
        >
          Download
        </button>
      )}
    </>
  )
}

/** How far the export is, or how it ended: cancelled, failed, downloaded, or written where. */
function ExportProgress({ progress, dataDir }: { progress: EventPayload<'onExportProgress'>; dataDir: string }) {
  return (
    <div className="progress-wrap" data-testid="export-progress">
      <div className={`progress${progress.error ? ' failed' : ''}`}>
        <div
          style={{
            width: `${progress.total ? Math.min(100, (100 * progress.rows) / progress.total) : progress.done ? 100 : 30}%`,
          }}
        />
      </div>
      <span className="small">
        {progress.done
          ? progress.cancelled
            ? 'Cancelled; the partial file was removed.'
            : progress.error
              ? `Failed: ${progress.error}`
              : /[\\/]downloads[\\/][^\\/]+[\\/][^\\/]+$/.test(progress.path) && progress.path.startsWith(dataDir)
                ? `Done: ${progress.rows.toLocaleString('en-US')} rows, downloaded as ${progress.path.split(/[\\/]/).pop()}`
                : `Done: ${progress.rows.toLocaleString('en-US')} rows written to ${progress.path}`
          : `${progress.rows.toLocaleString('en-US')} of ${progress.total?.toLocaleString('en-US') ?? '?'} rows…`}
      </span>
    </div>
  )
}
