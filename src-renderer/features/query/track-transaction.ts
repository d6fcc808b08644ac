import { setState } from '../../app/store'

/** Follow BEGIN / COMMIT / ROLLBACK on the connection, for the status bar. */
export function trackTransaction(handle: string, command: string, sql: string) {
  const tag = command.toUpperCase()
  const next =
    tag === 'BEGIN' || tag === 'START'
      ? 'in transaction'
      : (tag === 'COMMIT' || tag === 'ROLLBACK' || tag === 'END') && !/^\s*ROLLBACK\s+TO/i.test(sql)
        ? 'auto-commit'
        : null
  if (next)
    setState((s) => ({
      txState: { ...s.txState, [handle]: next },
      txSince: {
        ...s.txSince,
        [handle]:
          next === 'in transaction'
            ? s.txState[handle] === 'in transaction'
              ? (s.txSince[handle] ?? Date.now())
              : Date.now()
            : null,
      },
    }))
}
