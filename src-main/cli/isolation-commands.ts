import { AppError } from '../../src-shared/errors'
import { runScenario } from '../tx/scenario-runner'
import { scenario, SCENARIOS } from '../tx/scenarios'
import { formatMatrix, runMatrix } from '../tx/matrix'
import { parseSpec } from '../tx/isolation-spec'
import { runSpec } from '../tx/spec-runner'
import { parseConnectionArg } from './connection-arg'

/**
 * `schemist isolation ...`: the anomaly scenarios (list, run one at a level), a spec file run as
 * PostgreSQL's isolation tester would, a random workload checked for anomalies, and the matrix.
 */
export async function isolationCommand(
  rest: string[],
  flags: Map<string, string | true>,
  out: (s: string) => void,
): Promise<number> {
  const [sub, id] = rest
  const json = flags.has('json')
  if (sub === 'scenarios') {
    out(
      json
        ? JSON.stringify(
            SCENARIOS.map(({ id, name, anomaly, description }) => ({ id, name, anomaly, description })),
            null,
            2,
          )
        : SCENARIOS.map((s) => `${s.id.padEnd(22)} ${s.name} (${s.anomaly})`).join('\n'),
    )
    return 0
  }
  const config = parseConnectionArg(flags.get('connection') as string | undefined)
  if (sub === 'scenario') {
    const r = await runScenario(config, scenario(id), (flags.get('level') as string | undefined) ?? null)
    if (json) out(JSON.stringify(r, null, 2))
    else {
      for (const st of r.steps) {
        const res = st.error
          ? `ERROR: ${st.error.message}`
          : st.result?.columns.length
            ? st.result.rows.map((row) => row.join(', ')).join('; ')
            : (st.result?.command ?? '')
        out(
          `${st.pane}: ${st.sql}${st.waitedMs ? `  <waited ${Math.round(st.waitedMs)} ms on ${st.waitedOn.join(', ') || '?'}>` : ''}  -> ${res}${st.note ? `  (${st.note})` : ''}`,
        )
      }
      out(`\n${r.verdict}: ${r.explanation}`)
    }
    return 0
  }
  if (sub === 'run') {
    if (!id) throw new AppError('BAD_REQUEST', 'Give a .spec file')
    const { readFile } = await import('node:fs/promises')
    const text = await readFile(id, 'utf8').catch(() => {
      throw new AppError('FILE_NOT_FOUND', `No such file: ${id}`)
    })
    const results = await runSpec(config, parseSpec(text), json ? () => {} : out)
    if (json)
      out(
        JSON.stringify(
          results.map((steps, i) => ({ permutation: i + 1, steps })),
          null,
          2,
        ),
      )
    return 0
  }
  if (sub === 'workload') {
    const { runWorkload } = await import('../tx/history/workload')
    const num = (k: string, d: number) => (typeof flags.get(k) === 'string' ? Number(flags.get(k)) : d)
    const r = await runWorkload(config, {
      level: (flags.get('level') as string | undefined) ?? null,
      clients: num('clients', 4),
      txns: num('txns', 300),
      keys: num('keys', 2),
      timeMs: num('time', 10) * 1000,
    })
    if (json)
      out(
        JSON.stringify(
          {
            level: r.level,
            committed: r.committed,
            aborted: r.aborted,
            ms: r.ms,
            anomalies: r.check.anomalies,
            serializable: r.check.serializable,
          },
          null,
          2,
        ),
      )
    else {
      out(
        `${r.committed + r.aborted} transactions at ${r.level} in ${(r.ms / 1000).toFixed(1)} s: ${r.committed} committed, ${r.aborted} aborted`,
      )
      if (!r.check.anomalies.length) out('serializable: no anomaly found')
      for (const a of r.check.anomalies) out(`${a.name}: ${a.explanation}`)
    }
    return 0
  }
  if (sub === 'matrix') {
    const m = await runMatrix(config)
    out(json ? JSON.stringify(m, null, 2) : formatMatrix(m))
    return 0
  }
  throw new AppError(
    'BAD_REQUEST',
    'isolation scenarios | scenario <id> --connection <c> [--level L] | run <file.spec> --connection <c> | workload --connection <c> [--level L] | matrix --connection <c>',
  )
}
