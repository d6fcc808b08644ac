import { dataApi, filesApi } from './api'
import { useEffect, useState } from 'react'
import type { EventPayload } from '../../../src-shared/contract'
import type { Expr } from '../../../src-shared/expr'
import type { SortKey, TableRef } from '../../../src-shared/grid'
import type { Table } from '../../../src-shared/schema'
import type { CsvEncoding } from '../../../src-shared/csv'
import { downloadFromHost, errorMessage, onEvent, transport } from '../../bridge/client'
import { useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { BrowseButton } from '../../ui/PathPrompt'

function Modal({
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
        <>
          <span className="spacer" />
          {running ? (
            <button
              className="btn"
              onClick={() => exportId && dataApi.cancelExport({ exportId })}
              data-testid="export-cancel"
            >
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
            onClick={() => void start(false)}
            title="Write the file at the path above, on the machine that runs Schemist"
          >
            {web ? 'Save on the host' : 'Export'}
          </button>
          {web && (
            <button
              className="btn primary"
              disabled={running}
              data-testid="export-download"
              onClick={() => void start(true)}
              title="Stream the rows into a file this browser downloads"
            >
              Download
            </button>
          )}
        </>
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
      {progress && (
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
      )}
      {error && <div className="feedback error">{error}</div>}
    </Modal>
  )
}

/** Import a CSV file into the table: map columns, check every row, commit all or nothing. */
export function ImportDialog({
  handle,
  table,
  onClose,
  onDone,
}: {
  handle: string
  table: Table
  onClose: () => void
  onDone: () => void
}) {
  const [path, setPath] = useState('')
  const [text, setText] = useState<string | null>(null)
  const [delimiter, setDelimiter] = useState(',')
  const [hasHeader, setHasHeader] = useState(true)
  const [encoding, setEncoding] = useState<CsvEncoding>('auto')
  const [file, setFile] = useState<File | null>(null)
  const [preview, setPreview] = useState<{ header: string[]; rows: string[][]; total: number } | null>(null)
  const [mapping, setMapping] = useState<Record<string, number | null>>({})
  const [result, setResult] = useState<{
    ok: boolean
    inserted: number
    failures: { row: number; column: string | null; value: string | null; reason: string }[]
    failureCount: number
  } | null>(null)
  const [progress, setProgress] = useState<{ rows: number; total: number | null } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => onEvent('onImportProgress', (p) => setProgress({ rows: p.rows, total: p.total })), [])
  const source = () => (text !== null ? { text } : { path, encoding })
  // A file picked in the browser is decoded here, strictly: a byte that is not in the chosen
  // encoding is an error to act on, never a silent U+FFFD.
  const decodeFile = async (f: File, enc: CsvEncoding) => {
    try {
      setText(new TextDecoder(enc === 'auto' ? 'utf-8' : enc, { fatal: true }).decode(await f.arrayBuffer()))
      setError(null)
    } catch {
      setText(null)
      setError(
        `${f.name} is not valid ${enc === 'auto' ? 'UTF-8' : enc.toUpperCase()}: choose its encoding (Windows-1252 or Latin-1 are common) and preview again.`,
      )
    }
  }
  const load = async () => {
    setError(null)
    setResult(null)
    try {
      if (file && text === null) return void (await decodeFile(file, encoding))
      const p = await dataApi.importPreview({ ...source(), delimiter, hasHeader })
      setPreview(p)
      // Map columns by name where the header matches.
      const m: Record<string, number | null> = {}
      for (const c of table.columns) {
        const i = p.header.findIndex((h) => h.trim().toLowerCase() === c.name.toLowerCase())
        m[c.name] = i >= 0 ? i : null
      }
      setMapping(m)
    } catch (e) {
      setError(errorMessage(e))
    }
  }
  return (
    <Modal
      title={`Import CSV into ${table.name}`}
      onClose={() => !busy && onClose()}
      testId="import-dialog"
      footer={
        <>
          <span className="spacer" />
          <button className="btn ghost" onClick={onClose} disabled={busy}>
            Close
          </button>
          <button
            className="btn primary"
            disabled={!preview || busy}
            data-testid="import-start"
            onClick={async () => {
              setBusy(true)
              setError(null)
              setProgress(null)
              try {
                const r = await dataApi.import({
                  handle,
                  table: { schema: table.schema, name: table.name },
                  ...source(),
                  delimiter,
                  hasHeader,
                  mapping,
                })
                setResult(r)
                if (r.ok) onDone()
              } catch (e) {
                setError(errorMessage(e))
              } finally {
                setBusy(false)
              }
            }}
          >
            Import {preview ? `${preview.total.toLocaleString('en-US')} rows` : ''}
          </button>
        </>
      }
    >
      <div className="field-grid">
        <label className="field">
          <span>CSV file on this machine</span>
          <span className="path-field">
            <input
              className="mono"
              value={path}
              placeholder="/path/to/file.csv"
              onChange={(e) => {
                setPath(e.target.value)
                setText(null)
                setFile(null)
              }}
              data-testid="import-path"
            />
            <BrowseButton
              mode="open"
              title="Import a CSV file"
              current={path}
              expect={['.csv', '.tsv', '.txt']}
              fileType="CSV or TSV"
              onPick={(p) => {
                setPath(p)
                setText(null)
                setFile(null)
              }}
            />
          </span>
        </label>
        <label className="field">
          <span>…or pick one</span>
          <input
            type="file"
            accept=".csv,.tsv,text/csv,text/plain"
            onChange={async (e) => {
              const f = e.target.files?.[0]
              if (f) {
                setFile(f)
                setPath(f.name)
                await decodeFile(f, encoding)
              }
            }}
            data-testid="import-file"
          />
        </label>
      </div>
      <div className="toolbar plain">
        <label className="inline">
          <span className="muted small">Delimiter</span>
          <select value={delimiter} onChange={(e) => setDelimiter(e.target.value)}>
            <option value=",">, comma</option>
            <option value=";">; semicolon</option>
            <option value={'\t'}>tab</option>
            <option value="|">| pipe</option>
          </select>
        </label>
        <label className="inline">
          <span className="muted small">Encoding</span>
          <select
            value={encoding}
            onChange={(e) => {
              const enc = e.target.value as CsvEncoding
              setEncoding(enc)
              if (file) void decodeFile(file, enc)
            }}
            data-testid="import-encoding"
          >
            <option value="auto">Detect (UTF-8)</option>
            <option value="utf-8">UTF-8</option>
            <option value="windows-1252">Windows-1252</option>
            <option value="iso-8859-1">Latin-1 (ISO-8859-1)</option>
            <option value="utf-16le">UTF-16 LE</option>
            <option value="utf-16be">UTF-16 BE</option>
          </select>
        </label>
        <label className="check">
          <input type="checkbox" checked={hasHeader} onChange={(e) => setHasHeader(e.target.checked)} /> First row is a
          header
        </label>
        <button className="btn small" onClick={load} data-testid="import-preview">
          Preview
        </button>
      </div>
      {preview && (
        <>
          <table className="grid-table mapping">
            <thead>
              <tr>
                <th>Table column</th>
                <th>From CSV column</th>
                <th>First values</th>
              </tr>
            </thead>
            <tbody>
              {table.columns.map((c) => (
                <tr key={c.name}>
                  <td className="mono">
                    {c.name}{' '}
                    <span className="muted small">
                      {c.type}
                      {c.nullable ? '' : ' not null'}
                      {c.serverDefault || c.autoincrement ? ' · has default' : ''}
                    </span>
                  </td>
                  <td>
                    <select
                      value={mapping[c.name] ?? ''}
                      onChange={(e) =>
                        setMapping({ ...mapping, [c.name]: e.target.value === '' ? null : Number(e.target.value) })
                      }
                      data-testid={`map-${c.name}`}
                    >
                      <option value="">(skip: default or NULL)</option>
                      {preview.header.map((h, i) => (
                        <option key={i} value={i}>
                          {h}
                        </option>
                      ))}
                    </select>
                  </td>
                  <td className="mono small muted">
                    {mapping[c.name] != null
                      ? preview.rows
                          .slice(0, 3)
                          .map((r) => r[mapping[c.name]!] ?? '')
                          .join(' · ')
                      : ''}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
      {progress && busy && (
        <div className="progress-wrap">
          <div className="progress">
            <div style={{ width: `${(100 * progress.rows) / Math.max(1, progress.total ?? preview?.total ?? 1)}%` }} />
          </div>
          <span className="small">
            {progress.rows.toLocaleString('en-US')} of {(progress.total ?? preview?.total ?? 0).toLocaleString('en-US')}{' '}
            rows
          </span>
        </div>
      )}
      {result && result.ok && (
        <div className="feedback ok" data-testid="import-result">
          Imported {result.inserted.toLocaleString('en-US')} rows in one transaction.
        </div>
      )}
      {result && !result.ok && (
        <div className="feedback error" data-testid="import-result">
          <div>
            Nothing was imported: {result.failureCount} problem{result.failureCount === 1 ? '' : 's'}
            {result.failures.length < result.failureCount ? ` (first ${result.failures.length} listed)` : ''}.
            <ul className="failures">
              {result.failures.map((f, i) => (
                <li key={i}>
                  row {f.row}
                  {f.column ? `, ${f.column}` : ''}
                  {f.value !== null ? ` = "${f.value}"` : ''}: {f.reason}
                </li>
              ))}
            </ul>
          </div>
        </div>
      )}
      {error && <div className="feedback error">{error}</div>}
    </Modal>
  )
}
