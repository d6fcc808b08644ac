import { ENGINES, type Engine } from '../../../src-shared/engines'
import { migrationRunsAs } from '../designer/migration-words'
import type { ModelColumn } from '../../../src-shared/model/document'
import { NEUTRAL_TYPES, typeLabel, type Table } from '../../../src-shared/schema'
import { CheckList, ForeignKeyList, IndexList, UniqueList } from '../designer/inspector/TableConstraints'
import { useStructureEdit, type Plan, type StructureEdit } from './use-structure-edit'

/**
 * The Structure tab's editing mode: the table's name, columns (and their order), indexes,
 * constraints and foreign keys edited in place, staged like data
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
  const e = useStructureEdit(handle, table, onDone)
  const { doc, mine, error, plan } = e
  if (error && !doc) return <div className="pane-note error">{error}</div>
  if (!doc)
    return (
      <div className="pane-note">
        <span className="spinner" /> Reading the database…
      </div>
    )
  if (!mine) return <div className="pane-note error">{table.name} is not in the database any more.</div>
  return (
    <div className="structure-editor" onKeyDown={e.keys} tabIndex={-1} data-testid="structure-editor">
      <EditBar e={e} name={mine.name} onDone={onDone} />
      <table className="grid-table" data-testid="edit-columns">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Name</th>
            <th>Type</th>
            <th>Null</th>
            <th>Unique</th>
            <th>Default (SQL)</th>
            <th>Order</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {mine.columns.map((c, i) => (
            <ColumnRow key={c.id} e={e} c={c} i={i} last={i === mine.columns.length - 1} engine={engine} />
          ))}
        </tbody>
      </table>
      <button className="btn small" onClick={e.addColumn} data-testid="edit-add-column">
        + Add column
      </button>
      <div className="struct-constraints">
        <IndexList table={mine} doc={doc} edit={e.edit} />
        <UniqueList table={mine} doc={doc} edit={e.edit} />
        <CheckList table={mine} doc={doc} edit={e.edit} />
        <ForeignKeyList table={mine} doc={doc} edit={e.edit} />
      </div>
      {error && <div className="pane-note error">{error}</div>}
      {plan && <MigrationPlan e={e} plan={plan} table={mine.name} engine={engine} />}
    </div>
  )
}

function EditBar({ e, name, onDone }: { e: StructureEdit; name: string; onDone: () => void }) {
  return (
    <div className="struct-edit-bar">
      <label className="small">
        Table name{' '}
        <input
          className="input mono"
          value={name}
          onChange={(ev) => e.renameTo(ev.target.value)}
          aria-label="Table name"
          data-testid="edit-table-name"
        />
      </label>
      <span className="muted small">
        {e.staged ? `${e.staged} change${e.staged === 1 ? '' : 's'} staged` : 'No changes yet'} · Ctrl+Z undoes one
      </span>
      <span className="spacer" />
      <button className="btn small ghost" disabled={!e.canUndo} onClick={e.back} title="Undo the last change (Ctrl+Z)">
        Undo
      </button>
      <button className="btn small ghost" disabled={!e.canRedo} onClick={e.forward} title="Redo (Ctrl+Shift+Z)">
        Redo
      </button>
      <button className="btn small" onClick={onDone} data-testid="edit-cancel">
        Discard
      </button>
      <button
        className="btn small primary"
        disabled={!e.staged || e.busy}
        onClick={() => void e.preview()}
        data-testid="edit-preview"
      >
        Review migration…
      </button>
    </div>
  )
}

/** One column of the table being edited: its place in the list and the engine it lives on. */
interface RowProps {
  e: StructureEdit
  c: ModelColumn
  i: number
  last: boolean
  engine: Engine
}

function ColumnRow({ e, c, i, last, engine }: RowProps) {
  const canMove = ENGINES[engine].capabilities.reorderColumns
  return (
    <tr
      data-testid={`edit-col-${i}`}
      onKeyDown={(ev) => {
        // Alt+↑/↓ moves the column whose field has the focus, which stays in it.
        if (!ev.altKey || !canMove || (ev.key !== 'ArrowUp' && ev.key !== 'ArrowDown')) return
        ev.preventDefault()
        if (ev.key === 'ArrowUp' ? i > 0 : !last) e.move(c.id, ev.key === 'ArrowUp' ? i - 1 : i + 1)
      }}
    >
      <td className="num muted">{i + 1}</td>
      <td>
        <input
          className="input mono"
          value={c.name}
          onChange={(ev) => e.changeColumn(c.id, { name: ev.target.value })}
          aria-label={`Name of column ${i + 1}`}
          data-testid={`edit-col-name-${i}`}
        />
        {c.was && c.was !== c.name && <span className="muted small"> was {c.was}</span>}
      </td>
      <td>
        <select
          className="input"
          value={c.type}
          onChange={(ev) =>
            e.changeColumn(c.id, {
              type: ev.target.value as ModelColumn['type'],
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
          onChange={(ev) => e.changeColumn(c.id, { nullable: ev.target.checked })}
          aria-label={`${c.name} allows NULL`}
        />
      </td>
      <td>
        <input
          type="checkbox"
          checked={c.unique || c.primaryKey > 0}
          disabled={c.primaryKey > 0}
          title={c.primaryKey > 0 ? 'A primary key is unique' : undefined}
          onChange={(ev) => e.changeColumn(c.id, { unique: ev.target.checked })}
          aria-label={`${c.name} is unique`}
          data-testid={`edit-col-unique-${i}`}
        />
      </td>
      <td>
        <input
          className="input mono"
          value={c.serverDefault ?? ''}
          placeholder="none"
          onChange={(ev) => e.changeColumn(c.id, { serverDefault: ev.target.value.trim() ? ev.target.value : null })}
          aria-label={`Default of ${c.name}`}
        />
      </td>
      <OrderCell e={e} c={c} i={i} last={last} engine={engine} />
      <td>
        <button
          className="btn small ghost"
          disabled={c.primaryKey > 0}
          title={c.primaryKey > 0 ? 'A primary key column stays' : `Drop ${c.name} (its values go)`}
          onClick={() => e.dropColumn(c.id)}
          data-testid={`edit-col-drop-${i}`}
        >
          Drop
        </button>
      </td>
    </tr>
  )
}

/** The ↑ and ↓ that move a column, disabled with the reason where the engine cannot. */
function OrderCell({ e, c, i, last, engine }: RowProps) {
  const canMove = ENGINES[engine].capabilities.reorderColumns
  const why = canMove ? '' : `${ENGINES[engine].label} keeps a column's position for the table's life`
  return (
    <td className="struct-order">
      <button
        className="btn small ghost"
        disabled={!canMove || i === 0}
        title={why || `Move ${c.name} up (Alt+↑)`}
        aria-label={`Move ${c.name} up`}
        onClick={() => e.move(c.id, i - 1)}
        data-testid={`edit-col-up-${i}`}
      >
        ↑
      </button>
      <button
        className="btn small ghost"
        disabled={!canMove || last}
        title={why || `Move ${c.name} down (Alt+↓)`}
        aria-label={`Move ${c.name} down`}
        onClick={() => e.move(c.id, i + 1)}
        data-testid={`edit-col-down-${i}`}
      >
        ↓
      </button>
    </td>
  )
}

/** The migration's summary, warnings and SQL; dropping values asks for the table's name. */
function MigrationPlan({ e, plan, table, engine }: { e: StructureEdit; plan: Plan; table: string; engine: Engine }) {
  const { drops, typed } = e
  return (
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
          <strong>{table}</strong> to go on:{' '}
          <input
            className="input mono"
            value={typed}
            onChange={(ev) => e.setTyped(ev.target.value)}
            data-testid="edit-confirm"
          />
        </label>
      )}
      <div className="struct-edit-bar">
        <span className="muted small">{migrationRunsAs(engine)}</span>
        <span className="spacer" />
        <button
          className="btn small primary"
          disabled={e.busy || (drops.length > 0 && typed !== table)}
          onClick={() => void e.apply()}
          data-testid="edit-apply"
        >
          Apply {plan.steps.length} statement{plan.steps.length === 1 ? '' : 's'}
        </button>
      </div>
    </div>
  )
}
