import { modelApi } from './api'
import { ENGINES, type Engine } from '../../../src-shared/engines'
import { useEffect, useState } from 'react'
import type { MethodOutput } from '../../../src-shared/contract'
import { newId, type ModelColumn, type ModelDocument, type ModelTable } from '../../../src-shared/model/document'
import { NEUTRAL_TYPES, typeLabel, type Table } from '../../../src-shared/schema'
import { errorMessage } from '../../bridge/client'
import { toast } from '../../app/store'
import { refreshSchema } from '../connections/actions'

type Plan = MethodOutput<'model.diff'>

/** The live table inside a document of the whole database (read by model.reverse). */
function findTable(doc: ModelDocument, t: Table): ModelTable | undefined {
  return doc.tables.find(
    (x) =>
      x.name === t.name &&
      ((x.schema ?? null) === (t.schema ?? null) || x.schema == null || t.schema == null || t.schema === 'public'),
  )
}

/**
 * The Structure tab's editing mode: the table's columns and name edited in place, staged like data
 * edits (Ctrl+Z undoes one change at a time), previewed as the exact migration the designer's
 * engine writes for them (SQLite's table rebuild included), and applied in one transaction.
 * The whole database is read as a model and only this table changes, so the plan touches nothing else.
 */
export function StructureEditor({
  handle,
  table,
  engine,
  onDone,
}: {
  handle: string
  table: Table
  engine: Engine
  onDone: () => void
}) {
  const [doc, setDoc] = useState<ModelDocument | null>(null)
  /** Columns the database has now: a rename of one of them is a rename (`was`), of a new one just a name. */
  const [existing, setExisting] = useState<Set<string>>(new Set())
  const [undo, setUndo] = useState<ModelDocument[]>([])
  const [redo, setRedo] = useState<ModelDocument[]>([])
  const [plan, setPlan] = useState<Plan | null>(null)
  const [typed, setTyped] = useState('')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    let live = true
    modelApi
      .reverse({ handle })
      .then((d) => {
        if (!live) return
        setDoc(d)
        setExisting(new Set(d.tables.flatMap((x) => x.columns.map((c) => c.id))))
      })
      .catch((e) => live && setError(errorMessage(e)))
    return () => {
      live = false
    }
  }, [handle])

  const mine = doc ? findTable(doc, table) : undefined
  const change = (fn: (t: ModelTable) => ModelTable) => {
    if (!doc || !mine) return
    setUndo((u) => [...u, doc])
    setRedo([])
    setPlan(null)
    setDoc({ ...doc, tables: doc.tables.map((x) => (x.id === mine.id ? fn(x) : x)) })
  }
  const changeColumn = (id: string, patch: Partial<ModelColumn>) =>
    change((t) => ({
      ...t,
      columns: t.columns.map((c) =>
        c.id === id
          ? {
              ...c,
              ...(patch.name !== undefined && c.was === undefined && existing.has(c.id) ? { was: c.name } : {}),
              ...patch,
            }
          : c,
      ),
    }))
  const back = () => {
    if (!undo.length || !doc) return
    setRedo((r) => [doc, ...r])
    setDoc(undo[undo.length - 1])
    setUndo((u) => u.slice(0, -1))
    setPlan(null)
  }
  const forward = () => {
    if (!redo.length || !doc) return
    setUndo((u) => [...u, doc])
    setDoc(redo[0])
    setRedo((r) => r.slice(1))
    setPlan(null)
  }
  const keys = (e: React.KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey
    if (!mod || (e.target as HTMLElement).tagName === 'INPUT') return
    if (e.key.toLowerCase() === 'z' && !e.shiftKey) back()
    else if (e.key.toLowerCase() === 'y' || (e.key.toLowerCase() === 'z' && e.shiftKey)) forward()
    else return
    e.preventDefault()
  }

  const preview = async () => {
    if (!doc) return
    setBusy(true)
    setError(null)
    try {
      setPlan(await modelApi.diff({ handle, doc }))
      setTyped('')
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  const drops = plan ? plan.summary.filter((x) => /^drop (column|table) /.test(x)) : []
  const apply = async () => {
    if (!doc) return
    setBusy(true)
    setError(null)
    try {
      const r = await modelApi.migrate({ handle, doc })
      toast('success', `${mine?.name}: ${r.ran} statement${r.ran === 1 ? '' : 's'} applied in one transaction`)
      await refreshSchema(handle)
      onDone()
    } catch (e) {
      setError(`Nothing was changed: ${errorMessage(e)}`)
    } finally {
      setBusy(false)
    }
  }

  if (error && !doc) return <div className="pane-note error">{error}</div>
  if (!doc)
    return (
      <div className="pane-note">
        <span className="spinner" /> Reading the database…
      </div>
    )
  if (!mine) return <div className="pane-note error">{table.name} is not in the database any more.</div>
  const addColumn = () =>
    change((t) => {
      const taken = new Set(t.columns.map((c) => c.name))
      let name = 'new_column'
      for (let i = 2; taken.has(name); i++) name = `new_column_${i}`
      return {
        ...t,
        columns: [
          ...t.columns,
          {
            id: newId('col'),
            name,
            type: 'text',
            nativeType: '',
            nullable: true,
            serverDefault: null,
            autoincrement: false,
            primaryKey: 0,
            unique: false,
          },
        ],
      }
    })
  const staged = undo.length
  return (
    <div className="structure-editor" onKeyDown={keys} tabIndex={-1} data-testid="structure-editor">
      <div className="struct-edit-bar">
        <label className="small">
          Table name{' '}
          <input
            className="input mono"
            value={mine.name}
            onChange={(e) => change((t) => ({ ...t, name: e.target.value, was: t.was ?? t.name, nameLocked: true }))}
            aria-label="Table name"
            data-testid="edit-table-name"
          />
        </label>
        <span className="muted small">
          {staged ? `${staged} change${staged === 1 ? '' : 's'} staged` : 'No changes yet'} · Ctrl+Z undoes one
        </span>
        <span className="spacer" />
        <button
          className="btn small ghost"
          disabled={!undo.length}
          onClick={back}
          title="Undo the last change (Ctrl+Z)"
        >
          Undo
        </button>
        <button className="btn small ghost" disabled={!redo.length} onClick={forward} title="Redo (Ctrl+Shift+Z)">
          Redo
        </button>
        <button className="btn small" onClick={onDone} data-testid="edit-cancel">
          Discard
        </button>
        <button
          className="btn small primary"
          disabled={!staged || busy}
          onClick={() => void preview()}
          data-testid="edit-preview"
        >
          Review migration…
        </button>
      </div>
      <table className="grid-table" data-testid="edit-columns">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Name</th>
            <th>Type</th>
            <th>Null</th>
            <th>Default (SQL)</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {mine.columns.map((c, i) => (
            <tr key={c.id} data-testid={`edit-col-${i}`}>
              <td className="num muted">{i + 1}</td>
              <td>
                <input
                  className="input mono"
                  value={c.name}
                  onChange={(e) => changeColumn(c.id, { name: e.target.value })}
                  aria-label={`Name of column ${i + 1}`}
                  data-testid={`edit-col-name-${i}`}
                />
                {c.was && c.was !== c.name && <span className="muted small"> was {c.was}</span>}
              </td>
              <td>
                <select
                  className="input"
                  value={c.type}
                  onChange={(e) =>
                    changeColumn(c.id, {
                      type: e.target.value as ModelColumn['type'],
                      nativeType: '',
                      length: undefined,
                      scale: undefined,
                    })
                  }
                  aria-label={`Type of ${c.name}`}
                  data-testid={`edit-col-type-${i}`}
                >
                  {c.type === 'unknown' && <option value="unknown">{typeLabel(c)}</option>}
                  {NEUTRAL_TYPES.filter((x) => x !== 'unknown').map((x) => (
                    <option key={x} value={x}>
                      {x === c.type ? typeLabel(c) : x}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <input
                  type="checkbox"
                  checked={c.nullable}
                  disabled={c.primaryKey > 0}
                  onChange={(e) => changeColumn(c.id, { nullable: e.target.checked })}
                  aria-label={`${c.name} allows NULL`}
                />
              </td>
              <td>
                <input
                  className="input mono"
                  value={c.serverDefault ?? ''}
                  placeholder="none"
                  onChange={(e) => changeColumn(c.id, { serverDefault: e.target.value.trim() ? e.target.value : null })}
                  aria-label={`Default of ${c.name}`}
                />
              </td>
              <td>
                <button
                  className="btn small ghost"
                  disabled={c.primaryKey > 0}
                  title={c.primaryKey > 0 ? 'A primary key column stays' : `Drop ${c.name} (its values go)`}
                  onClick={() => change((t) => ({ ...t, columns: t.columns.filter((x) => x.id !== c.id) }))}
                  data-testid={`edit-col-drop-${i}`}
                >
                  Drop
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <button className="btn small" onClick={addColumn} data-testid="edit-add-column">
        + Add column
      </button>
      {error && <div className="pane-note error">{error}</div>}
      {plan && (
        <div className="struct-plan" data-testid="edit-plan">
          <h3>The migration</h3>
          <ul className="plain-list">
            {plan.summary.map((s, i) => (
              <li key={i}>{s}</li>
            ))}
          </ul>
          {plan.warnings.map((w, i) => (
            <div key={i} className="pane-note warn small">
              {w}
            </div>
          ))}
          <pre className="mono ddl" data-testid="edit-plan-sql">
            {plan.script}
          </pre>
          {drops.length > 0 && (
            <label className="small">
              Values are lost for {drops.map((x) => x.replace(/^drop (column|table) /, '')).join(', ')}. Type{' '}
              <strong>{mine.name}</strong> to go on:{' '}
              <input
                className="input mono"
                value={typed}
                onChange={(e) => setTyped(e.target.value)}
                data-testid="edit-confirm"
              />
            </label>
          )}
          <div className="struct-edit-bar">
            <span className="muted small">
              Runs in one transaction
              {ENGINES[engine].capabilities.alterColumn
                ? ''
                : `; ${ENGINES[engine].label} rebuilds the table where it cannot ALTER it, rows kept`}
              ; nothing changes if a statement fails.
            </span>
            <span className="spacer" />
            <button
              className="btn small primary"
              disabled={busy || (drops.length > 0 && typed !== mine.name)}
              onClick={() => void apply()}
              data-testid="edit-apply"
            >
              Apply {plan.steps.length} statement{plan.steps.length === 1 ? '' : 's'}
            </button>
          </div>
        </div>
      )}
    </div>
  )
}
