import { describeConfig, fileOf } from '../../../src-shared/engines'
import { parseEnvFile, parseServerUrl } from '../../db/connection-parsers'
import { group, type HandlerKit } from './kit'

/** Connections: saved, tested, opened, closed. */
export function connectionsHandlers({ s }: HandlerKit) {
  return group({
    'connections.list': async () => s.saved.list(),
    'connections.save': async (i) => {
      const file = fileOf(i.config)
      if (file !== null) s.paths.check(file)
      return s.saved.save(i)
    },
    'connections.remove': async ({ id }) => {
      await s.saved.remove(id)
      return null
    },
    'connections.test': async ({ config }) => {
      const r = await s.connections.test(config)
      return { ...r, message: `Connected to ${describeConfig(config)}: ${r.serverVersion}` }
    },
    'connections.open': async (i, ctx) => {
      let opened
      if ('id' in i) {
        const { saved, config: stored } = await s.saved.resolve(i.id)
        // The playground's port and password come from the running server, not the saved entry.
        const playground = saved.builtin === 'playground' ? s.playgroundOf(stored.engine) : null
        const config = playground ? await playground.config() : stored
        opened = await s.connections.openConfig(config, { name: saved.name, savedId: saved.id })
      } else {
        const file = fileOf(i.config)
        if (file !== null) s.paths.check(file)
        opened = await s.connections.openConfig(i.config, { name: i.name ?? describeConfig(i.config), savedId: null })
      }
      const { handle, name } = opened
      s.clients.own(ctx.clientId, {
        kind: 'connection',
        id: handle,
        label: `the connection to ${name}`,
        release: () => s.connections.release(handle),
      })
      return opened
    },
    'connections.close': async ({ handle }) => {
      s.clients.disown('connection', handle)
      await s.connections.close(handle)
      return null
    },
    'connections.reconnect': async ({ handle }) => s.connections.reconnect(handle),
    'connections.listOpen': async (_i, ctx) =>
      s.connections.list().filter((c) => s.clients.ownerOf('connection', c.handle) === ctx.clientId),
    'connections.parseUrl': async ({ url }) => parseServerUrl(url),
    'connections.parseEnv': async ({ text }) => parseEnvFile(text),
  })
}
