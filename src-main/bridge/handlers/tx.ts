import { judge, runScenario, scenarioSpec, scratchRows } from '../../tx/scenario-runner'
import { scenario, SCENARIOS } from '../../tx/scenarios'
import { runMatrix } from '../../tx/matrix'
import { runWorkload } from '../../tx/history/workload'
import { allPermutations, formatSpec, parseSpec } from '../../tx/isolation-spec'
import { group, type HandlerKit } from './kit'

/** Transactions: scenarios, the matrix, workloads, consoles, specs. */
export function txHandlers({ s }: HandlerKit) {
  return group({
    'tx.scenarios': async () =>
      SCENARIOS.map(({ id, name, anomaly, description, panes, steps }) => ({
        id,
        name,
        anomaly,
        description,
        panes,
        steps,
      })),
    'tx.levels': async ({ handle }) => [...s.connections.driver(handle).dialect.isolationLevels],
    'tx.runScenario': async ({ handle, scenario: id, level }) =>
      runScenario(s.connections.config(handle), scenario(id), level),
    'tx.scenarioSpec': async ({ handle, scenario: id, level }) => {
      const sc = scenario(id)
      return {
        title: `${sc.name} at ${level ?? 'the default level'}`,
        text: formatSpec(scenarioSpec(sc, s.connections.driver(handle).dialect, level)),
      }
    },
    'tx.judgeScenario': async ({ consoleId, scenario: id, level, steps }) =>
      judge(scenario(id), level, steps, await scratchRows(s.consoles.configOf(consoleId))),
    'tx.workload': async ({ handle, level, clients, txns, keys, timeMs }) => {
      const r = await runWorkload(s.connections.config(handle), { level, clients, txns, keys, timeMs })
      const { anomalies, serializable, serialOrder } = r.check
      // The graph of hundreds of transactions stays here; the witnesses are what a person reads.
      return {
        level: r.level,
        committed: r.committed,
        aborted: r.aborted,
        ms: r.ms,
        check: { anomalies, serializable, serialOrder: serialOrder ? serialOrder.slice(0, 50) : null, edges: [] },
      }
    },
    'tx.matrix': async ({ handle }) => runMatrix(s.connections.config(handle)),
    'tx.consoleOpen': async ({ handle, panes }, ctx) => {
      const consoleId = await s.consoles.open(s.connections.config(handle), panes)
      s.clients.own(ctx.clientId, {
        kind: 'console',
        id: consoleId,
        label: 'a transaction console',
        release: () => s.consoles.close(consoleId),
      })
      return { consoleId }
    },
    'tx.consoleClose': async ({ consoleId }) => {
      s.clients.disown('console', consoleId)
      await s.consoles.close(consoleId)
      return null
    },
    'tx.addPane': async ({ consoleId }) => ({ pane: await s.consoles.addPane(consoleId) }),
    'tx.reconnectPane': async ({ consoleId, pane }) => {
      await s.consoles.reconnectPane(consoleId, pane)
      return null
    },
    'tx.removePane': async ({ consoleId, pane }) => {
      await s.consoles.removePane(consoleId, pane)
      return null
    },
    'tx.run': async ({ consoleId, pane, sql, level, readOnly, deferrable }) => ({
      entry: s.consoles.run(consoleId, pane, sql, level, { readOnly, deferrable }),
    }),
    'tx.snapshot': async ({ consoleId }) => s.consoles.snapshot(consoleId),
    'tx.exportConsole': async ({ consoleId }) => s.consoles.exportConsole(consoleId),
    'tx.checkHistory': async ({ consoleId }) => s.consoles.checkHistory(consoleId),
    'tx.rowVersions': async ({ consoleId, pane, table }) => s.consoles.rowVersions(consoleId, pane, table),
    'tx.locks': async ({ consoleId }) => s.consoles.locks(consoleId),
    'tx.parseSpec': async ({ text }) => {
      const spec = parseSpec(text)
      return { ...spec, permutations: spec.permutations.length ? spec.permutations : allPermutations(spec, 200) }
    },
    'tx.queue': async (cmd) => s.consoles.queue(cmd.consoleId, cmd),
    'tx.runAdmin': async ({ consoleId, statements }) => {
      await s.consoles.runAdmin(consoleId, statements)
      return null
    },
  })
}
