import type { MethodInput } from '../../../src-shared/contract'
import { call } from '../../bridge/client'

/**
 * This feature's requests to main: its components call these, never the bridge, so what each
 * request takes and returns is said in one place per feature.
 */
export const modelApi = {
  diff: (i: MethodInput<'model.diff'>) => call('model.diff', i),
  migrate: (i: MethodInput<'model.migrate'>) => call('model.migrate', i),
  reverse: (i: MethodInput<'model.reverse'>) => call('model.reverse', i),
}

export const schemaApi = {
  tableDdl: (i: MethodInput<'schema.tableDdl'>) => call('schema.tableDdl', i),
}
