import { AppError } from '../../src-shared/errors'
import type { ConnectionConfig } from '../../src-shared/connection'
import type { ConsoleHistoryCheck } from '../../src-shared/tx'
import { primaryKeyColumns, tableKey } from '../../src-shared/schema/table'
import { openDriver } from '../db/open-driver'
import { checkHistory } from './history/checker'
import type { CapturedWrite } from './history/console-capture'
import { consoleHistory, type ConsoleStep, type TableKeys } from './history/console-history'

/**
 * A console session checked for anomalies: its finished steps as a history (see
 * ./history/console-history.ts), keyed by the tables' primary keys as the database states them
 * now (read on a connection of its own, outside the panes' transactions), through the checker.
 * `known` keeps the keys of tables seen at earlier checks, so a table a spec's teardown dropped
 * still has its rows told apart.
 */
export async function checkConsole(
  config: ConnectionConfig,
  steps: ConsoleStep[],
  writes: Map<number, CapturedWrite>,
  known: Map<string, TableKeys>,
): Promise<ConsoleHistoryCheck> {
  const d = await openDriver(config)
  let schema
  try {
    schema = await d.dialect.introspect(d)
  } catch (e) {
    throw new AppError(
      'BAD_REQUEST',
      `The tables' keys could not be read while the panes hold their locks (${(e as Error).message}): commit or roll back, then check again`,
    )
  } finally {
    await d.close()
  }
  for (const t of schema.tables)
    if (t.kind === 'table')
      known.set(tableKey(t), {
        schema: t.schema,
        name: t.name,
        columns: t.columns.map((c) => c.name),
        key: primaryKeyColumns(t),
      })
  const { history, notes, open } = consoleHistory(steps, writes, [...known.values()])
  const { edges, anomalies, serializable, serialOrder } = checkHistory(history)
  return {
    edges,
    anomalies,
    serializable,
    serialOrder,
    transactions: history.txns.map((t) => ({
      id: t.id,
      pane: t.session ?? t.id,
      status: open.includes(t.id) ? 'open' : t.status,
      reads: t.ops.filter((o) => o.kind === 'r').length,
      writes: t.ops.filter((o) => o.kind === 'w').length,
    })),
    notes,
  }
}
