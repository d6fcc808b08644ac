import { useMemo } from 'react'
import type { FdSpec, ProposalView } from '../../../src-shared/normalize'
import type { Column } from '../../../src-shared/schema'
import { proposalModel } from '../../../src-shared/model/proposal-model'
import { modelSvg } from '../../../src-shared/model/svg'
import { formatCell } from '../../../src-shared/values'
import { useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { openDesignerTab } from '../tabs/actions'

export const fdText = (f: FdSpec) => `${f.lhs.join(', ') || '∅'} → ${f.rhs}`

/** A proposed split: checks, a diagram, each new table (renamable) with its first rows, the SQL. */
export function ProposalPanel({
  p,
  handle,
  source,
  tableName,
  onRename,
}: {
  p: ProposalView
  handle: string
  source: Column[]
  tableName: string
  onRename: (shown: string, next: string) => void
}) {
  const saved = p.cellsBefore - p.cellsAfter
  const theme = useApp((s) => s.theme)
  const model = useMemo(
    () => proposalModel(p, source, `${tableName} split (${p.target.toUpperCase()})`),
    [p, source, tableName],
  )
  const svg = useMemo(() => modelSvg(model, theme), [model, theme])
  return (
    <div data-testid="normalize-proposal">
      <p className="muted">{p.explanation}</p>
      <div className="nf-diagram" data-testid="normalize-diagram">
        <div className="nf-diagram-svg" dangerouslySetInnerHTML={{ __html: svg }} />
        <button
          className="btn small ghost"
          onClick={() => void openDesignerTab(handle, { doc: model })}
          title="Open these tables as a model in the designer: rename them, adjust types, export them as SQLAlchemy classes"
          data-testid="normalize-open-designer"
        >
          <Icon name="diagram" size={12} /> Open in designer
        </button>
      </div>
      <div className="nf-checks">
        <span className={`chip ${p.losslessByData ? 'ok' : 'warn'}`} data-testid="normalize-lossless">
          {p.losslessByData ? 'Lossless on the rows' : 'The join adds rows: lossy'}
        </span>
        {p.losslessBySchema !== null && (
          <span className={`chip ${p.losslessBySchema ? 'ok' : 'warn'}`}>
            {p.losslessBySchema ? 'Lossless by the chase' : 'Not lossless by the dependencies'}
          </span>
        )}
        <span className={`chip ${p.lost.length ? 'warn' : 'ok'}`}>
          {p.lost.length ? `Not preserved: ${p.lost.map(fdText).join('; ')}` : 'Every dependency preserved'}
        </span>
        <span className="chip">
          {saved >= 0
            ? `${saved} fewer cells (${p.cellsBefore} → ${p.cellsAfter})`
            : `${-saved} more cells (${p.cellsBefore} → ${p.cellsAfter})`}
        </span>
      </div>
      <div className="nf-tables">
        {p.tables.map((t) => (
          <div className="nf-table" key={t.name} data-testid={`proposed-${t.name}`}>
            <div className="nf-table-head">
              <Icon name="table" size={13} />{' '}
              <input
                key={t.name}
                className="nf-name mono"
                defaultValue={t.name}
                aria-label={`Name of the proposed table ${t.name}`}
                title="Rename this table (Enter)"
                onKeyDown={(e) => e.key === 'Enter' && (e.target as HTMLInputElement).blur()}
                onBlur={(e) => {
                  const next = e.target.value.trim()
                  if (next && next !== t.name) onRename(t.name, next)
                  else e.target.value = t.name
                }}
                data-testid={`rename-${t.name}`}
              />{' '}
              <span className="muted small">{t.rowCount} rows</span>
            </div>
            {t.references.map((r) => (
              <div key={r.table} className="nf-ref small">
                <Icon name="link" size={11} /> ({r.columns.join(', ')}) → {r.table}
              </div>
            ))}
            <table className="grid-table">
              <thead>
                <tr>
                  {t.columns.map((c) => (
                    <th key={c}>
                      {t.key.includes(c) && <Icon name="key" size={10} />} {c}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {t.rows.map((r, i) => (
                  <tr key={i}>
                    {r.map((v, j) => (
                      <td key={j}>{formatCell(v)}</td>
                    ))}
                  </tr>
                ))}
              </tbody>
            </table>
            {t.rowCount > t.rows.length && <div className="muted small">… {t.rowCount - t.rows.length} more</div>}
          </div>
        ))}
      </div>
      <details className="nf-sql">
        <summary>SQL</summary>
        <pre className="code">{p.sql.join('\n')}</pre>
      </details>
    </div>
  )
}
