import type { ModelDocument } from '../../../src-shared/model/document'
import { useEffect, useMemo, useState } from 'react'
import type { MapperInfo, ObjectView } from '../../../src-shared/orm'
import { formatCell, type Cell } from '../../../src-shared/values'
import { useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import {
  applyConfigureLocally,
  openOrmSession,
  ormAct,
  reconnectOrmSession,
  runOrmQuery,
  setOrmTable,
  useOrm,
} from './orm-store'
import { objectLabel, SessionPanel, StatusBadge } from './SessionPanel'

type Strategy = 'default' | 'select' | 'joined' | 'selectin' | 'subquery'
const CASCADE_PRESETS = ['save-update, merge', 'all', 'all, delete-orphan', 'save-update, merge, delete', '']

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

function ObjectCard({
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
          {mapper.relationships.map((r) => {
            const v = obj.related[r.name]
            const loaded = r.name in obj.related
            const candidates = all.filter(
              (o) =>
                o.table === r.target && o.status !== 'deleted' && !(Array.isArray(v) ? v.includes(o.ref) : v === o.ref),
            )
            return (
              <div key={r.name} className="obj-rel">
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
          })}
        </div>
      )}
    </div>
  )
}

function RelationshipSettings({ tabId, mapper }: { tabId: string; mapper: MapperInfo }) {
  if (mapper.relationships.length === 0) return <div className="muted small">No relationships on {mapper.table}.</div>
  return (
    <table className="grid-table rel-settings">
      <thead>
        <tr>
          <th>relationship</th>
          <th>kind</th>
          <th>cascade</th>
          <th>passive_deletes</th>
          <th>lazy</th>
        </tr>
      </thead>
      <tbody>
        {mapper.relationships.map((r) => {
          const cascade = r.cascade.join(', ')
          const configure = (p: Parameters<typeof applyConfigureLocally>[3]) => {
            applyConfigureLocally(tabId, mapper.table, r.name, p)
            void ormAct(tabId, { op: 'configure', relationship: `${mapper.table}.${r.name}`, ...p })
          }
          return (
            <tr key={r.name}>
              <td className="mono">
                {r.name} → {r.target}
              </td>
              <td className="muted">{r.kind}</td>
              <td>
                <select
                  value={CASCADE_PRESETS.includes(cascade) ? cascade : cascade}
                  onChange={(e) => configure({ cascade: e.target.value })}
                  data-testid={`cascade-${r.name}`}
                >
                  {[...new Set([cascade, ...CASCADE_PRESETS])].map((c) => (
                    <option key={c} value={c}>
                      {c === '' ? '(none)' : c}
                    </option>
                  ))}
                </select>
              </td>
              <td>
                <select
                  value={String(r.passiveDeletes)}
                  onChange={(e) =>
                    configure({ passiveDeletes: e.target.value === 'all' ? 'all' : e.target.value === 'true' })
                  }
                >
                  <option value="false">False</option>
                  <option value="true">True</option>
                  <option value="all">"all"</option>
                </select>
              </td>
              <td>
                <select value={r.lazy} onChange={(e) => configure({ lazy: e.target.value as typeof r.lazy })}>
                  {['select', 'joined', 'selectin', 'subquery', 'raise'].map((l) => (
                    <option key={l}>{l}</option>
                  ))}
                </select>
              </td>
            </tr>
          )
        })}
      </tbody>
    </table>
  )
}

/** Load objects with a strategy, change them through relationships, flush, commit, and watch the SQL. */
export function OrmPlaygroundTab({ tabId, handle, model }: { tabId: string; handle: string; model?: ModelDocument }) {
  const st = useOrm((s) => s[tabId])
  const conn = useApp((s) => s.open[handle])
  const [strategies, setStrategies] = useState<Record<string, Strategy>>({})
  const [limit, setLimit] = useState(20)
  const [showSettings, setShowSettings] = useState(false)
  useEffect(() => {
    void openOrmSession(tabId, handle, model)
    // The model is fixed for the tab's life: it was copied when the tab opened.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [tabId, handle])
  const mapper = st?.mappers.find((m) => m.table === st.table)
  const byRef = useMemo(() => new Map((st?.snapshot?.objects ?? []).map((o) => [o.ref, o])), [st?.snapshot])
  if (!st || !st.snapshot)
    return (
      <div className="pane-note">
        {st?.error ? (
          <span className="error">{st.error.message}</span>
        ) : (
          <>
            <span className="spinner" /> Opening a session…
          </>
        )}
      </div>
    )
  const shown = st.results.map((r) => byRef.get(r)).filter((o): o is ObjectView => !!o)
  const load = () =>
    runOrmQuery(tabId, {
      table: st.table,
      limit,
      loaders: Object.entries(strategies)
        .filter(([name, s]) => s !== 'default' && mapper?.relationships.some((r) => r.name === name))
        .map(([relationship, strategy]) => ({ relationship, strategy: strategy as Exclude<Strategy, 'default'> })),
    })
  const newObject = async () => {
    if (!mapper) return
    const values: Record<string, Cell> = {}
    for (const c of mapper.columns)
      if (!c.pk && !c.nullable && !c.serverDefault)
        values[c.name] = /int|real|double|numeric/i.test(c.type) ? 0 : `new ${c.name}`
    await ormAct(tabId, { op: 'create', table: mapper.table, values })
  }
  return (
    <div className="orm-tab">
      <div className="orm-main">
        <div className="toolbar wrap">
          <label className="inline">
            <span className="muted small">select(</span>
            <select value={st.table} onChange={(e) => setOrmTable(tabId, e.target.value)} data-testid="orm-table">
              {st.mappers.map((m) => (
                <option key={m.table}>{m.table}</option>
              ))}
            </select>
            <span className="muted small">)</span>
          </label>
          {mapper?.relationships.map((r) => (
            <label key={r.name} className="inline" title={`Loading strategy for ${r.name} in this query`}>
              <span className="muted small">{r.name}:</span>
              <select
                value={strategies[r.name] ?? 'default'}
                onChange={(e) => setStrategies({ ...strategies, [r.name]: e.target.value as Strategy })}
                data-testid={`strategy-${r.name}`}
              >
                <option value="default">lazy="{r.lazy}"</option>
                <option value="joined">joinedload</option>
                <option value="selectin">selectinload</option>
                <option value="subquery">subqueryload</option>
                <option value="select">lazyload</option>
              </select>
            </label>
          ))}
          <label className="inline">
            <span className="muted small">limit</span>
            <input
              type="number"
              className="limit"
              value={limit}
              min={1}
              onChange={(e) => setLimit(Math.max(1, Number(e.target.value) || 1))}
            />
          </label>
          <button className="btn small primary" onClick={load} disabled={st.busy} data-testid="orm-load">
            <Icon name="play" size={12} /> Load
          </button>
          <button className="btn small" onClick={newObject} disabled={st.busy || !mapper} data-testid="orm-new">
            <Icon name="plus" size={12} /> New {st.table}
          </button>
          <button className="btn small ghost" onClick={() => setShowSettings(!showSettings)}>
            Relationships…
          </button>
          <span className="spacer" />
          <span className="muted small" data-testid="orm-source">
            {model
              ? `Mappers from the model ${model.name} (its relationship names, cascades, loading), over an empty scratch SQLite database: create objects, then flush or commit to see the SQL.`
              : conn?.name}
          </span>
        </div>
        {showSettings && mapper && (
          <div className="orm-settings">
            <RelationshipSettings tabId={tabId} mapper={mapper} />
          </div>
        )}
        {st.error && (
          <div className="error-box orm-error" role="alert" data-testid="orm-error">
            {st.error.message}
            {st.error.code === 'CONNECTION_LOST' && (
              <div className="small">
                The session's connection dropped; its pending changes are still here.{' '}
                <button
                  className="btn small primary"
                  disabled={st.busy}
                  onClick={() => void reconnectOrmSession(tabId)}
                  data-testid="orm-reconnect"
                >
                  Reconnect session
                </button>
              </div>
            )}
            {st.error.refs.length > 0 && (
              <div className="small">
                Failing object: {st.error.refs.map((r) => objectLabel(byRef.get(r))).join(', ')}; fix it and commit
                again: nothing was lost.
              </div>
            )}
          </div>
        )}
        <div className="orm-objects">
          {shown.length === 0 && (
            <div className="pane-note muted">
              Pick a table and a loading strategy, then Load. Every statement the session sends appears on the right.
            </div>
          )}
          {shown.map((o) => (
            <ObjectCard
              key={o.ref}
              tabId={tabId}
              obj={o}
              mapper={st.mappers.find((m) => m.table === o.table)}
              all={st.snapshot!.objects}
              failing={st.error?.refs.includes(o.ref) ?? false}
            />
          ))}
        </div>
      </div>
      <SessionPanel
        snapshot={st.snapshot}
        errorRefs={st.error?.refs}
        busy={st.busy}
        onAction={(op) => ormAct(tabId, { op })}
        onPick={(ref) =>
          document.getElementById(`obj-${tabId}-${ref}`)?.scrollIntoView({ behavior: 'smooth', block: 'center' })
        }
      />
    </div>
  )
}
