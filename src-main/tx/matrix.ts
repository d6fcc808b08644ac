import type { ConnectionConfig } from '../../src-shared/connection'
import type { ScenarioRun } from '../../src-shared/tx'
import { dialectFor } from '../db/open-driver'
import { runScenario } from './scenario-runner'
import { SCENARIOS, type Scenario } from './scenarios'

export interface Matrix {
  levels: string[]
  scenarios: { id: string; name: string }[]
  /** runs[level][scenario] */
  runs: Record<string, Record<string, ScenarioRun>>
}

/** Every scenario at every isolation level of the engine, measured on this server. */
export async function runMatrix(
  config: ConnectionConfig,
  onRun?: (r: ScenarioRun) => void,
  scenarios: Scenario[] = SCENARIOS,
): Promise<Matrix> {
  const d = dialectFor(config.engine)
  const levels = [...d.isolationLevels]
  const runs: Matrix['runs'] = {}
  for (const level of levels) {
    runs[level] = {}
    for (const s of scenarios) {
      const r = await runScenario(config, s, level)
      runs[level][s.id] = r
      onRun?.(r)
    }
  }
  return { levels, scenarios: scenarios.map((s) => ({ id: s.id, name: s.name })), runs }
}

const SHORT: Record<string, string> = {
  'anomaly observed': 'ANOMALY',
  'prevented by blocking': 'blocked',
  'prevented by aborting': 'aborted',
  prevented: 'ok',
}

/** The matrix as the notes draw it: levels down, anomalies across. */
export function formatMatrix(m: Matrix): string {
  const head = ['level', ...m.scenarios.map((s) => s.name)]
  const rows = m.levels.map((l) => [l, ...m.scenarios.map((s) => SHORT[m.runs[l][s.id].verdict])])
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)))
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join(' | ')
  return [
    line(head),
    widths.map((w) => '-'.repeat(w)).join('-|-'),
    ...rows.map(line),
    '',
    'ANOMALY = anomaly observed; blocked = prevented by blocking; aborted = prevented by aborting a transaction; ok = prevented',
  ].join('\n')
}
