import type { MethodInput } from '../../../src-shared/contract'
import { call } from '../../bridge/client'

/**
 * This feature's requests to main: its components call these, never the bridge, so what each
 * request takes and returns is said in one place per feature.
 */
export const locksApi = {
  rollback: (i: MethodInput<'locks.rollback'>) => call('locks.rollback', i),
}
