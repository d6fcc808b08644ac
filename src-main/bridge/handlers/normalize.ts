import { analyzeTable, applySplit, diagnoseWith, proposeSplit } from '../../normalize/normalize-service'
import { diagnoseDeclared, proposeDeclared } from '../../normalize/declared'
import { CancelToken } from '../../normalize/discover-thread'
import { group, type HandlerKit } from './kit'

/** Normalization. */
export function normalizeHandlers({ s, onOwnConnection, normalizeJobs }: HandlerKit) {
  return group({
    'normalize.analyze': async ({ handle, table, nullsEqual, maxError, jobId, csv }, ctx) => {
      s.paths.check(csv?.path)
      const token = new CancelToken()
      if (jobId) {
        normalizeJobs.set(jobId, token)
        s.clients.own(ctx.clientId, {
          kind: 'discovery',
          id: jobId,
          label: `dependency discovery on ${table}`,
          release: () => token.cancel(),
        })
      }
      try {
        return await analyzeTable(s.connections.driver(handle), table, {
          nullsEqual,
          maxError,
          csv,
          offThread: true,
          token,
          onProgress: (p) => jobId && s.events.emit('onNormalizeProgress', { jobId, ...p }),
        })
      } finally {
        if (jobId) {
          normalizeJobs.delete(jobId)
          s.clients.disown('discovery', jobId)
        }
      }
    },
    'normalize.cancel': async ({ jobId }) => {
      const token = normalizeJobs.get(jobId)
      token?.cancel()
      return { cancelled: !!token }
    },
    'normalize.diagnose': async ({ handle, table, fds, csv }) => (
      s.paths.check(csv?.path),
      diagnoseWith(s.connections.driver(handle), table, fds, csv)
    ),
    'normalize.propose': async ({ handle, table, target, fds, keepView, csv, names }) => (
      s.paths.check(csv?.path),
      proposeSplit(s.connections.driver(handle), table, target, fds, keepView, csv, names)
    ),
    'normalize.apply': async ({ handle, table, target, fds, keepView, names }) =>
      onOwnConnection(handle, (d) => applySplit(d, table, target, fds, keepView, names)),
    'normalize.declared': async ({ table, fds, target }) => ({
      diagnosis: diagnoseDeclared(table, fds),
      proposal: target ? proposeDeclared(table, fds, target) : null,
    }),
  })
}
