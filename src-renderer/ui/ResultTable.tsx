import type { QueryResult } from '../../src-shared/query'
import { formatCell } from '../../src-shared/values'

/** A plain result table (the virtualized, editable grid arrives with the data grid). */
export function ResultTable({ result, limit = 1000 }: { result: QueryResult; limit?: number }) {
  const rows = result.rows.slice(0, limit)
  return (
    <div className="result-scroll">
      <table className="grid-table result" data-testid="result-table">
        <thead>
          <tr>
            <th className="num">#</th>
            {result.columns.map((c, i) => (
              <th key={i} title={c.type ?? undefined}>
                {c.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <tr key={i}>
              <td className="num muted">{i + 1}</td>
              {r.map((v, j) => (
                <td key={j} className={v === null ? 'null' : typeof v === 'number' ? 'num' : ''}>
                  {formatCell(v)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {result.rows.length > limit && (
        <div className="muted small pad">
          Showing the first {limit} of {result.rows.length} rows.
        </div>
      )}
    </div>
  )
}
