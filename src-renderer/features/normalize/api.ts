import type { MethodInput } from '../../../src-shared/contract'
import { call } from '../../bridge/client'

/**
 * This feature's requests to main: its components call these, never the bridge, so what each
 * request takes and returns is said in one place per feature.
 */
export const normalizeApi = {
  analyze: (i: MethodInput<'normalize.analyze'>) => call('normalize.analyze', i),
  apply: (i: MethodInput<'normalize.apply'>) => call('normalize.apply', i),
  cancel: (i: MethodInput<'normalize.cancel'>) => call('normalize.cancel', i),
  diagnose: (i: MethodInput<'normalize.diagnose'>) => call('normalize.diagnose', i),
  propose: (i: MethodInput<'normalize.propose'>) => call('normalize.propose', i),
}
