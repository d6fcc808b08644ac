import { REFERENTIAL_ACTIONS, type ReferentialAction } from '../../../../src-shared/schema'
import { LOAD_STRATEGIES } from '../../../../src-shared/orm'
import type { ModelDocument, ModelTable, RelationshipOptions } from '../../../../src-shared/model/document'
import { deleteForeignKey, updateForeignKey } from '../../../../src-shared/model/edit'
import { Icon } from '../../../ui/icons'
import { edit, select } from '../designer-store'

/** Which foreign key of which table, in which document. */
type FkProps = { tabId: string; table: ModelTable; fkId: string; doc: ModelDocument }

const CASCADES = ['save-update', 'merge', 'expunge', 'delete', 'delete-orphan', 'refresh-expire', 'all']

/** A relationship: its foreign key's actions, and (unless it belongs to an association table) its ORM options. */
export function ForeignKeyEditor({ tabId, table: t, fkId, doc }: FkProps) {
  const f = t.foreignKeys.find((x) => x.id === fkId)!
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
      {!t.association && <RelationshipOptionsEditor tabId={tabId} table={t} fkId={fkId} doc={doc} />}
    </div>
  )
}

/** The SQLAlchemy relationship() a foreign key defines: attribute names, loading, cascades. */
function RelationshipOptionsEditor({ tabId, table: t, fkId, doc }: FkProps) {
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
  )
}
