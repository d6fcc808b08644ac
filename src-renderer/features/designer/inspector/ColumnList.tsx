import { useState } from 'react'
import { NEUTRAL_TYPES, type NeutralType } from '../../../../src-shared/schema'
import type { ModelColumn, ModelTable } from '../../../../src-shared/model/document'
import {
  addColumn,
  applyBase,
  deleteColumn,
  moveColumn,
  setPrimaryKey,
  updateColumn,
} from '../../../../src-shared/model/edit'
import type { ModelProblem } from '../../../../src-shared/model/validate'
import { Icon } from '../../../ui/icons'
import { edit } from '../designer-store'

/** A table's columns: one row each (name, type, key, NOT NULL, unique), its options folded out below it. */
export function ColumnList({
  tabId,
  table: t,
  problems,
}: {
  tabId: string
  table: ModelTable
  problems: ModelProblem[]
}) {
  const [open, setOpen] = useState<string | null>(null)
  return (
    <>
      <div className="dz-section-head">
        <h5>Columns</h5>
        <span className="spacer" />
        {!t.base && (
          <button
            className="btn small ghost"
            title="id, created_at and updated_at stamped by the database (the notes' Base)"
            onClick={() => edit(tabId, (d) => applyBase(d, t.id))}
            data-testid="dz-apply-base"
          >
            Apply Base
          </button>
        )}
        <button
          className="btn small"
          onClick={() => {
            let id = ''
            if (
              edit(tabId, (d) => {
                const r = addColumn(d, t.id)
                id = r.id
                return r.doc
              })
            )
              setOpen(id)
          }}
          data-testid="dz-add-column"
        >
          <Icon name="plus" size={12} /> Column
        </button>
      </div>
      <div className="dz-cols">
        <div className="dz-col-row dz-col-legend muted small">
          <span>name</span>
          <span>type</span>
          <span title="primary key">PK</span>
          <span title="NOT NULL">NN</span>
          <span title="unique">U</span>
          <span />
        </div>
        {t.columns.map((c, i) => (
          <ColumnBlock
            key={c.id}
            tabId={tabId}
            table={t}
            column={c}
            index={i}
            bad={problems.some((p) => p.columnId === c.id && p.level === 'error')}
            open={open === c.id}
            onToggle={() => setOpen(open === c.id ? null : c.id)}
          />
        ))}
      </div>
    </>
  )
}

function ColumnBlock({
  tabId,
  table: t,
  column: c,
  index: i,
  bad,
  open,
  onToggle,
}: {
  tabId: string
  table: ModelTable
  column: ModelColumn
  index: number
  bad: boolean
  open: boolean
  onToggle: () => void
}) {
  const upd = (p: Partial<ModelColumn>, key: string) =>
    edit(tabId, (d) => updateColumn(d, t.id, c.id, p), `${c.id}:${key}`)
  return (
    <div className={`dz-col-block${bad ? ' bad' : ''}`}>
      <div className="dz-col-row">
        <input
          value={c.name}
          onChange={(e) => upd({ name: e.target.value }, 'name')}
          aria-label="Column name"
          data-testid={`dz-colname-${i}`}
        />
        <select
          value={c.type}
          onChange={(e) => upd({ type: e.target.value as NeutralType }, 'type')}
          aria-label="Type"
          data-testid={`dz-coltype-${i}`}
        >
          {NEUTRAL_TYPES.filter((x) => x !== 'unknown' || c.type === 'unknown').map((x) => (
            <option key={x} value={x}>
              {x === 'unknown' ? c.nativeType || 'unknown' : x}
            </option>
          ))}
        </select>
        <input
          type="checkbox"
          checked={c.primaryKey > 0}
          onChange={(e) => edit(tabId, (d) => setPrimaryKey(d, t.id, c.id, e.target.checked))}
          title="Primary key"
        />
        <input
          type="checkbox"
          checked={!c.nullable}
          disabled={c.primaryKey > 0}
          onChange={(e) => upd({ nullable: !e.target.checked }, 'nn')}
          title="NOT NULL"
        />
        <input
          type="checkbox"
          checked={c.unique}
          onChange={(e) => upd({ unique: e.target.checked }, 'u')}
          title="Unique"
        />
        <button className="icon-button" title="More options" onClick={onToggle} aria-expanded={open}>
          <Icon name="chevron" size={12} style={{ transform: open ? 'rotate(90deg)' : undefined }} />
        </button>
      </div>
      {open && <ColumnOptions tabId={tabId} table={t} column={c} index={i} />}
    </div>
  )
}

/** What a column row folds out: length and scale, defaults, onupdate, autoincrement, order, delete. */
function ColumnOptions({
  tabId,
  table: t,
  column: c,
  index: i,
}: {
  tabId: string
  table: ModelTable
  column: ModelColumn
  index: number
}) {
  const upd = (p: Partial<ModelColumn>, key: string) =>
    edit(tabId, (d) => updateColumn(d, t.id, c.id, p), `${c.id}:${key}`)
  return (
    <div className="dz-col-more">
      {(c.type === 'varchar' || c.type === 'numeric') && (
        <div className="dz-grid2">
          <label className="field">
            <span>{c.type === 'varchar' ? 'Length' : 'Precision'}</span>
            <input
              type="number"
              min={1}
              value={c.length ?? ''}
              onChange={(e) => upd({ length: e.target.value === '' ? undefined : Number(e.target.value) }, 'len')}
            />
          </label>
          {c.type === 'numeric' && (
            <label className="field">
              <span>Scale</span>
              <input
                type="number"
                min={0}
                value={c.scale ?? ''}
                onChange={(e) => upd({ scale: e.target.value === '' ? undefined : Number(e.target.value) }, 'scale')}
              />
            </label>
          )}
        </div>
      )}
      <label className="field">
        <span>server_default (SQL the database applies)</span>
        <input
          className="mono"
          value={c.serverDefault ?? ''}
          placeholder="e.g. 0, 'draft', CURRENT_TIMESTAMP"
          onChange={(e) => upd({ serverDefault: e.target.value === '' ? null : e.target.value }, 'sdef')}
        />
      </label>
      <label className="field">
        <span>default (value the application applies, JSON)</span>
        <input
          className="mono"
          defaultValue={c.appDefault === undefined ? '' : JSON.stringify(c.appDefault)}
          placeholder='e.g. "anonymous" or 0'
          onBlur={(e) => {
            const v = e.target.value.trim()
            if (v === '') return upd({ appDefault: undefined }, 'adef')
            try {
              upd({ appDefault: JSON.parse(v) }, 'adef')
              e.target.classList.remove('bad')
            } catch {
              e.target.classList.add('bad')
            }
          }}
        />
      </label>
      <label className="field">
        <span>onupdate (SQL stored on every UPDATE, by a trigger)</span>
        <input
          className="mono"
          value={c.onUpdate ?? ''}
          placeholder="e.g. CURRENT_TIMESTAMP"
          onChange={(e) => upd({ onUpdate: e.target.value === '' ? undefined : e.target.value }, 'onupd')}
        />
      </label>
      <div className="dz-inline">
        <label>
          <input
            type="checkbox"
            checked={c.autoincrement}
            onChange={(e) => upd({ autoincrement: e.target.checked }, 'ai')}
          />{' '}
          autoincrement
        </label>
        <span className="spacer" />
        <button
          className="icon-button"
          title="Move up"
          disabled={i === 0}
          onClick={() => edit(tabId, (d) => moveColumn(d, t.id, c.id, i - 1))}
        >
          ↑
        </button>
        <button
          className="icon-button"
          title="Move down"
          disabled={i === t.columns.length - 1}
          onClick={() => edit(tabId, (d) => moveColumn(d, t.id, c.id, i + 1))}
        >
          ↓
        </button>
        <button className="btn small ghost danger" onClick={() => edit(tabId, (d) => deleteColumn(d, t.id, c.id))}>
          <Icon name="trash" size={12} /> Delete column
        </button>
      </div>
    </div>
  )
}
