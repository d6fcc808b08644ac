import { AppError } from '../../../src-shared/errors'
import { openDriver } from '../../db/open-driver'
import { resultSource } from '../../data/result-source'
import { lockBook } from '../../db/lock-book'
import { group, type HandlerKit } from './kit'

/** Queries, their plans, history and cancel; lock holders. */
export function queryHandlers({ s }: HandlerKit) {
  return group({
    'query.run': async ({ handle, sql, params, queryId }, ctx) => {
      const key = s.connections.list().find((c) => c.handle === handle)?.savedId ?? 'adhoc'
      const at = Date.now()
      if (queryId)
        s.clients.own(ctx.clientId, {
          kind: 'query',
          id: queryId,
          label: 'a running query',
          release: () => s.connections.cancel(queryId),
        })
      try {
        const r = await s.connections.query(handle, sql, params ?? [], queryId)
        void s.history.add(key, { sql, at, durationMs: r.durationMs, rows: r.rowCount, error: null })
        // Whether the rows can be edited in place (one table, its key among the columns).
        const driver = s.connections.driver(handle)
        const source = await resultSource(driver, r, (ref) => s.data.table(handle, ref)).catch(() => ({
          columns: r.columns.map(({ name, type }) => ({ name, type })),
          source: null,
          readOnly: null,
        }))
        // Onto the result itself: a spread would read rows a SQLite result still holds as columns,
        // which the bridge's frame takes as they are.
        return Object.assign(r, source)
      } catch (e) {
        void s.history.add(key, {
          sql,
          at,
          durationMs: Date.now() - at,
          rows: 0,
          error: e instanceof Error ? e.message : String(e),
        })
        throw e
      } finally {
        if (queryId) s.clients.disown('query', queryId)
      }
    },
    'query.explain': async ({ handle, sql, analyze }) => {
      const driver = s.connections.driver(handle)
      return driver.dialect.explain(driver, sql, analyze, () => openDriver(s.connections.config(handle)))
    },
    'query.history': async ({ handle }) =>
      s.history.list(s.connections.list().find((c) => c.handle === handle)?.savedId ?? 'adhoc'),
    'locks.rollback': async ({ holderId }) => {
      const party = lockBook.get(holderId)
      if (!party) throw new AppError('NOT_FOUND', 'That connection is gone already: its transaction ended with it')
      const had = party.transactionSince() !== null
      await party.rollback()
      s.events.log('info', 'locks', `Rolled back ${party.label} on request`)
      // The query tabs' own connection: the renderer puts its status back to auto-commit.
      const handle =
        s.connections
          .list()
          .find((c) => !c.lost && (s.connections.driver(c.handle) as Partial<typeof party>).partyId === holderId)
          ?.handle ?? null
      return { rolledBack: had, label: party.label, handle }
    },
    'query.cancel': async ({ queryId }) => ({ cancelled: await s.connections.cancel(queryId) }),
  })
}
