import { useApp } from '../../app/store'
import { tableKey } from '../../../src-shared/schema'
import { Icon } from '../../ui/icons'
import { normalizeApi } from './api'
import { CsvReadOptions } from './CsvReadOptions'
import { DependenciesSection } from './DependenciesSection'
import { DiagnosisSummary } from './DiagnosisSummary'
import { ProposalSection } from './ProposalSection'
import { useNormalize, type DiscoveryJob, type Normalize } from './use-normalize'

/**
 * The normalization wizard for one table: discover dependencies in its rows, accept or reject
 * each, read the diagnosis, look at the proposed split with its rows, and apply it.
 */
export function NormalizeTab({ handle, table: key, csv }: { handle: string; table: string; csv?: string }) {
  const entry = useApp((s) => s.schemas[handle])
  const t = entry?.state === 'ready' ? entry.schema.tables.find((x) => tableKey(x) === key) : undefined
  const n = useNormalize(handle, { schema: t?.schema ?? null, name: t?.name ?? key }, csv)
  const { analysis, diagnosis: d, error, job } = n
  return (
    <div className="structure normalize" data-testid="normalize-tab">
      <NormalizeHeader n={n} />
      {error && (
        <div className="pane-note error" role="alert" data-testid="normalize-error">
          <Icon name="warning" size={14} /> {error}
        </div>
      )}
      {job && n.busy === 'analyze' && <DiscoveryProgress job={job} />}
      {!analysis && !error && !job && (
        <div className="pane-note">
          Schemist reads the rows, finds every functional dependency that holds in them (TANE, or agree sets on wide
          tables), and says which normal form the table is in and why.
        </div>
      )}
      {analysis && d && (
        <>
          <section className="struct-section">
            <h3>
              Diagnosis <span className="muted small">under the {n.chosen().length} accepted dependencies</span>
            </h3>
            <DiagnosisSummary d={d} />
          </section>
          <DependenciesSection n={n} analysis={analysis} />
          <ProposalSection n={n} normalForm={d.normalForm} columns={t?.columns ?? []} />
        </>
      )}
    </div>
  )
}

/** The table's name and size, how a CSV is read, NULL equality, and the discover button. */
function NormalizeHeader({ n }: { n: Normalize }) {
  const { analysis, busy, csv } = n
  return (
    <header className="struct-head">
      <div>
        <div className="struct-kicker">
          Normalize ·{' '}
          {analysis
            ? `${analysis.rowCount.toLocaleString('en-US')} rows, ${analysis.columns.length} columns`
            : 'dependencies from the data'}
        </div>
        <h2>{n.ref.name}</h2>
      </div>
      <div className="struct-meta">
        {csv && (
          <CsvReadOptions
            read={n.read}
            used={analysis?.csvRead ?? null}
            disabled={busy !== null}
            onChange={(r) => {
              n.setRead(r)
              // What was found belongs to the old reading of the file: find it again under the new one.
              if (analysis) void n.analyze(r)
            }}
          />
        )}
        <label
          className="check small"
          title="Treat NULLs as equal values when grouping rows (off: NULL differs from everything)"
        >
          <input type="checkbox" checked={n.nullsEqual} onChange={(e) => n.setNullsEqual(e.target.checked)} /> NULL =
          NULL
        </label>
        <button
          className="btn small primary"
          disabled={busy !== null}
          onClick={() => void n.analyze()}
          data-testid="normalize-discover"
        >
          <Icon name="sparkle" size={12} />{' '}
          {busy === 'analyze' ? 'Discovering…' : analysis ? 'Discover again' : 'Discover dependencies'}
        </button>
      </div>
    </header>
  )
}

function DiscoveryProgress({ job }: { job: DiscoveryJob }) {
  return (
    <div className="progress-wrap nf-progress" data-testid="normalize-progress">
      <div className="small">
        {job.phase === 'reading'
          ? 'Reading the rows…'
          : job.phase === 'discovering'
            ? `Discovering on a worker thread: step ${job.done} of at most ${job.total}`
            : `Checking on the whole table: ${job.done} of ${job.total}`}
        <button
          className="btn small ghost"
          onClick={() => void normalizeApi.cancel({ jobId: job.id })}
          data-testid="normalize-cancel"
        >
          Cancel
        </button>
      </div>
      <div className="progress">
        <div style={{ width: `${Math.round((100 * job.done) / Math.max(1, job.total))}%` }} />
      </div>
    </div>
  )
}
