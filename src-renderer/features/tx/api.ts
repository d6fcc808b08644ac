import type { MethodInput } from '../../../src-shared/contract'
import { call } from '../../bridge/client'

/**
 * The transaction features' requests to main (consoles, panes, scenarios, the matrix, workloads,
 * row versions, the step queue): components call these, never the bridge, so what a request
 * needs and returns is said in one place per feature.
 */
export const txApi = {
  addPane: (i: MethodInput<'tx.addPane'>) => call('tx.addPane', i),
  consoleClose: (i: MethodInput<'tx.consoleClose'>) => call('tx.consoleClose', i),
  consoleOpen: (i: MethodInput<'tx.consoleOpen'>) => call('tx.consoleOpen', i),
  checkHistory: (i: MethodInput<'tx.checkHistory'>) => call('tx.checkHistory', i),
  exportConsole: (i: MethodInput<'tx.exportConsole'>) => call('tx.exportConsole', i),
  levels: (i: MethodInput<'tx.levels'>) => call('tx.levels', i),
  matrix: (i: MethodInput<'tx.matrix'>) => call('tx.matrix', i),
  queue: (i: MethodInput<'tx.queue'>) => call('tx.queue', i),
  reconnectPane: (i: MethodInput<'tx.reconnectPane'>) => call('tx.reconnectPane', i),
  removePane: (i: MethodInput<'tx.removePane'>) => call('tx.removePane', i),
  rowVersions: (i: MethodInput<'tx.rowVersions'>) => call('tx.rowVersions', i),
  locks: (i: MethodInput<'tx.locks'>) => call('tx.locks', i),
  run: (i: MethodInput<'tx.run'>) => call('tx.run', i),
  runScenario: (i: MethodInput<'tx.runScenario'>) => call('tx.runScenario', i),
  scenarioSpec: (i: MethodInput<'tx.scenarioSpec'>) => call('tx.scenarioSpec', i),
  scenarios: (i: MethodInput<'tx.scenarios'>) => call('tx.scenarios', i),
  snapshot: (i: MethodInput<'tx.snapshot'>) => call('tx.snapshot', i),
  workload: (i: MethodInput<'tx.workload'>) => call('tx.workload', i),
}
