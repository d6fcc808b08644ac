import type { DiagnosisView, NormalizeTarget } from '../../../src-shared/normalize'
import type { Column } from '../../../src-shared/schema'
import { AppliedNote } from './AppliedNote'
import { ProposalPanel } from './ProposalPanel'
import type { Normalize } from './use-normalize'

const TARGETS: { id: NormalizeTarget; label: string; hint: string }[] = [
  { id: '1nf', label: '1NF', hint: 'one value per cell' },
  { id: '3nf', label: '3NF synthesis', hint: 'keeps every dependency' },
  { id: 'bcnf', label: 'BCNF', hint: 'may lose a dependency' },
  { id: '4nf', label: '4NF', hint: 'independent facts' },
  { id: '5nf', label: '5NF', hint: 'join dependency' },
]

/** The target form, the proposed split with its rows, and applying it (or what it did). */
export function ProposalSection({
  n,
  normalForm,
  columns,
}: {
  n: Normalize
  normalForm: DiagnosisView['normalForm']
  columns: Column[]
}) {
  const { proposal, applied, target, keepView, names, ref } = n
  return (
    <section className="struct-section">
      <h3>Proposal</h3>
      {normalForm === '5NF' && (
        <p className="muted" data-testid="normalize-done">
          {ref.name} is in 5NF under the accepted dependencies: there is nothing left to split. Accept more dependencies
          above if the data holds facts this one does not show.
        </p>
      )}
      <div className="nf-targets" role="radiogroup" aria-label="Target normal form">
        {TARGETS.map((x) => (
          <button
            key={x.id}
            role="radio"
            aria-checked={target === x.id}
            className={`btn small${target === x.id ? ' primary' : ''}`}
            onClick={() => n.setTarget(x.id)}
            title={x.hint}
          >
            {x.label}
          </button>
        ))}
        <button
          className="btn small"
          disabled={n.busy !== null}
          onClick={() => n.propose()}
          data-testid="normalize-propose"
        >
          {n.busy === 'propose' ? 'Working…' : 'Propose split'}
        </button>
      </div>
      {proposal && (
        <ProposalPanel
          p={proposal}
          handle={n.handle}
          source={columns}
          tableName={ref.name}
          onRename={(shown, next) => {
            // Renames are kept by the name Schemist proposed, whatever the table is called now.
            const proposed = Object.entries(names).find(([, v]) => v === shown)?.[0] ?? shown
            void n.propose(target, keepView, { ...names, [proposed]: next })
          }}
        />
      )}
      {proposal && !applied && <ApplyRow n={n} />}
      {applied && <AppliedNote applied={applied} handle={n.handle} from={ref} />}
    </section>
  )
}

function ApplyRow({ n }: { n: Normalize }) {
  const { proposal, ref } = n
  if (!proposal) return null
  return (
    <div className="nf-apply">
      {proposal.target === '1nf' && (
        <span className="muted">The moved columns are dropped from {ref.name} once every value has arrived.</span>
      )}
      <label className="check" style={proposal.target === '1nf' ? { display: 'none' } : undefined}>
        <input
          type="checkbox"
          checked={n.keepView}
          onChange={(e) => {
            n.setKeepView(e.target.checked)
            void n.propose(n.target, e.target.checked)
          }}
          data-testid="normalize-keep-view"
        />{' '}
        Keep <b>{ref.name}</b> as a view so existing queries still work
      </label>
      {n.csv ? (
        <span className="muted small" data-testid="normalize-csv-note">
          A CSV file has no database to change: copy the SQL, or import the file into a table (a table's grid → Import)
          and normalize that.
        </span>
      ) : (
        <button
          className="btn primary"
          disabled={n.busy !== null || !proposal.losslessByData}
          onClick={() => void n.apply()}
          data-testid="normalize-apply"
        >
          {n.busy === 'apply' ? 'Applying…' : 'Apply in one transaction'}
        </button>
      )}
    </div>
  )
}
