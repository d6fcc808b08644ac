import type { Analysis, FdSpec } from '../../../src-shared/normalize'
import { Icon } from '../../ui/icons'
import { fdText } from './ProposalPanel'

/** A dependency's identity, whatever the order of its left side. */
export const fdId = (f: FdSpec) => `${[...f.lhs].sort().join(',')}->${f.rhs}`
/** Beyond this many, dependencies are listed on request (they all count). */
const FD_ROWS_SHOWN = 500

/** The dependencies found (tick the true ones), a sample's caveats, and the user's own. */
export function DependenciesSection({
  analysis,
  accepted,
  setAccepted,
  custom,
  setCustom,
  customText,
  setCustomText,
  addCustom,
  showAll,
  setShowAll,
}: {
  analysis: Analysis
  accepted: Set<string>
  setAccepted: (f: (s: Set<string>) => Set<string>) => void
  custom: FdSpec[]
  setCustom: (f: (c: FdSpec[]) => FdSpec[]) => void
  customText: string
  setCustomText: (t: string) => void
  addCustom: () => void
  showAll: boolean
  setShowAll: (on: boolean) => void
}) {
  return (
    <section className="struct-section">
      <h3>
        Dependencies <span className="count">{analysis.fds.length}</span>
        <span className="muted small">
          found in {Math.round(analysis.millis)} ms; tick the ones that are true of the data, not just of these rows
        </span>
      </h3>
      {analysis.sample && (
        <div className="note-box small" data-testid="normalize-sample">
          The table has {analysis.sample.of.toLocaleString('en-US')} rows, too many to read whole: dependencies were
          found on a random sample of {analysis.sample.rows.toLocaleString('en-US')} rows, then the database checked
          each one on all {analysis.sample.of.toLocaleString('en-US')} rows. Every dependency and key listed here holds
          on the whole table (the supporting-row counts are the sample's)
          {analysis.sample.sampleOnly.length + analysis.sample.keysSampleOnly.length > 0 ? (
            <>
              ; these held only in the sample and were dropped:{' '}
              <span className="mono">
                {[
                  ...analysis.sample.sampleOnly.map(
                    (f) => `${fdText(f)} (${(f.error * 100).toPrecision(2)}% of rows break it)`,
                  ),
                  ...analysis.sample.keysSampleOnly.map((k) => `key (${k.join(', ')})`),
                ].join('; ')}
              </span>
              . A dependency with a longer left side may still hold: add it by hand below.
            </>
          ) : (
            '.'
          )}
        </div>
      )}
      <table className="grid-table" data-testid="normalize-fds">
        <thead>
          <tr>
            <th style={{ width: 28 }} />
            <th>Dependency</th>
            <th className="num">Supporting rows</th>
          </tr>
        </thead>
        <tbody>
          {(showAll ? analysis.fds : analysis.fds.slice(0, FD_ROWS_SHOWN)).map((f) => (
            <tr key={fdId(f)} className={accepted.has(fdId(f)) ? '' : 'muted'}>
              <td>
                <input
                  type="checkbox"
                  aria-label={`Accept ${fdText(f)}`}
                  checked={accepted.has(fdId(f))}
                  onChange={(e) =>
                    setAccepted((s) => {
                      const n = new Set(s)
                      if (e.target.checked) n.add(fdId(f))
                      else n.delete(fdId(f))
                      return n
                    })
                  }
                />
              </td>
              <td className="mono">{fdText(f)}</td>
              <td
                className="num"
                title={
                  f.support < 0
                    ? 'Not counted: there are too many dependencies to count the rows behind each'
                    : f.support === 0
                      ? 'The left side is unique in every row: any column follows from it'
                      : `${f.support} rows share their left side with another row`
                }
              >
                {f.support < 0 ? '—' : f.support === 0 ? 'unique' : f.support}
              </td>
            </tr>
          ))}
          {custom.map((f, i) => (
            <tr key={`c${i}`}>
              <td>
                <button
                  className="btn ghost small"
                  title="Remove"
                  onClick={() => setCustom((c) => c.filter((_, j) => j !== i))}
                >
                  <Icon name="close" size={11} />
                </button>
              </td>
              <td className="mono">{fdText(f)}</td>
              <td className="num muted">yours</td>
            </tr>
          ))}
        </tbody>
      </table>
      {!showAll && analysis.fds.length > FD_ROWS_SHOWN && (
        <div className="muted small" data-testid="normalize-more">
          The {FD_ROWS_SHOWN} best supported of {analysis.fds.length.toLocaleString('en-US')} dependencies are listed
          (the others count as found: {analysis.fds.filter((f) => accepted.has(fdId(f))).length.toLocaleString('en-US')}{' '}
          accepted in all).{' '}
          <button className="btn small ghost" onClick={() => setShowAll(true)}>
            List all
          </button>
        </div>
      )}
      <div className="nf-add">
        <input
          className="mono"
          placeholder="add your own: a, b -> c"
          value={customText}
          onChange={(e) => setCustomText(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && addCustom()}
          aria-label="Add a dependency"
        />
        <button className="btn small" onClick={addCustom} disabled={!customText.trim()}>
          <Icon name="plus" size={12} /> Add
        </button>
      </div>
    </section>
  )
}
