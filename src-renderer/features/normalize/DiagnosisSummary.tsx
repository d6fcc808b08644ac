import type { DiagnosisView } from '../../../src-shared/normalize'

const FORMS = ['1NF', '2NF', '3NF', 'BCNF', '4NF', '5NF'] as const

/** The normal forms in order with the ones reached ticked, the verdict with the key, and each violation in words. */
export function DiagnosisSummary({ d }: { d: DiagnosisView }) {
  const at = FORMS.indexOf(d.normalForm as (typeof FORMS)[number])
  return (
    <>
      <ol className="nf-steps" data-testid="normalize-steps" aria-label="Normal forms, in order">
        {FORMS.map((f, i) => {
          const reached = at >= i
          const next = !reached && (i === 0 || at === i - 1)
          return (
            <li
              key={f}
              className={reached ? 'reached' : next ? 'next' : ''}
              title={reached ? `In ${f}` : next ? `Next: ${f}. The proposal below gets there.` : `Not yet ${f}`}
            >
              {reached ? '✓ ' : ''}
              {f}
            </li>
          )
        })}
      </ol>
      <div className="nf-verdict" data-testid="normalize-form">
        <span className={`nf-badge nf-${d.normalForm.replace(/\W/g, '')}`}>{d.normalForm}</span>
        <span className="muted">
          key ({d.keySource}): {d.keys.map((k) => `(${k.join(', ')})`).join(', ') || 'none'}
        </span>
      </div>
      <ul className="nf-violations" data-testid="normalize-violations">
        {d.oneNf.map((p, i) => (
          <li key={`1nf${i}`}>
            <b>1NF</b> {p.explanation}
          </li>
        ))}
        {d.violations.map((v, i) => (
          <li key={i}>
            <b>{v.form}</b> {v.explanation}
          </li>
        ))}
        {d.notes.map((n, i) => (
          <li key={`n${i}`} className="muted">
            {n}
          </li>
        ))}
      </ul>
    </>
  )
}
