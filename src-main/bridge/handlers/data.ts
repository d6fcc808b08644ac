import { AppError } from '../../../src-shared/errors'
import { group, type HandlerKit } from './kit'

/** Table data and the schema tree. */
export function dataHandlers({ s }: HandlerKit) {
  return group({
    'schema.introspect': async ({ handle }) => {
      s.data.invalidate(handle)
      const driver = s.connections.driver(handle)
      return driver.dialect.introspect(driver)
    },
    'schema.tableDdl': async ({ handle, schema, name }) => {
      const driver = s.connections.driver(handle)
      const db = await driver.dialect.introspect(driver)
      const table = db.tables.find((t) => t.name === name && t.schema === schema)
      if (!table) throw new AppError('NOT_FOUND', `No table ${name} in this database`)
      const stmts = driver.dialect.ddl.statements([
        table.kind === 'view'
          ? { op: 'createView', view: table, definition: table.definition ?? '' }
          : { op: 'createTable', table },
      ])
      return { sql: stmts.map((x) => `${x};`).join('\n\n') }
    },
    'data.page': async (req) => s.data.page(req),
    'data.count': async (req) => s.data.count(req),
    'data.locate': async (req) => s.data.locate(req),
    'data.applyEdits': async ({ handle, table, edits, mode }) => s.data.applyEdits(handle, table, edits, mode),
    'data.commitStatus': async ({ handle, xid }) => ({ status: await s.connections.commitStatus(handle, xid) }),
    'data.deleteEffects': async ({ handle, table, keys }) => s.data.deleteEffects(handle, table, keys),
    'data.related': async ({ handle, table, key, strategy }) => s.data.related(handle, table, key, strategy),
    'data.export': async (req, ctx) => {
      s.paths.check(req.path)
      const r = s.exporter.start(req, () => s.clients.disown('export', r.exportId))
      s.clients.own(ctx.clientId, {
        kind: 'export',
        id: r.exportId,
        label: `an export to ${req.path}`,
        release: () => void s.exporter.cancel(r.exportId),
      })
      return r
    },
    'data.cancelExport': async ({ exportId }) => ({ cancelled: s.exporter.cancel(exportId) }),
    'data.importPreview': async (req) => {
      s.paths.check(req.path)
      return s.importer.preview(req)
    },
    'data.import': async (req) => {
      s.paths.check(req.path)
      return s.importer.run(req)
    },
  })
}
