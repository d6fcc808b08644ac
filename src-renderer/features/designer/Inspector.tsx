import { ENGINES } from '../../../src-shared/engines'
import { DependenciesDialog } from './DependenciesDialog'
import { useState } from 'react'
import {
  NEUTRAL_TYPES,
  REFERENTIAL_ACTIONS,
  type NeutralType,
  type ReferentialAction,
} from '../../../src-shared/schema'
import { LOAD_STRATEGIES } from '../../../src-shared/orm'
import { TABLE_NAMING, type TableNaming } from '../../../src-shared/naming'
import type { ModelColumn, ModelDocument, ModelTable, RelationshipOptions } from '../../../src-shared/model/document'
import {
  addColumn,
  applyBase,
  deleteColumn,
  deleteForeignKey,
  deleteTables,
  moveColumn,
  moveTable,
  renameClass,
  renameTable,
  setTableSchema,
  setNaming,
  setPrimaryKey,
  splitTable,
  updateColumn,
  updateForeignKey,
  updateTable,
} from '../../../src-shared/model/edit'
import type { ModelProblem } from '../../../src-shared/model/validate'
import { Icon } from '../../ui/icons'
import { edit, select, useDesigners } from './designer-store'

const CASCADES = ['save-update', 'merge', 'expunge', 'delete', 'delete-orphan', 'refresh-expire', 'all']
const NAMING_LABEL: Record<TableNaming, string> = {
  snake_plural: 'snake_case plural (UserProfile → user_profiles)',
  class: "the notes' Base: class name lower-cased (UserProfile → userprofile)",
  manual: 'typed by hand',
}

/** The right-hand editor: the selected table's columns and constraints, a relationship's options, or the document's settings. */
export function Inspector({
  tabId,
  doc,
  tableId,
  fk,
  problems,
}: {
  tabId: string
  doc: ModelDocument
  tableId: string | null
  fk: { table: string; fk: string } | null
  problems: ModelProblem[]
}) {
  if (fk) {
    const t = doc.tables.find((x) => x.id === fk.table)
    const f = t?.foreignKeys.find((x) => x.id === fk.fk)
    if (t && f) return <ForeignKeyEditor tabId={tabId} table={t} fkId={f.id} doc={doc} />
  }
  const t = tableId ? doc.tables.find((x) => x.id === tableId) : undefined
  if (t) return <TableEditor tabId={tabId} table={t} doc={doc} problems={problems.filter((p) => p.tableId === t.id)} />
  return <DocumentSettings tabId={tabId} doc={doc} />
}

function DocumentSettings({ tabId, doc }: { tabId: string; doc: ModelDocument }) {
  const rels = doc.tables.reduce((n, t) => n + t.foreignKeys.length, 0)
  return (
    <div className="dz-inspector">
      <h4>Model</h4>
      <label className="field">
        <span>Name</span>
        <input value={doc.name} onChange={(e) => edit(tabId, (d) => ({ ...d, name: e.target.value }), 'doc-name')} />
      </label>
      <label className="field">
        <span>Table names follow</span>
        <select
          value={doc.naming}
          onChange={(e) => edit(tabId, (d) => setNaming(d, e.target.value as TableNaming))}
          data-testid="dz-naming"
        >
          {TABLE_NAMING.map((n) => (
            <option key={n} value={n}>
              {NAMING_LABEL[n]}
            </option>
          ))}
        </select>
      </label>
      <p className="muted small">
        {doc.tables.length} table{doc.tables.length === 1 ? '' : 's'}, {rels} foreign key{rels === 1 ? '' : 's'}. Select
        a table to edit it; drag from a column's dot to another table's column (or from a table's header to another
        table) to draw a relationship.
      </p>
      {doc.tables.length > 0 && (
        <>
          <div className="dz-section-head">
            <h5>Tables</h5>
            <span className="muted small">in the order code is exported</span>
          </div>
          <ol className="dz-outline" data-testid="dz-outline">
            {doc.tables.map((t, i) => (
              <li key={t.id}>
                <button
                  className="dz-outline-name"
                  onClick={() => select(tabId, { tables: [t.id], fk: null })}
                  title={`Select ${t.name}`}
                >
                  <Icon name="table" size={12} /> {t.schema ? `${t.schema}.` : ''}
                  {t.name}{' '}
                  <span className="muted small" title="columns">
                    {t.columns.length}
                  </span>
                </button>
                <button
                  className="icon-button"
                  title="Move up"
                  aria-label={`Move ${t.name} up`}
                  disabled={i === 0}
                  onClick={() => edit(tabId, (d) => moveTable(d, t.id, i - 1))}
                >
                  ↑
                </button>
                <button
                  className="icon-button"
                  title="Move down"
                  aria-label={`Move ${t.name} down`}
                  disabled={i === doc.tables.length - 1}
                  onClick={() => edit(tabId, (d) => moveTable(d, t.id, i + 1))}
                >
                  ↓
                </button>
              </li>
            ))}
          </ol>
        </>
      )}
    </div>
  )
}

function TableEditor({
  tabId,
  table: t,
  doc,
  problems,
}: {
  tabId: string
  table: ModelTable
  doc: ModelDocument
  problems: ModelProblem[]
}) {
  const [open, setOpen] = useState<string | null>(null)
  const [ixCols, setIxCols] = useState('')
  const [check, setCheck] = useState('')
  const [split, setSplit] = useState<{ key: string[]; move: string[]; cls: string } | null>(null)
  const [normalizing, setNormalizing] = useState(false)
  const engine = useDesigners((s) => s[tabId]?.engine)
  const upd = (c: ModelColumn, p: Partial<ModelColumn>, key: string) =>
    edit(tabId, (d) => updateColumn(d, t.id, c.id, p), `${c.id}:${key}`)
  return (
    <div className="dz-inspector" data-testid="dz-inspector">
      <div className="dz-insp-head">
        <h4>{t.association ? 'Association table' : 'Table'}</h4>
        <span className="spacer" />
        <button
          className="btn small ghost danger"
          onClick={() => {
            edit(tabId, (d) => deleteTables(d, [t.id]))
            select(tabId, { tables: [] })
          }}
          data-testid="dz-delete-table"
        >
          <Icon name="trash" size={13} /> Delete table
        </button>
      </div>
      <div className="dz-grid2">
        <label className="field">
          <span>Class</span>
          <input
            value={t.className}
            onChange={(e) => edit(tabId, (d) => renameClass(d, t.id, e.target.value), `${t.id}:class`)}
            data-testid="dz-class-name"
          />
        </label>
        <label className="field">
          <span>Table name{t.nameLocked ? ' (set by hand)' : ''}</span>
          <input
            value={t.name}
            onChange={(e) => edit(tabId, (d) => renameTable(d, t.id, e.target.value), `${t.id}:name`)}
            data-testid="dz-table-name"
          />
        </label>
        {(ENGINES[engine].capabilities.schemas || t.schema) && (
          <label
            className="field"
            title="The PostgreSQL schema the table lives in; applying the model moves it there (ALTER TABLE … SET SCHEMA), rows and all"
          >
            <span>Schema</span>
            <input
              value={t.schema ?? ''}
              placeholder="public"
              list={`dz-schemas-${tabId}`}
              onChange={(e) => edit(tabId, (d) => setTableSchema(d, t.id, e.target.value), `${t.id}:schema`)}
              data-testid="dz-table-schema"
            />
            <datalist id={`dz-schemas-${tabId}`}>
              {[...new Set(doc.tables.map((x) => x.schema).filter((x): x is string => !!x))].map((x) => (
                <option key={x} value={x} />
              ))}
            </datalist>
          </label>
        )}
      </div>
      {problems.length > 0 && (
        <ul className="dz-problems-inline">
          {problems.map((p, i) => (
            <li key={i} className={p.level}>
              {p.message}
            </li>
          ))}
        </ul>
      )}
      {t.association && (
        <p className="muted small">
          Carries the many-to-many relationship: <code>{t.association.names[0]}</code> and{' '}
          <code>{t.association.names[1]}</code> (secondary=<code>{t.className}</code>). Loading:{' '}
          <select
            value={t.association.lazy}
            onChange={(e) =>
              edit(tabId, (d) =>
                updateTable(d, t.id, {
                  association: { ...t.association!, lazy: e.target.value as RelationshipOptions['lazy'] },
                }),
              )
            }
          >
            {LOAD_STRATEGIES.map((l) => (
              <option key={l}>{l}</option>
            ))}
          </select>
        </p>
      )}
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
          <div
            key={c.id}
            className={`dz-col-block${problems.some((p) => p.columnId === c.id && p.level === 'error') ? ' bad' : ''}`}
          >
            <div className="dz-col-row">
              <input
                value={c.name}
                onChange={(e) => upd(c, { name: e.target.value }, 'name')}
                aria-label="Column name"
                data-testid={`dz-colname-${i}`}
              />
              <select
                value={c.type}
                onChange={(e) => upd(c, { type: e.target.value as NeutralType }, 'type')}
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
                onChange={(e) => upd(c, { nullable: !e.target.checked }, 'nn')}
                title="NOT NULL"
              />
              <input
                type="checkbox"
                checked={c.unique}
                onChange={(e) => upd(c, { unique: e.target.checked }, 'u')}
                title="Unique"
              />
              <button
                className="icon-button"
                title="More options"
                onClick={() => setOpen(open === c.id ? null : c.id)}
                aria-expanded={open === c.id}
              >
                <Icon name="chevron" size={12} style={{ transform: open === c.id ? 'rotate(90deg)' : undefined }} />
              </button>
            </div>
            {open === c.id && (
              <div className="dz-col-more">
                {(c.type === 'varchar' || c.type === 'numeric') && (
                  <div className="dz-grid2">
                    <label className="field">
                      <span>{c.type === 'varchar' ? 'Length' : 'Precision'}</span>
                      <input
                        type="number"
                        min={1}
                        value={c.length ?? ''}
                        onChange={(e) =>
                          upd(c, { length: e.target.value === '' ? undefined : Number(e.target.value) }, 'len')
                        }
                      />
                    </label>
                    {c.type === 'numeric' && (
                      <label className="field">
                        <span>Scale</span>
                        <input
                          type="number"
                          min={0}
                          value={c.scale ?? ''}
                          onChange={(e) =>
                            upd(c, { scale: e.target.value === '' ? undefined : Number(e.target.value) }, 'scale')
                          }
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
                    onChange={(e) => upd(c, { serverDefault: e.target.value === '' ? null : e.target.value }, 'sdef')}
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
                      if (v === '') return upd(c, { appDefault: undefined }, 'adef')
                      try {
                        upd(c, { appDefault: JSON.parse(v) }, 'adef')
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
                    onChange={(e) => upd(c, { onUpdate: e.target.value === '' ? undefined : e.target.value }, 'onupd')}
                  />
                </label>
                <div className="dz-inline">
                  <label>
                    <input
                      type="checkbox"
                      checked={c.autoincrement}
                      onChange={(e) => upd(c, { autoincrement: e.target.checked }, 'ai')}
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
                  <button
                    className="btn small ghost danger"
                    onClick={() => edit(tabId, (d) => deleteColumn(d, t.id, c.id))}
                  >
                    <Icon name="trash" size={12} /> Delete column
                  </button>
                </div>
              </div>
            )}
          </div>
        ))}
      </div>

      <div className="dz-section-head">
        <h5>Indexes</h5>
      </div>
      {t.indexes.map((ix) => (
        <div key={ix.name} className="dz-inline small">
          <code>{ix.name}</code> ({ix.columns.join(', ')}){ix.unique ? ' unique' : ''}
          <span className="spacer" />
          <button
            className="icon-button"
            title="Drop index"
            onClick={() => edit(tabId, (d) => updateTable(d, t.id, { indexes: t.indexes.filter((x) => x !== ix) }))}
          >
            <Icon name="close" size={12} />
          </button>
        </div>
      ))}
      <div className="dz-inline">
        <input placeholder="columns, comma-separated" value={ixCols} onChange={(e) => setIxCols(e.target.value)} />
        <button
          className="btn small"
          disabled={!ixCols.trim()}
          onClick={() => {
            const columns = ixCols
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean)
            const taken = new Set(doc.tables.flatMap((x) => x.indexes.map((i) => i.name)))
            let name = `ix_${t.name}_${columns.join('_')}`
            for (let n = 2; taken.has(name); n++) name = `ix_${t.name}_${columns.join('_')}_${n}`
            if (
              edit(tabId, (d) =>
                updateTable(d, t.id, { indexes: [...t.indexes, { name, columns, unique: false, where: null }] }),
              )
            )
              setIxCols('')
          }}
        >
          Add index
        </button>
      </div>

      <div className="dz-section-head">
        <h5>Checks</h5>
      </div>
      {t.checks.map((ck, i) => (
        <div key={i} className="dz-inline small">
          <code>CHECK ({ck.expression})</code>
          <span className="spacer" />
          <button
            className="icon-button"
            title="Drop check"
            onClick={() => edit(tabId, (d) => updateTable(d, t.id, { checks: t.checks.filter((x) => x !== ck) }))}
          >
            <Icon name="close" size={12} />
          </button>
        </div>
      ))}
      <div className="dz-inline">
        <input
          className="mono"
          placeholder="e.g. price >= 0"
          value={check}
          onChange={(e) => setCheck(e.target.value)}
        />
        <button
          className="btn small"
          disabled={!check.trim()}
          onClick={() => {
            if (
              edit(tabId, (d) =>
                updateTable(d, t.id, { checks: [...t.checks, { name: null, expression: check.trim() }] }),
              )
            )
              setCheck('')
          }}
        >
          Add check
        </button>
      </div>

      <div className="dz-section-head">
        <h5>Split</h5>
        <span className="spacer" />
        {!split && (
          <>
            <button
              className="btn small ghost"
              onClick={() => setNormalizing(true)}
              title="Declare which columns determine which, read the normal form, and let Schemist split the table to 3NF or BCNF"
              data-testid="dz-normalize"
            >
              <Icon name="sparkle" size={12} /> Normalize…
            </button>
            <button
              className="btn small ghost"
              onClick={() => setSplit({ key: [], move: [], cls: '' })}
              title="Move columns that depend on a key to a table of their own; the migration copies their rows"
              data-testid="dz-split"
            >
              Split table…
            </button>
          </>
        )}
      </div>
      {normalizing && <DependenciesDialog tabId={tabId} tableId={t.id} onClose={() => setNormalizing(false)} />}
      {split && (
        <div className="dz-col-more" data-testid="dz-split-form">
          <p className="muted small">
            Tick the key the moved columns depend on (it stays here as a foreign key) and the columns to move. Applying
            copies their distinct rows into the new table.
          </p>
          <div className="dz-split-grid">
            <span className="muted small">column</span>
            <span className="muted small">key</span>
            <span className="muted small">move</span>
            {t.columns.map((c) => (
              <SplitRow
                key={c.id}
                name={c.name}
                keyOn={split.key.includes(c.id)}
                moveOn={split.move.includes(c.id)}
                canMove={c.primaryKey === 0}
                onKey={(on) =>
                  setSplit({
                    ...split,
                    key: on ? [...split.key, c.id] : split.key.filter((x) => x !== c.id),
                    move: split.move.filter((x) => x !== c.id),
                  })
                }
                onMove={(on) =>
                  setSplit({
                    ...split,
                    move: on ? [...split.move, c.id] : split.move.filter((x) => x !== c.id),
                    key: split.key.filter((x) => x !== c.id),
                  })
                }
              />
            ))}
          </div>
          <label className="field">
            <span>New class</span>
            <input
              value={split.cls}
              placeholder="e.g. Department"
              onChange={(e) => setSplit({ ...split, cls: e.target.value })}
              data-testid="dz-split-class"
            />
          </label>
          <div className="dz-inline">
            <span className="spacer" />
            <button className="btn small ghost" onClick={() => setSplit(null)}>
              Cancel
            </button>
            <button
              className="btn small primary"
              disabled={!split.key.length || !split.move.length || !split.cls.trim()}
              onClick={() => {
                let id = ''
                if (
                  edit(tabId, (d) => {
                    const r = splitTable(d, t.id, { key: split.key, move: split.move, className: split.cls.trim() })
                    id = r.id
                    return r.doc
                  })
                ) {
                  setSplit(null)
                  select(tabId, { tables: [id], fk: null })
                }
              }}
              data-testid="dz-split-go"
            >
              Split
            </button>
          </div>
        </div>
      )}

      {t.foreignKeys.length > 0 && (
        <>
          <div className="dz-section-head">
            <h5>Foreign keys</h5>
          </div>
          {t.foreignKeys.map((f) => (
            <button key={f.id} className="dz-fk-link" onClick={() => select(tabId, { fk: { table: t.id, fk: f.id } })}>
              ({f.columns.join(', ')}) → {f.refTable}({f.refColumns.join(', ')})
              {f.onDelete !== 'NO ACTION' ? ` ON DELETE ${f.onDelete}` : ''}
            </button>
          ))}
        </>
      )}
    </div>
  )
}

function ForeignKeyEditor({
  tabId,
  table: t,
  fkId,
  doc,
}: {
  tabId: string
  table: ModelTable
  fkId: string
  doc: ModelDocument
}) {
  const f = t.foreignKeys.find((x) => x.id === fkId)!
  const orm: RelationshipOptions = f.orm ?? {
    name: null,
    backPopulates: null,
    cascade: [],
    passiveDeletes: false,
    lazy: 'select',
  }
  const setOrm = (p: Partial<RelationshipOptions>, key: string) =>
    edit(tabId, (d) => updateForeignKey(d, t.id, f.id, { orm: { ...orm, ...p } }), `${f.id}:${key}`)
  const target = doc.tables.find((x) => x.name === f.refTable && (x.schema ?? null) === (f.refSchema ?? null))
  return (
    <div className="dz-inspector" data-testid="dz-fk-editor">
      <div className="dz-insp-head">
        <h4>Relationship</h4>
        <span className="spacer" />
        <button
          className="btn small ghost danger"
          onClick={() => {
            edit(tabId, (d) => deleteForeignKey(d, t.id, f.id))
            select(tabId, { fk: null })
          }}
        >
          <Icon name="trash" size={13} /> Drop foreign key
        </button>
      </div>
      <p className="mono small">
        {t.name}({f.columns.join(', ')}) → {f.refTable}({f.refColumns.join(', ')})
      </p>
      <div className="dz-grid2">
        {(['onDelete', 'onUpdate'] as const).map((k) => (
          <label key={k} className="field">
            <span>{k === 'onDelete' ? 'ON DELETE' : 'ON UPDATE'}</span>
            <select
              value={f[k]}
              onChange={(e) =>
                edit(tabId, (d) => updateForeignKey(d, t.id, f.id, { [k]: e.target.value as ReferentialAction }))
              }
            >
              {REFERENTIAL_ACTIONS.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </label>
        ))}
      </div>
      {!t.association && (
        <>
          <h5>ORM (SQLAlchemy relationship)</h5>
          <div className="dz-grid2">
            <label className="field">
              <span>{t.className}.</span>
              <input
                value={orm.name ?? ''}
                placeholder="(none)"
                onChange={(e) => setOrm({ name: e.target.value || null }, 'name')}
              />
            </label>
            <label className="field">
              <span>{target?.className ?? f.refTable}. (back_populates)</span>
              <input
                value={orm.backPopulates ?? ''}
                placeholder="(none)"
                onChange={(e) => setOrm({ backPopulates: e.target.value || null }, 'back')}
              />
            </label>
          </div>
          <label className="field">
            <span>
              lazy (loading strategy of {target?.className ?? f.refTable}.{orm.backPopulates ?? '…'})
            </span>
            <select
              value={orm.lazy}
              onChange={(e) => setOrm({ lazy: e.target.value as RelationshipOptions['lazy'] }, 'lazy')}
            >
              {LOAD_STRATEGIES.map((l) => (
                <option key={l}>{l}</option>
              ))}
            </select>
          </label>
          <div className="field">
            <span>cascade</span>
            <div className="dz-inline wrap">
              {CASCADES.map((c) => (
                <label key={c} className="small">
                  <input
                    type="checkbox"
                    checked={orm.cascade.includes(c)}
                    onChange={(e) =>
                      setOrm(
                        { cascade: e.target.checked ? [...orm.cascade, c] : orm.cascade.filter((x) => x !== c) },
                        `cascade-${c}`,
                      )
                    }
                  />{' '}
                  {c}
                </label>
              ))}
            </div>
          </div>
          <label className="small">
            <input
              type="checkbox"
              checked={orm.passiveDeletes}
              onChange={(e) => setOrm({ passiveDeletes: e.target.checked }, 'passive')}
            />{' '}
            passive_deletes (leave children to ON DELETE)
          </label>
          {orm.passiveDeletes && f.onDelete === 'NO ACTION' && (
            <p className="dz-problems-inline warning small">
              passive_deletes with ON DELETE NO ACTION: deleting a parent will fail while children exist.
            </p>
          )}
        </>
      )}
    </div>
  )
}

function SplitRow({
  name,
  keyOn,
  moveOn,
  canMove,
  onKey,
  onMove,
}: {
  name: string
  keyOn: boolean
  moveOn: boolean
  canMove: boolean
  onKey: (on: boolean) => void
  onMove: (on: boolean) => void
}) {
  return (
    <>
      <span className="mono small">{name}</span>
      <input
        type="checkbox"
        checked={keyOn}
        onChange={(e) => onKey(e.target.checked)}
        aria-label={`${name} is the key`}
        data-testid={`dz-split-key-${name}`}
      />
      <input
        type="checkbox"
        checked={moveOn}
        disabled={!canMove}
        onChange={(e) => onMove(e.target.checked)}
        aria-label={`move ${name}`}
        data-testid={`dz-split-move-${name}`}
      />
    </>
  )
}
