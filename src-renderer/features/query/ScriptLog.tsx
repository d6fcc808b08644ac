import { counted } from '../../../src-shared/naming'

/** One statement of a script that ran. */
export interface ScriptStep {
  sql: string
  command: string
  rows: number
  returnsRows: boolean
  ms: number
}
export interface ScriptRun {
  steps: ScriptStep[]
  total: number
  /** The statement that failed (0-based), if one did. */
  failedAt: number | null
  /** The statement that failed and why. */
  failed?: { sql: string; message: string }
  stopped: boolean
}

/** What a script did, a line per statement: the command, its rows, its time. */
export function ScriptLog({ run, running }: { run: ScriptRun; running: boolean }) {
  const ms = run.steps.reduce((a, s) => a + s.ms, 0)
  const head = running
    ? `Running statement ${run.steps.length + 1} of ${run.total}…`
    : run.failedAt !== null
      ? `Stopped at statement ${run.failedAt + 1} of ${run.total}: ${counted(run.steps.length, 'statement')} ran before it`
      : run.stopped
        ? `Cancelled after ${counted(run.steps.length, 'statement')} of ${run.total}`
        : `${counted(run.total, 'statement')} ran in ${ms.toFixed(1)} ms`
  return (
    <details className="script-log" data-testid="script-log" open={run.failedAt !== null || run.total <= 12}>
      <summary className={run.failedAt !== null ? 'failed' : ''} data-testid="script-summary">
        {head}
      </summary>
      <ol>
        {run.steps.map((s, i) => (
          <li key={i}>
            <span className="ok-mark">✓</span> <span className="cmd">{s.command}</span>
            <span className="muted small">
              {' '}
              · {s.returnsRows ? counted(s.rows, 'row') : `${counted(s.rows, 'row')} affected`} · {s.ms.toFixed(1)} ms
            </span>
            <span className="mono small sql" title={s.sql}>
              {' '}
              {s.sql.replace(/\s+/g, ' ').slice(0, 100)}
            </span>
          </li>
        ))}
        {run.failed && (
          <li className="failed" data-testid="script-failed">
            <span className="fail-mark">✗</span>{' '}
            <span className="mono small sql">{run.failed.sql.replace(/\s+/g, ' ').slice(0, 100)}</span>
            <span className="small"> · {run.failed.message.slice(0, 160)}</span>
          </li>
        )}
      </ol>
    </details>
  )
}
