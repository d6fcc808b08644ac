import { ENGINES } from '../../../../src-shared/engines'
import { LOAD_STRATEGIES } from '../../../../src-shared/orm'
import type { ModelDocument, ModelTable, RelationshipOptions } from '../../../../src-shared/model/document'
import { deleteTables, renameClass, renameTable, setTableSchema, updateTable } from '../../../../src-shared/model/edit'
import type { ModelProblem } from '../../../../src-shared/model/validate'
import { Icon } from '../../../ui/icons'
import { edit, select, useDesigners } from '../designer-store'
import { ColumnList } from './ColumnList'
import { SplitSection } from './SplitSection'
import { CheckList, IndexList, UniqueList } from './TableConstraints'

/** The selected table: its names and schema, problems, columns, indexes, checks, split, and foreign keys. */
export function TableEditor({
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
  const engine = useDesigners((s) => s[tabId]?.engine)
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
      <ColumnList tabId={tabId} table={t} problems={problems} />
      <IndexList table={t} doc={doc} edit={(fn) => edit(tabId, fn)} />
      <UniqueList table={t} doc={doc} edit={(fn) => edit(tabId, fn)} />
      <CheckList table={t} doc={doc} edit={(fn) => edit(tabId, fn)} />
      <SplitSection tabId={tabId} table={t} />

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
