import type { MethodInput } from '../../../src-shared/contract'
import { call } from '../../bridge/client'

/**
 * This feature's requests to main: its components call these, never the bridge, so what each
 * request takes and returns is said in one place per feature.
 */
export const dataApi = {
  cancelExport: (i: MethodInput<'data.cancelExport'>) => call('data.cancelExport', i),
  deleteEffects: (i: MethodInput<'data.deleteEffects'>) => call('data.deleteEffects', i),
  export: (i: MethodInput<'data.export'>) => call('data.export', i),
  import: (i: MethodInput<'data.import'>) => call('data.import', i),
  importPreview: (i: MethodInput<'data.importPreview'>) => call('data.importPreview', i),
  related: (i: MethodInput<'data.related'>) => call('data.related', i),
}

export const filesApi = {
  downloadTarget: (i: MethodInput<'files.downloadTarget'>) => call('files.downloadTarget', i),
}
