import type { DiagnosisView, NormalizeTarget } from '../../../src-shared/normalize'
import type { Column } from '../../../src-shared/schema'
import { ENGINES } from '../../../src-shared/engines'
import { useApp } from '../../app/store'
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
        <ApplyButton n={n} disabled={n.busy !== null || !proposal.losslessByData} />
      )}
    </div>
  )
}

/**
 * Apply: in one transaction where DDL is transactional; elsewhere (MariaDB) the button says that
 * the check runs before the original is dropped and a failure before then is undone by hand.
 */
function ApplyButton({ n, disabled }: { n: Normalize; disabled: boolean }) {
  const engine = useApp((s) => s.open[n.handle]?.engine)
  const info = engine ? ENGINES[engine] : null
  const atomic = !info || info.capabilities.transactionalDdl
  return (
    <button
      className="btn primary"
      disabled={disabled}
      onClick={() => void n.apply()}
      title={
        atomic
          ? 'Creates the tables, copies the rows, checks they join back to the original, and only then drops it: all in one transaction'
          : `${info.label} commits every CREATE and DROP at once: the new tables are checked before the original is dropped, and if anything fails before that they are dropped again and the original keeps its name`
      }
      data-testid="normalize-apply"
    >
      {n.busy === 'apply' ? 'Applying…' : atomic ? 'Apply in one transaction' : 'Apply (checked before the drop)'}
    </button>
  )
}
