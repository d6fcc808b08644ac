import { AppError } from '../../src-shared/errors'
import type { ApplyEditsResult, RowEdit } from '../../src-shared/grid'
import type { SessionSnapshot } from '../../src-shared/orm'
import { tableKey, type DatabaseSchema, type Table } from '../../src-shared/schema'
import type { Cell } from '../../src-shared/values'
import type { Driver } from '../db/driver'
import { FlushError } from '../orm/flush'
import type { Mapper } from '../orm/mapper'
import { Registry } from '../orm/registry'
import { Session } from '../orm/session'
import { logView, ObjectRefs, snapshotSession } from '../orm/snapshot'
import { sqlExpression } from '../orm/sql-expression'
import { select } from '../orm/statements'

/** The id the grid's short-lived sessions go by in their snapshots. */
const GRID_SESSION = 'grid'

type Keyed = Extract<RowEdit, { key: Cell[] }>

/**
 * Apply the grid's pending edits through an ORM session, in one transaction on `driver`:
 * `inspect` shows what the session holds, `preview` runs them and rolls back (showing the exact
 * SQL), `commit` commits. A failure rolls everything back and names the edit it came from.
 */
export async function applyEdits(
  driver: Driver,
  schema: DatabaseSchema,
  table: Table,
  edits: RowEdit[],
  mode: 'inspect' | 'preview' | 'commit',
): Promise<ApplyEditsResult> {
  ;({ schema, table } = withRowidKey(schema, table, driver.dialect.rowidColumn))
  const registry = new Registry(schema, driver.dialect, { passiveWhereDatabaseActs: true })
  // A commit writes: on SQLite it waits for the write lock from its BEGIN (within the busy
  // timeout) rather than failing at once when its first read upgrades to a write.
  const writeLevel = mode === 'commit' ? (driver.dialect.writeTransactionLevel ?? undefined) : undefined
  const session = new Session(driver, registry, { autoflush: false, expireOnCommit: false, isolationLevel: writeLevel })
  const editOf = new Map<object, string>()
  const refs = new ObjectRefs()
  let before: SessionSnapshot | undefined
  /** The objects as they were before the flush, with the transaction and statements as they are now. */
  const withLog = (snap: SessionSnapshot): SessionSnapshot => ({
    ...snap,
    transaction: session.transaction,
    log: session.log.all().map(logView),
  })
  try {
    const mapper = registry.mappers.get(tableKey(table))
    if (!mapper || !mapper.hasPrimaryKey)
      throw new AppError(
        'UNSUPPORTED',
        `${table.name} has no primary key, so its rows cannot be told apart for editing`,
      )
    const stale = await stage(session, mapper, edits, editOf)
    if (stale) return stale
    // What the session holds before it flushes: the grid's Session panel shows this.
    before = snapshotSession(session, GRID_SESSION, refs)
    if (mode === 'inspect') {
      await session.rollback()
      return { ok: true, sql: [], error: null, session: withLog(before) }
    }
    await session.flush()
    if (mode === 'commit') {
      await session.commit()
      return { ok: true, sql: dmlOf(session), error: null, session: snapshotSession(session, GRID_SESSION, refs) }
    }
    await session.rollback()
    return { ok: true, sql: dmlOf(session), error: null, session: withLog(before) }
  } catch (e) {
    await session.rollback().catch(() => {})
    if (!(e instanceof AppError)) throw e
    const editId = e instanceof FlushError ? (editOf.get(e.objects[0]) ?? null) : null
    const holders = Array.isArray(e.details?.holders)
      ? (e.details.holders as { id: string | null; label: string; since: number | null; lastStatement: string }[])
      : undefined
    return {
      ok: false,
      sql: dmlOf(session),
      error: {
        code: e.code,
        message: e.message,
        editId,
        ...(holders ? { holders } : {}),
        // A COMMIT cut off in doubt: its transaction, to ask later whether it took.
        ...(e.code === 'COMMIT_UNKNOWN' && typeof e.details?.xid === 'string' ? { xid: e.details.xid } : {}),
      },
      session: before ? withLog(before) : undefined,
    }
  } finally {
    await session.close()
  }
}

/** A table without a primary key is edited by its rowid where the engine has one (SQLite). */
function withRowidKey(schema: DatabaseSchema, table: Table, rowid: string | null) {
  if (
    table.columns.some((c) => c.primaryKey > 0) ||
    !table.hasRowid ||
    !rowid ||
    table.columns.some((c) => c.name.toLowerCase() === rowid)
  )
    return { schema, table }
  const withRowid: Table = {
    ...table,
    columns: [
      {
        name: rowid,
        type: 'integer',
        nativeType: 'INTEGER',
        nullable: false,
        serverDefault: null,
        autoincrement: true,
        primaryKey: 1,
        unique: false,
      },
      ...table.columns,
    ],
  }
  return { schema: { ...schema, tables: schema.tables.map((t) => (t === table ? withRowid : t)) }, table: withRowid }
}

/**
 * The edits into the session: the edited rows loaded in one query, inserts added, changes set,
 * deletes marked. A row that is no longer there ends it with a stale-data result.
 */
async function stage(
  session: Session,
  mapper: Mapper,
  edits: RowEdit[],
  editOf: Map<object, string>,
): Promise<ApplyEditsResult | null> {
  const keyed = edits.filter((e): e is Keyed => e.kind !== 'insert')
  if (keyed.length) await loadRows(session, mapper, keyed)
  const known = (c: string) => {
    if (!mapper.colIndex.has(c)) throw new AppError('BAD_REQUEST', `${mapper.table.name} has no column ${c}`)
    return c
  }
  for (const e of edits) {
    if (e.kind === 'insert') {
      // An unknown column is an error, as it is for an update: it used to vanish from the INSERT.
      Object.keys(e.values).forEach(known)
      const obj = session.create(mapper, e.values)
      session.add(obj)
      editOf.set(obj, e.id)
      continue
    }
    const obj = await session.get<Record<string, unknown>>(mapper, e.key.length === 1 ? e.key[0] : e.key)
    if (!obj)
      return {
        ok: false,
        sql: [],
        error: {
          code: 'STALE_DATA',
          message:
            'This row no longer exists (another session deleted it or changed its key); reload to see the table as it is',
          editId: e.id,
        },
      }
    editOf.set(obj, e.id)
    if (e.kind === 'delete') session.delete(obj)
    else {
      for (const [c, v] of Object.entries(e.values)) obj[known(c)] = v
      for (const c of e.defaults ?? [])
        obj[known(c)] = sqlExpression(
          session.driver.dialect.columnDefaultSql(mapper.table.columns[mapper.col(c)].serverDefault),
        )
    }
  }
  return null
}

/** Every edited row in one query, by its key. */
async function loadRows(session: Session, mapper: Mapper, keyed: Keyed[]) {
  const pk = mapper.pk.map((i) => mapper.columns[i])
  const where =
    pk.length === 1
      ? { op: 'in' as const, column: pk[0], values: keyed.map((e) => e.key[0]) }
      : {
          op: 'or' as const,
          args: keyed.map((e) => ({
            op: 'and' as const,
            args: pk.map((c, i) => ({ op: 'cmp' as const, column: c, cmp: '=' as const, value: e.key[i] })),
          })),
        }
  await session.execute(select(mapper).where(where))
}

/** The statements a commit runs, as the user will see them: BEGIN, the session's DML, COMMIT. */
function dmlOf(s: Session) {
  const dml = s.log
    .all()
    .filter((e) => /^(INSERT|UPDATE|DELETE)/.test(e.sql))
    .map(logView)
    .map((e) => ({ sql: e.sql, params: e.params, executions: e.executions }))
  return dml.length
    ? [{ sql: 'BEGIN', params: [], executions: 1 }, ...dml, { sql: 'COMMIT', params: [], executions: 1 }]
    : []
}
