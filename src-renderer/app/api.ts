import type { MethodInput } from '../../src-shared/contract'
import { call } from '../bridge/client'

/**
 * This feature's requests to main: its components call these, never the bridge, so what each
 * request takes and returns is said in one place per feature.
 */
export const appApi = {
  info: (i: MethodInput<'app.info'>) => call('app.info', i),
  pickPath: (i: MethodInput<'app.pickPath'>) => call('app.pickPath', i),
}

export const playgroundApi = {
  status: (i: MethodInput<'playground.status'>) => call('playground.status', i),
}

export const modelApi = {
  recent: (i: MethodInput<'model.recent'>) => call('model.recent', i),
}
