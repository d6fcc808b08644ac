import type { ModelDocument } from '../../../src-shared/model/document'
import { useEffect, useMemo, useState } from 'react'
import type { MapperInfo, ObjectView } from '../../../src-shared/orm'
import { type Cell } from '../../../src-shared/values'
import { useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import {
  openOrmSession,
  ormAct,
  reconnectOrmSession,
  runOrmQuery,
  setOrmTable,
  useOrm,
  type OrmTabState,
} from './orm-store'
import { objectLabel, SessionPanel } from './SessionPanel'

import { ObjectCard } from './ObjectCard'
import { RelationshipSettings } from './RelationshipSettings'

/** How a query loads a relationship: the mapper's own choice, or one named for this query. */
type Strategy = 'default' | 'select' | 'joined' | 'selectin' | 'subquery'

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
          {mapper && <StrategyPicker mapper={mapper} strategies={strategies} setStrategies={setStrategies} />}
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
        {st.error && <OrmError tabId={tabId} error={st.error} busy={st.busy} byRef={byRef} />}
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

/** A loading strategy for each of the mapper's relationships, for this query. */
function StrategyPicker({
  mapper,
  strategies,
  setStrategies,
}: {
  mapper: MapperInfo
  strategies: Record<string, Strategy>
  setStrategies: (s: Record<string, Strategy>) => void
}) {
  return (
    <>
      {mapper.relationships.map((r) => (
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
    </>
  )
}

/** The session's error: a lost connection to reconnect, or the failing objects (nothing was lost). */
function OrmError({
  tabId,
  error,
  busy,
  byRef,
}: {
  tabId: string
  error: NonNullable<OrmTabState['error']>
  busy: boolean
  byRef: Map<number, ObjectView>
}) {
  return (
    <div className="error-box orm-error" role="alert" data-testid="orm-error">
      {error.message}
      {error.code === 'CONNECTION_LOST' && (
        <div className="small">
          The session's connection dropped; its pending changes are still here.{' '}
          <button
            className="btn small primary"
            disabled={busy}
            onClick={() => void reconnectOrmSession(tabId)}
            data-testid="orm-reconnect"
          >
            Reconnect session
          </button>
        </div>
      )}
      {error.refs.length > 0 && (
        <div className="small">
          Failing object: {error.refs.map((r) => objectLabel(byRef.get(r))).join(', ')}; fix it and commit again:
          nothing was lost.
        </div>
      )}
    </div>
  )
}
