import type { Analysis } from '../../../src-shared/normalize'
import { Icon } from '../../ui/icons'
import { fdText } from './ProposalPanel'
import { fdId } from './fd-text'
import type { Normalize } from './use-normalize'

/** Beyond this many, dependencies are listed on request (they all count). */
const FD_ROWS_SHOWN = 500

/** The dependencies found (tick the true ones), a sample's caveats, and the user's own. */
export function DependenciesSection({ n, analysis }: { n: Normalize; analysis: Analysis }) {
  const { accepted, setAccepted, custom, setCustom, customText, setCustomText, addCustom, showAll, setShowAll } = n
  return (
    <section className="struct-section">
      <h3>
        Dependencies <span className="count">{analysis.fds.length}</span>
        <span className="muted small">
          found in {Math.round(analysis.millis)} ms; tick the ones that are true of the data, not just of these rows
        </span>
      </h3>
      {analysis.sample && <SampleNote sample={analysis.sample} />}
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
            <DependencyRow
              key={fdId(f)}
              f={f}
              accepted={accepted.has(fdId(f))}
              onAccept={(on) =>
                setAccepted((s) => {
                  const next = new Set(s)
                  if (on) next.add(fdId(f))
                  else next.delete(fdId(f))
                  return next
                })
              }
            />
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

type Fd = Analysis['fds'][number]

function DependencyRow({ f, accepted, onAccept }: { f: Fd; accepted: boolean; onAccept: (on: boolean) => void }) {
  return (
    <tr className={accepted ? '' : 'muted'}>
      <td>
        <input
          type="checkbox"
          aria-label={`Accept ${fdText(f)}`}
          checked={accepted}
          onChange={(e) => onAccept(e.target.checked)}
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
  )
}

/** On a table too big to read whole: what the sample found, and what held only in the sample. */
function SampleNote({ sample }: { sample: NonNullable<Analysis['sample']> }) {
  return (
    <div className="note-box small" data-testid="normalize-sample">
      The table has {sample.of.toLocaleString('en-US')} rows, too many to read whole: dependencies were found on a
      random sample of {sample.rows.toLocaleString('en-US')} rows, then the database checked each one on all{' '}
      {sample.of.toLocaleString('en-US')} rows. Every dependency and key listed here holds on the whole table (the
      supporting-row counts are the sample's)
      {sample.sampleOnly.length + sample.keysSampleOnly.length > 0 ? (
        <>
          ; these held only in the sample and were dropped:{' '}
          <span className="mono">
            {[
              ...sample.sampleOnly.map((f) => `${fdText(f)} (${(f.error * 100).toPrecision(2)}% of rows break it)`),
              ...sample.keysSampleOnly.map((k) => `key (${k.join(', ')})`),
            ].join('; ')}
          </span>
          . A dependency with a longer left side may still hold: add it by hand below.
        </>
      ) : (
        '.'
      )}
    </div>
  )
}
