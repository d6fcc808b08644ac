import type { MethodInput } from '../../../src-shared/contract'
import { call } from '../../bridge/client'

/**
 * This feature's requests to main: its components call these, never the bridge, so what each
 * request takes and returns is said in one place per feature.
 */
export const queryApi = {
  cancel: (i: MethodInput<'query.cancel'>) => call('query.cancel', i),
  explain: (i: MethodInput<'query.explain'>) => call('query.explain', i),
  history: (i: MethodInput<'query.history'>) => call('query.history', i),
  run: (i: MethodInput<'query.run'>) => call('query.run', i),
}
