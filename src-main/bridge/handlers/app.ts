import { ENGINES } from '../../../src-shared/engines'
import { AppError } from '../../../src-shared/errors'
import type { PlaygroundEngine } from '../../../src-shared/engines'
import type { PlaygroundBase } from '../../db/playground-base'
import { playgroundConnectionId } from '../../services'
import { safeFileName } from '../../clients/safe-file-name'
import { group, type HandlerKit } from './kit'

/** The app, files, the playgrounds. */
export function appHandlers({ s, downloadTarget }: HandlerKit) {
  /** The running playground as a saved connection (its port and password change between starts). */
  const savePlayground = async (p: PlaygroundBase) => {
    const id = playgroundConnectionId(p.engine)
    await s.saved.save({
      id,
      name: `${ENGINES[p.engine].label} playground`,
      config: await p.config(),
      rememberPassword: true,
      builtin: 'playground',
    })
    p.setConnectionId(id)
    return id
  }
  const closePlayground = async (engine: PlaygroundEngine) => {
    for (const c of s.connections.list())
      if (c.savedId === playgroundConnectionId(engine)) await s.connections.close(c.handle)
  }
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
    'playground.status': async ({ engine }) => s.playgrounds[engine].current,
    'playground.start': async ({ engine }) => {
      const p = s.playgrounds[engine]
      const status = await p.start()
      const id = await savePlayground(p)
      return { ...status, connectionId: id }
    },
    'playground.stop': async ({ engine }) => {
      await closePlayground(engine)
      return s.playgrounds[engine].stop()
    },
    'playground.reset': async ({ engine }) => {
      await closePlayground(engine)
      const p = s.playgrounds[engine]
      const status = await p.reset()
      const id = await savePlayground(p)
      return { ...status, connectionId: id }
    },
  })
}
