import { group, type HandlerKit } from './kit'

/** ORM sessions. */
export function ormHandlers({ s }: HandlerKit) {
  return group({
    'orm.open': async ({ handle, autoflush, expireOnCommit, flushSavepoint, isolationLevel, model }, ctx) => {
      const r = await s.orm.start(handle, { autoflush, expireOnCommit, flushSavepoint, isolationLevel }, model)
      s.clients.own(ctx.clientId, {
        kind: 'orm-session',
        id: r.sessionId,
        label: 'an ORM playground session',
        release: () => s.orm.close(r.sessionId),
      })
      return r
    },
    'orm.close': async ({ sessionId }) => {
      s.clients.disown('orm-session', sessionId)
      await s.orm.close(sessionId)
      return null
    },
    'orm.snapshot': async ({ sessionId }) => s.orm.snapshot(sessionId),
    'orm.reconnect': async ({ sessionId }) => s.orm.reconnect(sessionId),
    'orm.query': async ({ sessionId, ...q }) => s.orm.query(sessionId, q),
    'orm.act': async ({ sessionId, action }) => s.orm.act(sessionId, action),
  })
}
