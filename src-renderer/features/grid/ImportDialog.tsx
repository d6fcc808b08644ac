import type { CsvEncoding } from '../../../src-shared/csv'
import type { Table } from '../../../src-shared/schema'
import { Modal } from '../../ui/Modal'
import { BrowseButton } from '../../ui/PathPrompt'
import { useCsvImport, type CsvImport, type ImportPreview } from './use-csv-import'

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
  const m = useCsvImport(handle, table, onDone)
  const { preview, busy } = m
  const footer = (
    <>
      <span className="spacer" />
      <button className="btn ghost" onClick={onClose} disabled={busy}>
        Close
      </button>
      <button
        className="btn primary"
        disabled={!preview || busy}
        data-testid="import-start"
        onClick={() => void m.start()}
      >
        Import {preview ? `${preview.total.toLocaleString('en-US')} rows` : ''}
      </button>
    </>
  )
  return (
    <Modal
      title={`Import CSV into ${table.name}`}
      onClose={() => !busy && onClose()}
      testId="import-dialog"
      footer={footer}
    >
      <SourceFields m={m} />
      <ReadOptions m={m} />
      {preview && <MappingTable m={m} table={table} preview={preview} />}
      <ImportOutcome m={m} />
      {m.error && <div className="feedback error">{m.error}</div>}
    </Modal>
  )
}

/** The file: a path on this machine (typed or browsed to), or one picked in the browser. */
function SourceFields({ m }: { m: CsvImport }) {
  return (
    <div className="field-grid">
      <label className="field">
        <span>CSV file on this machine</span>
        <span className="path-field">
          <input
            className="mono"
            value={m.path}
            placeholder="/path/to/file.csv"
            onChange={(e) => m.choosePath(e.target.value)}
            data-testid="import-path"
          />
          <BrowseButton
            mode="open"
            title="Import a CSV file"
            current={m.path}
            expect={['.csv', '.tsv', '.txt']}
            fileType="CSV or TSV"
            onPick={m.choosePath}
          />
        </span>
      </label>
      <label className="field">
        <span>…or pick one</span>
        <input
          type="file"
          accept=".csv,.tsv,text/csv,text/plain"
          onChange={(e) => {
            const f = e.target.files?.[0]
            if (f) void m.pickFile(f)
          }}
          data-testid="import-file"
        />
      </label>
    </div>
  )
}

/** Delimiter, encoding and header, then Preview. */
function ReadOptions({ m }: { m: CsvImport }) {
  return (
    <div className="toolbar plain">
      <label className="inline">
        <span className="muted small">Delimiter</span>
        <select value={m.delimiter} onChange={(e) => m.setDelimiter(e.target.value)}>
          <option value=",">, comma</option>
          <option value=";">; semicolon</option>
          <option value={'\t'}>tab</option>
          <option value="|">| pipe</option>
        </select>
      </label>
      <label className="inline">
        <span className="muted small">Encoding</span>
        <select
          value={m.encoding}
          onChange={(e) => m.chooseEncoding(e.target.value as CsvEncoding)}
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
        <input type="checkbox" checked={m.hasHeader} onChange={(e) => m.setHasHeader(e.target.checked)} /> First row is
        a header
      </label>
      <button className="btn small" onClick={() => void m.load()} data-testid="import-preview">
        Preview
      </button>
    </div>
  )
}

/** Each table column's CSV column (matched by name at first), with the first values it would get. */
function MappingTable({ m, table, preview }: { m: CsvImport; table: Table; preview: ImportPreview }) {
  return (
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
                value={m.mapping[c.name] ?? ''}
                onChange={(e) =>
                  m.setMapping({ ...m.mapping, [c.name]: e.target.value === '' ? null : Number(e.target.value) })
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
              {m.mapping[c.name] != null
                ? preview.rows
                    .slice(0, 3)
                    .map((r) => r[m.mapping[c.name]!] ?? '')
                    .join(' · ')
                : ''}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}

/** The import's progress, then what it did or every problem that stopped it. */
function ImportOutcome({ m }: { m: CsvImport }) {
  const { progress, result } = m
  return (
    <>
      {progress && m.busy && (
        <div className="progress-wrap">
          <div className="progress">
            <div
              style={{ width: `${(100 * progress.rows) / Math.max(1, progress.total ?? m.preview?.total ?? 1)}%` }}
            />
          </div>
          <span className="small">
            {progress.rows.toLocaleString('en-US')} of{' '}
            {(progress.total ?? m.preview?.total ?? 0).toLocaleString('en-US')} rows
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
    </>
  )
}
