import { memo, useState } from 'react'
import { tableKey, type Table } from '../../../src-shared/schema'
import { useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { refreshSchema } from '../connections/actions'
import { openDataTab, openStructureTab } from '../tabs/actions'

/** Tables and views of one open connection, filterable; a click opens the structure tab. */
export const SchemaTree = memo(function SchemaTree({ handle }: { handle: string }) {
  const entry = useApp((s) => s.schemas[handle])
  const activeTab = useApp((s) => s.activeTab)
  const [filter, setFilter] = useState('')
  if (!entry || entry.state === 'loading') return <div className="tree-note">Reading schema…</div>
  if (entry.state === 'error')
    return (
      <div className="tree-note error">
        {entry.message}{' '}
        <button className="link" onClick={() => refreshSchema(handle)}>
          Retry
        </button>
      </div>
    )
  const f = filter.trim().toLowerCase()
  const match = (t: Table) => !f || t.name.toLowerCase().includes(f)
  const tables = entry.schema.tables.filter((t) => t.kind === 'table' && match(t))
  const views = entry.schema.tables.filter((t) => t.kind === 'view' && match(t))
  const group = (label: string, items: Table[], icon: 'table' | 'view') => (
    <div className="tree-group" role="group" aria-label={label}>
      <div className="tree-group-label">
        {label}{' '}
        <span className="count" aria-label={`${items.length} ${label.toLowerCase()}`}>
          {items.length}
        </span>
      </div>
      {items.map((t) => {
        const key = tableKey(t)
        const active = activeTab === `structure:${handle}:${key}` || activeTab === `data:${handle}:${key}`
        return (
          <div key={key} className={`tree-item${active ? ' active' : ''}`}>
            <button
              className="tree-open"
              data-testid={`tree-table-${key}`}
              title={`Open ${key}'s rows`}
              onClick={() => openDataTab(handle, key)}
            >
              <Icon name={icon} />
              <span className="tree-item-name">
                {t.schema && t.schema !== 'public' ? `${t.schema}.${t.name}` : t.name}
              </span>
              <span className="tree-item-meta" title={`${t.columns.length} column${t.columns.length === 1 ? '' : 's'}`}>
                {t.columns.length} col{t.columns.length === 1 ? '' : 's'}
              </span>
            </button>
            <button
              className="tree-structure"
              title="Structure"
              data-testid={`tree-structure-${key}`}
              onClick={() => openStructureTab(handle, key)}
            >
              <Icon name="key" size={12} />
            </button>
          </div>
        )
      })}
    </div>
  )
  return (
    <div className="schema-tree" data-testid={`schema-tree-${handle}`}>
      <div className="tree-filter">
        <input
          placeholder="Filter tables"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          aria-label="Filter tables"
        />
        <button className="icon-button" title="Refresh schema" onClick={() => refreshSchema(handle)}>
          <Icon name="refresh" size={14} />
        </button>
      </div>
      {group('Tables', tables, 'table')}
      {views.length > 0 && group('Views', views, 'view')}
      {tables.length + views.length === 0 && (
        <div className="tree-note">{f ? 'No table matches the filter' : 'This database has no tables yet'}</div>
      )}
    </div>
  )
})
