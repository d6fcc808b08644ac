import type { IsolationSpec } from './isolation-spec'

interface Step {
  pane: string
  sql: string
  startedAt: number
  waitStartedAt: number | null
  outcome: {
    error: { message: string; sqlstate: string | null } | null
    result: { rowCount: number; columns: unknown[] } | null
  } | null
}

/**
 * A console's timeline as an isolation tester spec: one session per pane, one step per
 * statement (named by pane and number: a1, a2, b1...), and the permutation in which they ran,
 * so the same interleaving can be run again here, by the CLI, or by PostgreSQL's own tester.
 */
export function timelineToSpec(timeline: Step[], setup: string[] = []): IsolationSpec {
  const sessions = new Map<string, IsolationSpec['sessions'][number]>()
  const permutation: string[] = []
  for (const e of timeline) {
    let s = sessions.get(e.pane)
    if (!s) sessions.set(e.pane, (s = { name: e.pane, setup: [], teardown: [], steps: [] }))
    const name = `${e.pane.toLowerCase()}${s.steps.length + 1}`
    s.steps.push({ name, sql: e.sql.trim().replace(/;\s*$/, '') + ';' })
    permutation.push(name)
  }
  return {
    setup,
    teardown: [],
    sessions: [...sessions.values()],
    permutations: permutation.length ? [permutation] : [],
  }
}

/** The timeline as a SQL script: each statement under a comment naming its pane, wait and outcome. */
export function timelineToScript(timeline: Step[], title: string): string {
  const t0 = timeline[0]?.startedAt ?? 0
  const lines = [
    `-- ${title}`,
    `-- ${timeline.length} step(s), in the order they started; run each in the pane named (its own connection).`,
    '',
  ]
  for (const e of timeline) {
    const o = e.outcome
    const what = !o
      ? 'still running'
      : o.error
        ? `ERROR${o.error.sqlstate ? ` ${o.error.sqlstate}` : ''}: ${o.error.message.split('\n')[0]}`
        : o.result?.columns.length
          ? `${o.result.rowCount} row(s)`
          : 'ok'
    lines.push(
      `-- pane ${e.pane} at +${((e.startedAt - t0) / 1000).toFixed(2)} s${e.waitStartedAt ? ', waited on a lock' : ''}: ${what}`,
    )
    lines.push(`${e.sql.trim().replace(/;\s*$/, '')};`, '')
  }
  return lines.join('\n')
}
