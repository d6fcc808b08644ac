import { useState } from 'react'
import type { ModelDocument, ModelTable } from '../../../../src-shared/model/document'
import { connect, deleteForeignKey, updateForeignKey, updateTable } from '../../../../src-shared/model/edit'
import { REFERENTIAL_ACTIONS, type ReferentialAction } from '../../../../src-shared/schema'
import { Icon } from '../../../ui/icons'

/**
 * A table's indexes, unique constraints, checks and foreign keys, each listed with a way to drop
 * it and a row to add one. Shared by the designer's inspector and the Structure tab's editing:
 * `edit` applies one document change (the designer's store with its undo, or the structure
 * edit's staged changes) and says whether it was taken.
 */
export interface ConstraintProps {
  table: ModelTable
  doc: ModelDocument
  edit: (fn: (doc: ModelDocument) => ModelDocument) => boolean
}

/** "a, b" as column names, or the first name that is not a column of the table. */
function columnsOf(t: ModelTable, text: string): { columns: string[]; unknown: string | null } {
  const columns = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
  return { columns, unknown: columns.find((c) => !t.columns.some((x) => x.name === c)) ?? null }
}

/** A row that adds something from the columns typed, refusing names the table does not have. */
function AddByColumns({
  table: t,
  label,
  testId,
  add,
  unique,
}: {
  table: ModelTable
  label: string
  testId: string
  add: (columns: string[], unique: boolean) => boolean
  unique?: boolean
}) {
  const [text, setText] = useState('')
  const [isUnique, setUnique] = useState(false)
  const { columns, unknown } = columnsOf(t, text)
  return (
    <div className="dz-inline">
      <input
        placeholder="columns, comma-separated"
        value={text}
        onChange={(e) => setText(e.target.value)}
        aria-label={`Columns of the new ${label.toLowerCase().replace(/^add /, '')}`}
        aria-invalid={unknown != null}
        title={unknown ? `${t.name} has no column ${unknown}` : undefined}
        list={`cols-${t.id}`}
        data-testid={`${testId}-columns`}
      />
      <datalist id={`cols-${t.id}`}>
        {t.columns.map((c) => (
          <option key={c.id} value={c.name} />
        ))}
      </datalist>
      {unique && (
        <label className="small">
          <input type="checkbox" checked={isUnique} onChange={(e) => setUnique(e.target.checked)} /> unique
        </label>
      )}
      <button
        className="btn small"
        disabled={!columns.length || unknown != null}
        onClick={() => add(columns, isUnique) && setText('')}
        data-testid={`${testId}-add`}
      >
        {label}
      </button>
    </div>
  )
}

/** A listed item with its drop button. */
function Item({ children, drop, what }: { children: React.ReactNode; drop: () => void; what: string }) {
  return (
    <div className="dz-inline small">
      {children}
      <span className="spacer" />
      <button className="icon-button" title={`Drop ${what}`} aria-label={`Drop ${what}`} onClick={drop}>
        <Icon name="close" size={12} />
      </button>
    </div>
  )
}

/** A table's indexes, and a new one on the columns typed (named ix_<table>_<columns>, made unique in the model). */
export function IndexList({ table: t, doc, edit }: ConstraintProps) {
  return (
    <section data-testid="index-list">
      <div className="dz-section-head">
        <h5>Indexes</h5>
      </div>
      {t.indexes.map((ix) => (
        <Item
          key={ix.name}
          what={`index ${ix.name}`}
          drop={() => edit((d) => updateTable(d, t.id, { indexes: t.indexes.filter((x) => x !== ix) }))}
        >
          <code>{ix.name}</code> ({ix.columns.join(', ')}){ix.unique ? ' unique' : ''}
          {ix.where ? ` where ${ix.where}` : ''}
        </Item>
      ))}
      <AddByColumns
        table={t}
        label="Add index"
        testId="index"
        unique
        add={(columns, unique) => {
          const taken = new Set(doc.tables.flatMap((x) => x.indexes.map((i) => i.name)))
          let name = `ix_${t.name}_${columns.join('_')}`
          for (let n = 2; taken.has(name); n++) name = `ix_${t.name}_${columns.join('_')}_${n}`
          return edit((d) => updateTable(d, t.id, { indexes: [...t.indexes, { name, columns, unique, where: null }] }))
        }}
      />
    </section>
  )
}

/** A table's UNIQUE constraints over several columns (a single column's is its Unique box), and a new one. */
export function UniqueList({ table: t, edit }: ConstraintProps) {
  return (
    <section data-testid="unique-list">
      <div className="dz-section-head">
        <h5>Unique constraints</h5>
      </div>
      {t.uniques.map((u, i) => (
        <Item
          key={i}
          what={`unique (${u.columns.join(', ')})`}
          drop={() => edit((d) => updateTable(d, t.id, { uniques: t.uniques.filter((x) => x !== u) }))}
        >
          <code>
            {u.name ? `${u.name} ` : ''}UNIQUE ({u.columns.join(', ')})
          </code>
        </Item>
      ))}
      <AddByColumns
        table={t}
        label="Add unique"
        testId="unique"
        add={(columns) => edit((d) => updateTable(d, t.id, { uniques: [...t.uniques, { name: null, columns }] }))}
      />
    </section>
  )
}

/** A table's CHECK constraints, and a new one. */
export function CheckList({ table: t, edit }: ConstraintProps) {
  const [check, setCheck] = useState('')
  return (
    <section data-testid="check-list">
      <div className="dz-section-head">
        <h5>Checks</h5>
      </div>
      {t.checks.map((ck, i) => (
        <Item
          key={i}
          what={`check ${ck.name ?? ck.expression}`}
          drop={() => edit((d) => updateTable(d, t.id, { checks: t.checks.filter((x) => x !== ck) }))}
        >
          <code>CHECK ({ck.expression})</code>
        </Item>
      ))}
      <div className="dz-inline">
        <input
          className="mono"
          placeholder="e.g. price >= 0"
          value={check}
          onChange={(e) => setCheck(e.target.value)}
          aria-label="Expression of the new check"
          data-testid="check-expression"
        />
        <button
          className="btn small"
          disabled={!check.trim()}
          onClick={() =>
            edit((d) => updateTable(d, t.id, { checks: [...t.checks, { name: null, expression: check.trim() }] })) &&
            setCheck('')
          }
          data-testid="check-add"
        >
          Add check
        </button>
      </div>
    </section>
  )
}

function ActionSelect({
  value,
  label,
  onChange,
}: {
  value: ReferentialAction
  label: string
  onChange: (a: ReferentialAction) => void
}) {
  return (
    <select
      className="input"
      value={value}
      aria-label={label}
      onChange={(e) => onChange(e.target.value as ReferentialAction)}
    >
      {REFERENTIAL_ACTIONS.map((a) => (
        <option key={a}>{a}</option>
      ))}
    </select>
  )
}

/**
 * A table's foreign keys with their ON DELETE / ON UPDATE actions, and a new one: a column of
 * this table (or a new `<table>_id` column) referencing another table's primary key.
 */
export function ForeignKeyList({ table: t, doc, edit }: ConstraintProps) {
  const others = doc.tables.filter((x) => x.columns.some((c) => c.primaryKey > 0))
  const [target, setTarget] = useState('')
  const [column, setColumn] = useState('')
  const [onDelete, setOnDelete] = useState<ReferentialAction>('NO ACTION')
  const parent = others.find((x) => x.id === target)
  return (
    <section data-testid="fk-list">
      <div className="dz-section-head">
        <h5>Foreign keys</h5>
      </div>
      {t.foreignKeys.map((f) => (
        <div key={f.id} className="fk-item">
          <Item
            what={`foreign key (${f.columns.join(', ')}) to ${f.refTable}`}
            drop={() => edit((d) => deleteForeignKey(d, t.id, f.id))}
          >
            <code>
              ({f.columns.join(', ')}) → {f.refTable}({f.refColumns.join(', ')})
            </code>
          </Item>
          <div className="dz-inline small fk-actions">
            <span className="muted">ON DELETE</span>
            <ActionSelect
              value={f.onDelete}
              label={`ON DELETE of (${f.columns.join(', ')})`}
              onChange={(a) => edit((d) => updateForeignKey(d, t.id, f.id, { onDelete: a }))}
            />
            <span className="muted">ON UPDATE</span>
            <ActionSelect
              value={f.onUpdate}
              label={`ON UPDATE of (${f.columns.join(', ')})`}
              onChange={(a) => edit((d) => updateForeignKey(d, t.id, f.id, { onUpdate: a }))}
            />
          </div>
        </div>
      ))}
      <div className="dz-inline small fk-actions">
        <select
          className="input"
          value={column}
          onChange={(e) => setColumn(e.target.value)}
          aria-label="Column of the new foreign key"
          data-testid="fk-column"
        >
          <option value="">(a new column)</option>
          {t.columns.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name}
            </option>
          ))}
        </select>
        <span className="muted">references</span>
        <select
          className="input"
          value={target}
          onChange={(e) => setTarget(e.target.value)}
          aria-label="Table the new foreign key references"
          data-testid="fk-target"
        >
          <option value="">table…</option>
          {others.map((x) => (
            <option key={x.id} value={x.id}>
              {x.name}
            </option>
          ))}
        </select>
      </div>
      <div className="dz-inline small fk-actions">
        <span className="muted">ON DELETE</span>
        <ActionSelect value={onDelete} label="ON DELETE of the new foreign key" onChange={setOnDelete} />
        <span className="spacer" />
        <button
          className="btn small"
          disabled={!parent}
          onClick={() =>
            edit(
              (d) =>
                connect(d, {
                  from: t.id,
                  to: parent!.id,
                  kind: 'many-to-one',
                  fromColumn: column || undefined,
                  onDelete,
                }).doc,
            ) && setColumn('')
          }
          data-testid="fk-add"
        >
          Add foreign key
        </button>
      </div>
    </section>
  )
}
