import { Icon } from '../../ui/icons'
import { Modal } from '../../ui/Modal'
import { DiagnosisSummary } from '../normalize/DiagnosisSummary'
import { fdText } from '../normalize/ProposalPanel'
import { useDeclaredDependencies, type DeclaredDependencies } from './use-declared-dependencies'

/**
 * Normalization of a designer table on paper: the user declares the functional dependencies the
 * table's data will obey, reads the normal form and why, and carries out the 3NF or BCNF split in
 * the model (as Splits, so applying the model to a database moves the rows). The dependencies are
 * saved with the model, and every change here is one undoable edit.
 */
export function DependenciesDialog({
  tabId,
  tableId,
  onClose,
}: {
  tabId: string
  tableId: string
  onClose: () => void
}) {
  const d = useDeclaredDependencies(tabId, tableId, onClose)
  const { t, renamed, error, diagnosis } = d
  if (!t) return null
  const footer = (
    <>
      <span className="muted small">
        {renamed
          ? `${renamed.tables.length} tables; ${t.name} keeps its key and rows`
          : 'Choose 3NF or BCNF to see the split'}
      </span>
      <span className="spacer" />
      <button className="btn" onClick={onClose}>
        Close
      </button>
      <button className="btn primary" disabled={!renamed} onClick={d.apply} data-testid="dz-deps-apply">
        Split in the model
      </button>
    </>
  )
  return (
    <Modal
      title={`Normalize ${t.name} by its dependencies`}
      onClose={onClose}
      footer={footer}
      testId="dz-deps"
      className="dz-deps"
    >
      <p className="muted small">
        A table on paper has no rows to discover dependencies in: say which columns determine which (the key and unique
        columns already determine every column). Schemist tells the normal form and why, and splits the table in the
        model; applying the model to a database then moves the rows.
      </p>
      {error && (
        <div className="pane-note error" role="alert" data-testid="dz-deps-error">
          <Icon name="warning" size={14} /> {error}
        </div>
      )}
      <DeclaredList d={d} />
      {diagnosis && (
        <section className="struct-section" data-testid="dz-deps-diagnosis">
          <h3>Diagnosis</h3>
          <DiagnosisSummary d={diagnosis} />
        </section>
      )}
      <section className="struct-section">
        <h3>Split</h3>
        <div className="nf-targets" role="radiogroup" aria-label="Target normal form">
          {(['3nf', 'bcnf'] as const).map((x) => (
            <button
              key={x}
              role="radio"
              aria-checked={d.target === x}
              className={`btn small${d.target === x ? ' primary' : ''}`}
              onClick={() => void d.propose(x)}
              title={x === '3nf' ? 'Keeps every dependency' : 'Every determinant a key; may lose a dependency'}
              data-testid={`dz-deps-${x}`}
            >
              {x === '3nf' ? '3NF synthesis' : 'BCNF'}
            </button>
          ))}
        </div>
        <ProposedSplit d={d} />
      </section>
    </Modal>
  )
}

/** The declared dependencies, the columns to write one with, and the box to add it. */
function DeclaredList({ d }: { d: DeclaredDependencies }) {
  const { t, paper, fds } = d
  if (!t || !paper) return null
  /** A column chip adds its name where the dependency being written needs one. */
  const addColumn = (c: string) =>
    d.setText((x) =>
      x.includes('->') ? `${x.trimEnd()}${/->\s*$/.test(x) ? ' ' : ', '}${c}` : x.trim() ? `${x.trimEnd()}, ${c}` : c,
    )
  return (
    <section className="struct-section">
      <h3>
        Dependencies <span className="count">{fds.length}</span>
      </h3>
      <div className="dz-deps-columns small muted">
        Columns:{' '}
        {paper.columns.map((c) => (
          <button
            key={c}
            className="chip mono"
            title={`Add ${c} to the dependency being written`}
            onClick={() => addColumn(c)}
          >
            {paper.key?.includes(c) && <Icon name="key" size={10} />} {c}
          </button>
        ))}
      </div>
      <ul className="dz-deps-list" data-testid="dz-deps-list">
        {fds.map((f, i) => (
          <li key={`${fdText(f)}${i}`}>
            <span className="mono">{fdText(f)}</span>
            <button
              className="icon-button"
              title="Remove"
              aria-label={`Remove ${fdText(f)}`}
              onClick={() => d.setDeps((t.dependencies ?? []).filter((_, j) => j !== i))}
            >
              <Icon name="close" size={11} />
            </button>
          </li>
        ))}
        {fds.length === 0 && <li className="muted">None declared yet.</li>}
      </ul>
      <div className="nf-add">
        <input
          className="mono"
          placeholder="department -> city"
          value={d.text}
          onChange={(e) => d.setText(e.target.value)}
          onKeyDown={(e) => e.key === 'Enter' && d.add()}
          aria-label="Add a dependency"
          data-testid="dz-deps-input"
          autoFocus
        />
        <button className="btn small" onClick={d.add} disabled={!d.text.trim()} data-testid="dz-deps-add">
          <Icon name="plus" size={12} /> Add
        </button>
      </div>
    </section>
  )
}

/** The split: whether it is lossless and keeps the dependencies, its diagram, and its tables to name. */
function ProposedSplit({ d }: { d: DeclaredDependencies }) {
  const { renamed, proposal, t } = d
  if (!renamed || !proposal || !t) return null
  return (
    <div data-testid="dz-deps-proposal">
      <p className="muted">{renamed.explanation}</p>
      <div className="nf-checks">
        <span className={`chip ${renamed.losslessBySchema ? 'ok' : 'warn'}`}>
          {renamed.losslessBySchema ? 'Lossless by the chase' : 'Not lossless by the dependencies'}
        </span>
        <span className={`chip ${renamed.lost.length ? 'warn' : 'ok'}`}>
          {renamed.lost.length ? `Not preserved: ${renamed.lost.map(fdText).join('; ')}` : 'Every dependency preserved'}
        </span>
      </div>
      <div className="nf-diagram">
        <div className="nf-diagram-svg" dangerouslySetInnerHTML={{ __html: d.svg }} />
      </div>
      <div className="dz-deps-tables">
        {proposal.tables.map((x, i) => (
          <label key={x.name} className="field">
            <span className="mono small">
              {renamed.tables[i].columns.map((c, j) => (
                <span key={c}>
                  {j > 0 && ', '}
                  {renamed.tables[i].key.includes(c) ? <u title="key">{c}</u> : c}
                </span>
              ))}
            </span>
            <input
              className="mono"
              value={d.names[x.name] ?? x.name}
              disabled={x.name === t.name}
              onChange={(e) => d.setNames({ ...d.names, [x.name]: e.target.value })}
              aria-label={`Name of the proposed table ${x.name}`}
              data-testid={`dz-deps-name-${x.name}`}
            />
          </label>
        ))}
      </div>
    </div>
  )
}
