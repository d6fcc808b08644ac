import { ENGINES } from '../../../src-shared/engines'
import { AppError } from '../../../src-shared/errors'
import { PLAYGROUND_CONNECTION_ID } from '../../services'
import { safeFileName } from '../../clients/safe-file-name'
import { group, type HandlerKit } from './kit'

/** The app, files, the playground. */
export function appHandlers({ s, downloadTarget }: HandlerKit) {
  return group({
    'app.info': async () => s.info,
    'app.pickPath': async (req) => {
      if (!s.pickPath) return { native: false, path: null }
      const path = await s.pickPath(req)
      if (path) s.paths.grant(path)
      return { native: true, path }
    },
    'files.downloadTarget': async ({ name }) => downloadTarget(name),
    'files.snapshotDatabase': async ({ handle }) => {
      const d = s.connections.driver(handle)
      const info = s.connections.list().find((c) => c.handle === handle)
      const name = safeFileName(`${(info?.database ?? 'database').replace(/\.(sqlite3?|db)$/i, '')}.sqlite`)
      const target = await downloadTarget(name)
      const sql = d.dialect.snapshotSql(target.path)
      if (!sql)
        throw new AppError(
          'UNSUPPORTED',
          `${ENGINES[d.dialect.name].label} keeps no single database file to download; export the tables instead`,
        )
      await d.query(sql)
      return { ...target, name }
    },
    'playground.status': async () => s.playground.current,
    'playground.start': async () => {
      const status = await s.playground.start()
      const config = await s.playground.config()
      await s.saved.save({
        id: PLAYGROUND_CONNECTION_ID,
        name: 'PostgreSQL playground',
        config,
        rememberPassword: true,
        builtin: 'playground',
      })
      s.playground.setConnectionId(PLAYGROUND_CONNECTION_ID)
      return { ...status, connectionId: PLAYGROUND_CONNECTION_ID }
    },
    'playground.stop': async () => {
      for (const c of s.connections.list())
        if (c.savedId === PLAYGROUND_CONNECTION_ID) await s.connections.close(c.handle)
      return s.playground.stop()
    },
    'playground.reset': async () => {
      for (const c of s.connections.list())
        if (c.savedId === PLAYGROUND_CONNECTION_ID) await s.connections.close(c.handle)
      const status = await s.playground.reset()
      const config = await s.playground.config()
      await s.saved.save({
        id: PLAYGROUND_CONNECTION_ID,
        name: 'PostgreSQL playground',
        config,
        rememberPassword: true,
        builtin: 'playground',
      })
      return { ...status, connectionId: PLAYGROUND_CONNECTION_ID }
    },
  })
}
