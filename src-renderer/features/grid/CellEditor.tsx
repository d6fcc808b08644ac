import { useEffect, useRef } from 'react'
import type { NeutralType } from '../../../src-shared/schema'
import type { Cell } from '../../../src-shared/values'
import { download } from '../../ui/download'

/** What the text editor expects, for types typed as text. */
const HINTS: Partial<Record<NeutralType, string>> = {
  json: 'JSON · Shift+Enter for a new line',
  time: 'HH:MM[:SS]',
  timestamp: 'YYYY-MM-DD HH:MM[:SS]',
  timestamptz: 'YYYY-MM-DD HH:MM[:SS][+HH:MM]',
  uuid: '8-4-4-4-12 hex digits',
}

/** Offer hex-encoded bytes as a file download. */
export function saveBlob(hex: string, name: string) {
  const bytes = new Uint8Array(hex.length / 2)
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(i * 2, i * 2 + 2), 16)
  download(new Blob([bytes], { type: 'application/octet-stream' }), name)
}

/** A tool button must not take the focus from the editor (its blur commits). */
const keep = (e: React.MouseEvent) => e.preventDefault()

/**
 * The editor over a grid cell, fitted to the column's type: true/false for booleans, a date
 * picker for dates, text (multi-line with Shift+Enter) for the rest, with the expected format,
 * JSON formatting, and BLOBs from or to a file. The grid parses what comes out.
 */
export function CellEditor({
  editing,
  type,
  value,
  onChange,
  onCommit,
  onCancel,
  onBlur,
  onLoadFile,
  onSaveFile,
}: {
  editing: { text: string; error: string | null }
  type: NeutralType | undefined
  value: Cell | undefined
  onChange: (text: string, error?: string | null) => void
  /** Commit, then move as a spreadsheet does: Enter down, Tab right, Shift+Tab left. */
  onCommit: (move?: 'down' | 'right' | 'left' | null) => void
  onCancel: () => void
  onBlur: () => void
  onLoadFile: () => void
  onSaveFile: (hex: string) => void
}) {
  // The caret goes after the text (typing on a cell starts with that key; F2 and Enter keep the value).
  const area = useRef<HTMLTextAreaElement>(null)
  useEffect(() => {
    const el = area.current
    if (el) el.setSelectionRange(el.value.length, el.value.length)
  }, [])
  /** Enter, Tab and Esc as in a spreadsheet, for every kind of editor. */
  const keys = (e: React.KeyboardEvent) => {
    if (e.key === 'Enter' && !e.shiftKey) {
      e.preventDefault()
      onCommit('down')
    } else if (e.key === 'Tab') {
      e.preventDefault()
      onCommit(e.shiftKey ? 'left' : 'right')
    } else if (e.key === 'Escape') {
      e.preventDefault()
      onCancel()
    }
  }
  return (
    <div className="cell-editor">
      {type === 'boolean' ? (
        <select
          autoFocus
          value={editing.text}
          onChange={(e) => onChange(e.target.value)}
          onBlur={() => onCommit()}
          onKeyDown={keys}
        >
          <option value="true">true</option>
          <option value="false">false</option>
        </select>
      ) : type === 'date' ? (
        <input
          type="date"
          autoFocus
          className={`mono${editing.error ? ' invalid' : ''}`}
          value={editing.text}
          onChange={(e) => onChange(e.target.value)}
          onBlur={onBlur}
          onKeyDown={keys}
          data-testid="cell-editor"
        />
      ) : (
        <textarea
          ref={area}
          autoFocus
          rows={1}
          className={`mono${editing.error ? ' invalid' : ''}`}
          value={editing.text}
          onChange={(e) => onChange(e.target.value)}
          onBlur={onBlur}
          onKeyDown={keys}
          data-testid="cell-editor"
        />
      )}
      {type && !editing.error && (
        <EditorTools type={type} editing={editing} value={value} {...{ onChange, onLoadFile, onSaveFile }} />
      )}
      {editing.error && (
        <div className="editor-error" role="alert">
          {editing.error}
        </div>
      )}
    </div>
  )
}

/** Under the editor: the expected format (and Format for JSON), or a BLOB's file buttons. */
function EditorTools({
  type,
  editing,
  value,
  onChange,
  onLoadFile,
  onSaveFile,
}: {
  type: NeutralType
  editing: { text: string; error: string | null }
  value: Cell | undefined
  onChange: (text: string, error?: string | null) => void
  onLoadFile: () => void
  onSaveFile: (hex: string) => void
}) {
  return (
    <>
      {HINTS[type] && (
        <div className="editor-tools">
          {type === 'json' && (
            <button
              className="btn small"
              onMouseDown={keep}
              onClick={() => {
                try {
                  onChange(JSON.stringify(JSON.parse(editing.text), null, 2))
                } catch (err) {
                  onChange(editing.text, `Not valid JSON: ${(err as Error).message}`)
                }
              }}
              data-testid="json-format"
            >
              Format
            </button>
          )}
          <span className="muted small">{HINTS[type]}</span>
        </div>
      )}
      {type === 'blob' && (
        <div className="editor-tools">
          <button
            className="btn small"
            onMouseDown={keep}
            onClick={onLoadFile}
            data-testid="blob-from-file"
            title="Replace the value with a file's bytes"
          >
            Load file…
          </button>
          {value && typeof value === 'object' && '$blob' in value && (
            <button
              className="btn small"
              onMouseDown={keep}
              onClick={() => onSaveFile(value.$blob)}
              title="Save the current bytes to a file"
            >
              Save…
            </button>
          )}
          <span className="muted small">hex, two digits a byte</span>
        </div>
      )}
    </>
  )
}
