import { dataApi } from './api'
import { useEffect, useState } from 'react'
import type { Table } from '../../../src-shared/schema'
import type { CsvEncoding } from '../../../src-shared/csv'
import { errorMessage, onEvent } from '../../bridge/client'
import { BrowseButton } from '../../ui/PathPrompt'

import { Modal } from '../../ui/Modal'

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
