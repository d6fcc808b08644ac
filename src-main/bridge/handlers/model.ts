import { ENGINES } from '../../../src-shared/engines'
import { AppError } from '../../../src-shared/errors'
import { dialectFor } from '../../db/open-driver'
import { modelDdl } from '../../model/model-ddl'
import { alembicAgainstDatabase, alembicBetweenModels } from '../../model/alembic-export'
import { applyMigration, planAgainstDatabase } from '../../model/apply-migration'
import { planMigration } from '../../model/migrate'
import { applyModel } from '../../model/apply-model'
import { createScratchDatabase } from '../../model/scratch'
import { schemaToModel } from '../../model/reverse'
import { EXPORTERS, importModel } from '../../model/formats'
import { group, type HandlerKit } from './kit'

/** Models: DDL, migrations, apply, import, export. */
export function modelHandlers({ s, onOwnConnection }: HandlerKit) {
  return group({
    'model.ddl': async ({ doc, engine }) => modelDdl(doc, dialectFor(engine)),
    'model.scratch': async ({ doc }) => ({ path: await createScratchDatabase(s.info.dataDir, doc) }),
    'model.apply': async ({ handle, doc }) => onOwnConnection(handle, (d) => applyModel(d, doc)),
    'model.reverse': async ({ handle }) => {
      const d = s.connections.driver(handle)
      return schemaToModel(
        await d.dialect.introspect(d),
        d.dialect,
        s.connections.list().find((c) => c.handle === handle)?.name,
      )
    },
    'model.diff': async ({ handle, doc }) => planAgainstDatabase(s.connections.driver(handle), doc),
    'model.migrate': async ({ handle, doc }) => onOwnConnection(handle, (d) => applyMigration(d, doc)),
    'model.diffModels': async ({ from, to, engine }) => planMigration(from, to, dialectFor(engine)),
    'model.alembic': async ({ doc, message, handle, from, downRevision }) => {
      if (handle) return alembicAgainstDatabase(s.connections.driver(handle), doc, message)
      if (!from)
        throw new AppError(
          'BAD_REQUEST',
          'An Alembic revision needs a database (handle) or a model (from) to start from.',
        )
      return alembicBetweenModels(from, doc, message, downRevision)
    },
    'model.export': async ({ doc, format }) => ({ code: EXPORTERS[format](doc) }),
    'model.import': async ({ format, path, paths, text, sqlDialect }) => {
      s.paths.check(path)
      for (const p of paths ?? []) s.paths.check(p)
      // A server engine's parser is the playground server's, started if it is not running.
      const server = () => s.playground.ensureRunning()
      return importModel(format, {
        path,
        paths,
        text,
        parser: {
          engine: sqlDialect,
          server: sqlDialect === 'auto' || ENGINES[sqlDialect].capabilities.parsesSql ? server : null,
        },
      })
    },
    'model.open': async ({ path }) => {
      s.paths.check(path)
      return s.models.open(path)
    },
    'model.save': async ({ path, doc }) => {
      s.paths.check(path)
      return s.models.save(path, doc)
    },
    'model.recent': async () => s.models.recent(),
  })
}
