import type { MethodInput } from '../../../src-shared/contract'
import { call } from '../../bridge/client'

/**
 * This feature's requests to main: its components call these, never the bridge, so what each
 * request takes and returns is said in one place per feature.
 */
export const modelApi = {
  alembic: (i: MethodInput<'model.alembic'>) => call('model.alembic', i),
  ddl: (i: MethodInput<'model.ddl'>) => call('model.ddl', i),
  diff: (i: MethodInput<'model.diff'>) => call('model.diff', i),
  export: (i: MethodInput<'model.export'>) => call('model.export', i),
  migrate: (i: MethodInput<'model.migrate'>) => call('model.migrate', i),
}

export const normalizeApi = {
  declared: (i: MethodInput<'normalize.declared'>) => call('normalize.declared', i),
}
