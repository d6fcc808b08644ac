import { useEffect, useState } from 'react'
import type { MapperInfo, ObjectView } from '../../../src-shared/orm'
import { formatCell, type Cell } from '../../../src-shared/values'
import { Icon } from '../../ui/icons'
import { ormAct } from './orm-store'
import { objectLabel, StatusBadge } from './SessionPanel'

function parseInput(text: string, type: string, nullable: boolean): Cell {
  if (text === '' && nullable) return null
  if (/int|serial|real|double|numeric|decimal|float/i.test(type) && text.trim() !== '' && !Number.isNaN(Number(text)))
    return Number(text)
  return text
}

function ValueInput({
  obj,
  column,
  type,
  nullable,
  onSet,
}: {
  obj: ObjectView
  column: string
  type: string
  nullable: boolean
  onSet: (v: Cell) => void
}) {
  const current = obj.values[column]
  const shown = current === undefined ? '' : current === null ? '' : formatCell(current)
  const [text, setText] = useState(shown)
  useEffect(() => setText(shown), [shown])
  const commit = () => {
    if (text !== shown) onSet(parseInput(text, type, nullable))
  }
  return (
    <input
      className={`mono cell-input${obj.modified.includes(column) ? ' modified' : ''}`}
      value={text}
      placeholder={current === null ? 'NULL' : current === undefined ? '(default)' : ''}
      onChange={(e) => setText(e.target.value)}
      onBlur={commit}
      onKeyDown={(e) => {
        if (e.key === 'Enter') (e.target as HTMLInputElement).blur()
        if (e.key === 'Escape') setText(shown)
      }}
      data-testid={`obj-${obj.ref}-${column}`}
      disabled={obj.status === 'deleted' || obj.status === 'detached'}
    />
  )
}

/** One object of the session: its state, its columns to edit, and its relationships to load or change. */
export function ObjectCard({
  tabId,
  obj,
  mapper,
  all,
  failing,
}: {
  tabId: string
  obj: ObjectView
  mapper: MapperInfo | undefined
  all: ObjectView[]
  failing: boolean
}) {
  if (!mapper) return null
  return (
    <div
      className={`obj-card${failing ? ' failing' : ''}`}
      data-testid={`obj-card-${obj.ref}`}
      id={`obj-${tabId}-${obj.ref}`}
    >
      <header>
        <StatusBadge status={obj.status} />
        <span className="mono strong">{objectLabel(obj)}</span>
        <span className="spacer" />
        {obj.status === 'persistent' && (
          <>
            <button
              className="icon-button"
              title="Refresh (expire and load again)"
              onClick={() => ormAct(tabId, { op: 'refresh', ref: obj.ref })}
            >
              <Icon name="refresh" size={13} />
            </button>
            <button
              className="icon-button danger"
              title="session.delete(obj)"
              onClick={() => ormAct(tabId, { op: 'delete', ref: obj.ref })}
              data-testid={`obj-${obj.ref}-delete`}
            >
              <Icon name="trash" size={13} />
            </button>
          </>
        )}
      </header>
      <div className="obj-fields">
        {mapper.columns.map((c) => (
          <label key={c.name} className="obj-field">
            <span className="muted small">
              {c.pk && <Icon name="key" size={10} />} {c.name}
            </span>
            {obj.expired.includes(c.name) ? (
              <span className="expired" title="Expired: refresh to read it again">
                expired
              </span>
            ) : (
              <ValueInput
                obj={obj}
                column={c.name}
                type={c.type}
                nullable={c.nullable}
                onSet={(value) => ormAct(tabId, { op: 'set', ref: obj.ref, column: c.name, value })}
              />
            )}
          </label>
        ))}
      </div>
      {mapper.relationships.length > 0 && (
        <div className="obj-rels">
          {mapper.relationships.map((r) => (
            <RelationshipRow key={r.name} tabId={tabId} obj={obj} r={r} all={all} />
          ))}
        </div>
      )}
    </div>
  )
}

/** A relationship of the object: load it (lazily), or see, unlink and link its targets. */
function RelationshipRow({
  tabId,
  obj,
  r,
  all,
}: {
  tabId: string
  obj: ObjectView
  r: MapperInfo['relationships'][number]
  all: ObjectView[]
}) {
  const v = obj.related[r.name]
  const loaded = r.name in obj.related
  const candidates = all.filter(
    (o) => o.table === r.target && o.status !== 'deleted' && !(Array.isArray(v) ? v.includes(o.ref) : v === o.ref),
  )
  return (
    <div className="obj-rel">
      <span className="rel-name" title={`${r.kind} → ${r.target}${r.secondary ? ` via ${r.secondary}` : ''}`}>
        {r.name}
      </span>
      {!loaded ? (
        <button
          className="btn small ghost"
          onClick={() => ormAct(tabId, { op: 'load', ref: obj.ref, relationship: r.name })}
          disabled={obj.status !== 'persistent'}
        >
          not loaded · load (lazy)
        </button>
      ) : (
        <>
          {(Array.isArray(v) ? v : v === null ? [] : [v as number]).map((ref) => (
            <span key={ref} className="chip rel-chip">
              <a href={`#obj-${tabId}-${ref}`}>{objectLabel(all.find((o) => o.ref === ref))}</a>
              <button
                className="tab-close"
                title={Array.isArray(v) ? `remove from ${r.name}` : `set ${r.name} to None`}
                onClick={() =>
                  ormAct(
                    tabId,
                    Array.isArray(v)
                      ? { op: 'unlink', ref: obj.ref, relationship: r.name, target: ref }
                      : { op: 'link', ref: obj.ref, relationship: r.name, target: null },
                  )
                }
              >
                <Icon name="close" size={10} />
              </button>
            </span>
          ))}
          {candidates.length > 0 && (
            <select
              className="rel-add"
              value=""
              onChange={(e) =>
                e.target.value &&
                ormAct(tabId, {
                  op: 'link',
                  ref: obj.ref,
                  relationship: r.name,
                  target: Number(e.target.value),
                })
              }
            >
              <option value="">{Array.isArray(v) ? '+ add…' : 'set…'}</option>
              {candidates.map((o) => (
                <option key={o.ref} value={o.ref}>
                  {objectLabel(o)}
                </option>
              ))}
            </select>
          )}
        </>
      )}
    </div>
  )
}
