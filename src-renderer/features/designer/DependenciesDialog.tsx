import { normalizeApi } from './api'
import { useEffect, useMemo, useState } from 'react'
import type { DeclaredProposal, DiagnosisView, FdSpec } from '../../../src-shared/normalize'
import { applyDecomposition } from '../../../src-shared/model/decompose-model'
import { proposalModel } from '../../../src-shared/model/proposal-model'
import { modelSvg } from '../../../src-shared/model/svg'
import { errorMessage } from '../../bridge/client'
import { toast, useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { DiagnosisSummary } from '../normalize/DiagnosisSummary'
import { fdText } from '../normalize/ProposalPanel'
import { parseFdText } from '../normalize/fd-text'
import { edit, select, useDesigners } from './designer-store'

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
  const doc = useDesigners((s) => s[tabId].doc)
  const t = doc.tables.find((x) => x.id === tableId)
  const theme = useApp((s) => s.theme)
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [diagnosis, setDiagnosis] = useState<DiagnosisView | null>(null)
  const [target, setTarget] = useState<'3nf' | 'bcnf'>('3nf')
  const [proposal, setProposal] = useState<DeclaredProposal | null>(null)
  const [names, setNames] = useState<Record<string, string>>({})

  const columns = t?.columns.map((c) => c.name) ?? []
  const key =
    t?.columns
      .filter((c) => c.primaryKey > 0)
      .sort((a, b) => a.primaryKey - b.primaryKey)
      .map((c) => c.name) ?? []
  const paper = t && { name: t.name, columns, key: key.length ? key : null, uniques: t.uniques.map((u) => u.columns) }
  const fds: FdSpec[] = (t?.dependencies ?? []).map((f) => ({ ...f, error: 0 }))
  const depsKey = JSON.stringify([t?.dependencies ?? [], columns, key, t?.uniques.map((u) => u.columns)])

  useEffect(() => {
    if (!paper) return
    let live = true
    setProposal(null)
    normalizeApi
      .declared({ table: paper, fds, target: null })
      .then((r) => live && setDiagnosis(r.diagnosis))
      .catch((e) => live && setError(errorMessage(e)))
    return () => {
      live = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [depsKey])

  const renamed = useMemo(() => {
    if (!proposal) return null
    const to = (n: string) => names[n]?.trim() || n
    return {
      ...proposal,
      tables: proposal.tables.map((x) => ({
        ...x,
        name: to(x.name),
        references: x.references.map((r) => ({ ...r, table: to(r.table) })),
      })),
    }
  }, [proposal, names])
  const svg = useMemo(
    () => (renamed && t ? modelSvg(proposalModel(renamed, t.columns), theme) : ''),
    [renamed, t, theme],
  )

  if (!t || !paper) return null

  const setDeps = (next: { lhs: string[]; rhs: string }[]) =>
    edit(tabId, (d) => ({ ...d, tables: d.tables.map((x) => (x.id === tableId ? { ...x, dependencies: next } : x)) }))

  function add() {
    const r = parseFdText(text, columns, t!.name)
    if ('error' in r) return setError(r.error)
    const have = t!.dependencies ?? []
    const fresh = r.fds.filter(
      (f) =>
        !have.some((h) => h.rhs === f.rhs && h.lhs.length === f.lhs.length && h.lhs.every((c) => f.lhs.includes(c))),
    )
    setDeps([...have, ...fresh.map(({ lhs, rhs }) => ({ lhs, rhs }))])
    setText('')
    setError(null)
  }

  async function propose(to = target) {
    setTarget(to)
    setError(null)
    setNames({})
    try {
      setProposal((await normalizeApi.declared({ table: paper!, fds, target: to })).proposal)
    } catch (e) {
      setProposal(null)
      setError(errorMessage(e))
    }
  }

  function apply() {
    if (!renamed) return
    const taken = doc.tables.filter((x) => x.id !== tableId).map((x) => x.name.toLowerCase())
    const clash = renamed.tables.find((x) => x.name !== t!.name && taken.includes(x.name.toLowerCase()))
    if (clash) return setError(`The model already has a table named ${clash.name}: rename the proposed table first`)
    let ids: Record<string, string> = {}
    try {
      edit(tabId, (d) => {
        const r = applyDecomposition(d, tableId, renamed)
        ids = r.ids
        return r.doc
      })
    } catch (e) {
      return setError(errorMessage(e))
    }
    select(tabId, { tables: Object.values(ids), fk: null })
    toast('success', `Split ${t!.name} into ${renamed.tables.map((x) => x.name).join(', ')} (Ctrl+Z undoes it)`)
    onClose()
  }

  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div
        className="modal dz-deps"
        role="dialog"
        aria-modal="true"
        aria-labelledby="dz-deps-title"
        data-testid="dz-deps"
        onKeyDown={(e) => e.key === 'Escape' && onClose()}
      >
        <header className="modal-head">
          <h2 id="dz-deps-title">Normalize {t.name} by its dependencies</h2>
          <button className="icon-button" onClick={onClose} aria-label="Close">
            <Icon name="close" />
          </button>
        </header>
        <div className="modal-body">
          <p className="muted small">
            A table on paper has no rows to discover dependencies in: say which columns determine which (the key and
            unique columns already determine every column). Schemist tells the normal form and why, and splits the table
            in the model; applying the model to a database then moves the rows.
          </p>
          {error && (
            <div className="pane-note error" role="alert" data-testid="dz-deps-error">
              <Icon name="warning" size={14} /> {error}
            </div>
          )}
          <section className="struct-section">
            <h3>
              Dependencies <span className="count">{fds.length}</span>
            </h3>
            <div className="dz-deps-columns small muted">
              Columns:{' '}
              {columns.map((c) => (
                <button
                  key={c}
                  className="chip mono"
                  title={`Add ${c} to the dependency being written`}
                  onClick={() =>
                    setText((x) =>
                      x.includes('->')
                        ? `${x.trimEnd()}${/->\s*$/.test(x) ? ' ' : ', '}${c}`
                        : x.trim()
                          ? `${x.trimEnd()}, ${c}`
                          : c,
                    )
                  }
                >
                  {key.includes(c) && <Icon name="key" size={10} />} {c}
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
                    onClick={() => setDeps((t.dependencies ?? []).filter((_, j) => j !== i))}
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
                value={text}
                onChange={(e) => setText(e.target.value)}
                onKeyDown={(e) => e.key === 'Enter' && add()}
                aria-label="Add a dependency"
                data-testid="dz-deps-input"
                autoFocus
              />
              <button className="btn small" onClick={add} disabled={!text.trim()} data-testid="dz-deps-add">
                <Icon name="plus" size={12} /> Add
              </button>
            </div>
          </section>
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
                  aria-checked={target === x}
                  className={`btn small${target === x ? ' primary' : ''}`}
                  onClick={() => void propose(x)}
                  title={x === '3nf' ? 'Keeps every dependency' : 'Every determinant a key; may lose a dependency'}
                  data-testid={`dz-deps-${x}`}
                >
                  {x === '3nf' ? '3NF synthesis' : 'BCNF'}
                </button>
              ))}
            </div>
            {renamed && (
              <div data-testid="dz-deps-proposal">
                <p className="muted">{renamed.explanation}</p>
                <div className="nf-checks">
                  <span className={`chip ${renamed.losslessBySchema ? 'ok' : 'warn'}`}>
                    {renamed.losslessBySchema ? 'Lossless by the chase' : 'Not lossless by the dependencies'}
                  </span>
                  <span className={`chip ${renamed.lost.length ? 'warn' : 'ok'}`}>
                    {renamed.lost.length
                      ? `Not preserved: ${renamed.lost.map(fdText).join('; ')}`
                      : 'Every dependency preserved'}
                  </span>
                </div>
                <div className="nf-diagram">
                  <div className="nf-diagram-svg" dangerouslySetInnerHTML={{ __html: svg }} />
                </div>
                <div className="dz-deps-tables">
                  {proposal!.tables.map((x, i) => (
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
                        value={names[x.name] ?? x.name}
                        disabled={x.name === t.name}
                        onChange={(e) => setNames({ ...names, [x.name]: e.target.value })}
                        aria-label={`Name of the proposed table ${x.name}`}
                        data-testid={`dz-deps-name-${x.name}`}
                      />
                    </label>
                  ))}
                </div>
              </div>
            )}
          </section>
        </div>
        <footer className="modal-foot">
          <span className="muted small">
            {renamed
              ? `${renamed.tables.length} tables; ${t.name} keeps its key and rows`
              : 'Choose 3NF or BCNF to see the split'}
          </span>
          <span className="spacer" />
          <button className="btn" onClick={onClose}>
            Close
          </button>
          <button className="btn primary" disabled={!renamed} onClick={apply} data-testid="dz-deps-apply">
            Split in the model
          </button>
        </footer>
      </div>
    </div>
  )
}
