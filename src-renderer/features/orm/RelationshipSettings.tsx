import type { MapperInfo } from '../../../src-shared/orm'
import { applyConfigureLocally, ormAct } from './orm-store'

const CASCADE_PRESETS = ['save-update, merge', 'all', 'all, delete-orphan', 'save-update, merge, delete', '']

export function RelationshipSettings({ tabId, mapper }: { tabId: string; mapper: MapperInfo }) {
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
