import type { MethodInput } from '../../../src-shared/contract'
import { call } from '../../bridge/client'

/**
 * This feature's requests to main: its components call these, never the bridge, so what each
 * request takes and returns is said in one place per feature.
 */
export const connectionsApi = {
  parseEnv: (i: MethodInput<'connections.parseEnv'>) => call('connections.parseEnv', i),
  parseUrl: (i: MethodInput<'connections.parseUrl'>) => call('connections.parseUrl', i),
  test: (i: MethodInput<'connections.test'>) => call('connections.test', i),
}

export const filesApi = {
  snapshotDatabase: (i: MethodInput<'files.snapshotDatabase'>) => call('files.snapshotDatabase', i),
}
