import { AppError } from '../../src-shared/errors'
import type { ApplyEditsResult, Cursor, Page, RowEdit, TableRef, ViewSpec } from '../../src-shared/grid'
import { encodeCell, type Cell } from '../../src-shared/values'
import { primaryKeyColumns, tableKey, type DatabaseSchema, type Table } from '../../src-shared/schema'
import type { ConnectionManager } from '../db/connection-manager'
import { openDriver } from '../db/open-driver'
import { FlushError } from '../orm/flush'
import { Registry } from '../orm/registry'
import { Session } from '../orm/session'
import { select } from '../orm/statements'
import { sqlExpression } from '../orm/sql-expression'
import { logView, ObjectRefs, snapshotSession } from '../orm/snapshot'
import type { SessionSnapshot } from '../../src-shared/orm'
import { countQuery, ordering, pageQuery, ROWID_ALIAS, sampleQuery } from './keyset-pager'

/** The id the grid's short-lived sessions go by in their snapshots. */
const GRID_SESSION = 'grid'

/** Rows between two cursors in the position index: jumps land at most this far from a cursor. */
export const SAMPLE_STEP = 1000
/** Above this many rows (by the catalog's estimate), PostgreSQL counts are estimated. */
export const EXACT_COUNT_LIMIT = 500_000

/**
 * Table browsing and editing for the data grid: keyset pages, counts, jumps by position, and
 * edits applied through an ORM session.
 */
export class TableData {
  private schemas = new Map<string, DatabaseSchema>()
  private samples = new Map<string, { cursors: Cursor[]; at: number }>()

  constructor(private readonly connections: ConnectionManager) {}

  /** Forget cached schema and position indexes for a connection (after DDL or edits). */
  invalidate(handle: string) {
    this.schemas.delete(handle)
    for (const k of this.samples.keys()) if (k.startsWith(`${handle}|`)) this.samples.delete(k)
  }

  async table(handle: string, ref: TableRef): Promise<Table> {
    let schema = this.schemas.get(handle)
    if (!schema) {
      const d = this.connections.driver(handle)
      schema = await d.dialect.introspect(d)
      this.schemas.set(handle, schema)
    }
    const t = schema.tables.find((x) => x.name === ref.name && (ref.schema === null || x.schema === ref.schema))
    if (!t) throw new AppError('NOT_FOUND', `No table ${ref.schema ? `${ref.schema}.` : ''}${ref.name}`)
    return t
  }

  async page(
    req: ViewSpec & {
      handle: string
      after: Cursor | null
      before: Cursor | null
      fromEnd: boolean
      limit: number
      skip?: number
    },
  ): Promise<Page> {
    const driver = this.connections.driver(req.handle)
    const table = await this.table(req.handle, req.table)
    const q = pageQuery(table, req, driver.dialect, req)
    const r = await driver.query(q.sql, q.params)
    const atEdge = r.rows.length <= req.limit
    let rows = r.rows.slice(0, req.limit)
    if (q.reversed) rows = rows.reverse()
    const o = ordering(table, req.sort, driver.dialect)
    const pos = (c: string) => q.selectColumns.indexOf(c)
    const keyPos = o.rowKey.map(pos)
    const cursorPos = o.keys.map((k) => pos(k.column))
    const hidden = o.rowKey[0] === ROWID_ALIAS
    return {
      columns: table.columns.map((c) => c.name),
      keyColumns: o.rowKey,
      rows: hidden ? rows.map((row) => row.slice(0, -1)) : rows,
      firstCursor: rows.length ? cursorPos.map((i) => rows[0][i]) : null,
      lastCursor: rows.length ? cursorPos.map((i) => rows[rows.length - 1][i]) : null,
      keys: rows.map((row) => keyPos.map((i) => row[i])),
      atEdge,
      sql: q.sql,
      durationMs: r.durationMs,
    }
  }

  async count(req: ViewSpec & { handle: string }): Promise<{ count: number; exact: boolean }> {
    const driver = this.connections.driver(req.handle)
    const table = await this.table(req.handle, req.table)
    if (!req.filter && !req.where.trim()) {
      const estimate = await driver.dialect.estimateRows(driver, table.schema, table.name)
      if (estimate !== null && estimate > EXACT_COUNT_LIMIT) return { count: estimate, exact: false }
    }
    const q = countQuery(table, req, driver.dialect)
    const r = await driver.query(q.sql, q.params)
    return { count: Number(r.rows[0]?.[0] ?? 0), exact: true }
  }

  /**
   * Where row `n` of the view starts: the cursor of the nearest indexed row before it and how many
   * rows to skip from there (under SAMPLE_STEP). The index is one ordered pass, cached per view.
   */
  async locate(req: ViewSpec & { handle: string; row: number }): Promise<{ after: Cursor | null; skip: number }> {
    if (req.row < SAMPLE_STEP) return { after: null, skip: req.row }
    const key = `${req.handle}|${JSON.stringify([req.table, req.sort, req.filter, req.where])}`
    let sample = this.samples.get(key)
    if (!sample) {
      const driver = this.connections.driver(req.handle)
      const table = await this.table(req.handle, req.table)
      const q = sampleQuery(table, req, driver.dialect, SAMPLE_STEP)
      const r = await driver.query(q.sql, q.params)
      sample = { cursors: r.rows, at: Date.now() }
      this.samples.set(key, sample)
      if (this.samples.size > 50) this.samples.delete(this.samples.keys().next().value as string)
    }
    // cursors[j] is the row at position (j + 1) * STEP - 1.
    const j = Math.min(Math.floor(req.row / SAMPLE_STEP) - 1, sample.cursors.length - 1)
    if (j < 0) return { after: null, skip: req.row }
    return { after: sample.cursors[j], skip: req.row - (j + 1) * SAMPLE_STEP }
  }

  /**
   * What deleting these rows makes the database do to other tables: rows deleted by ON DELETE
   * CASCADE (followed down the chain), set to NULL or DEFAULT, or a RESTRICT / NO ACTION that
   * would make the delete fail.
   */
  async deleteEffects(
    handle: string,
    ref: TableRef,
    keys: Cell[][],
  ): Promise<{ table: string; via: string; action: string; rows: number }[]> {
    const driver = this.connections.driver(handle)
    const d = driver.dialect
    const root = await this.table(handle, ref)
    const schema = this.schemas.get(handle)!
    const out: { table: string; via: string; action: string; rows: number }[] = []
    const visit = async (t: Table, tkeys: Cell[][], depth: number) => {
      if (depth > 6 || tkeys.length === 0) return
      const pk = primaryKeyColumns(t)
      for (const child of schema.tables) {
        for (const fk of child.foreignKeys) {
          if (fk.refTable !== t.name || (fk.refSchema ?? child.schema) !== t.schema) continue
          // The referenced values: the keys themselves when the FK points at the primary key.
          let refValues = tkeys
          if (fk.refColumns.join() !== pk.join()) {
            const params: unknown[] = []
            const where = tkeys
              .map(
                (k) =>
                  `(${pk.map((c, i) => (params.push(k[i]), `${d.quoteIdent(c)} = ${d.placeholder(params.length)}`)).join(' AND ')})`,
              )
              .join(' OR ')
            const r = await driver.query(
              `SELECT ${fk.refColumns.map((c) => d.quoteIdent(c)).join(', ')} FROM ${d.qualify(t.schema, t.name)} WHERE ${where}`,
              params,
            )
            refValues = r.rows
          }
          if (refValues.length === 0) continue
          const params: unknown[] = []
          const where = refValues
            .map(
              (v) =>
                `(${fk.columns.map((c, i) => (params.push(v[i]), `${d.quoteIdent(c)} = ${d.placeholder(params.length)}`)).join(' AND ')})`,
            )
            .join(' OR ')
          const childPk = primaryKeyColumns(child)
          const r = await driver.query(
            `SELECT ${childPk.length ? childPk.map((c) => d.quoteIdent(c)).join(', ') : 'count(*)'} FROM ${d.qualify(child.schema, child.name)} WHERE ${where}${childPk.length ? ' LIMIT 10001' : ''}`,
            params,
          )
          const rows = childPk.length ? r.rows.length : Number(r.rows[0]?.[0] ?? 0)
          if (rows === 0) continue
          const action =
            fk.onDelete === 'NO ACTION' || fk.onDelete === 'RESTRICT'
              ? 'blocks the delete'
              : fk.onDelete === 'CASCADE'
                ? 'deleted'
                : fk.onDelete === 'SET NULL'
                  ? 'set to NULL'
                  : 'set to DEFAULT'
          out.push({
            table: child.name,
            via: `${child.name}.${fk.columns.join(', ')} ON DELETE ${fk.onDelete}`,
            action,
            rows,
          })
          if (fk.onDelete === 'CASCADE' && childPk.length) await visit(child, r.rows, depth + 1)
        }
      }
    }
    await visit(root, keys, 0)
    return out
  }

  /** A row's related rows through each ORM relationship, loaded with the given strategy. */
  async related(
    handle: string,
    ref: TableRef,
    key: Cell[],
    strategy: 'select' | 'joined' | 'selectin' | 'subquery',
  ): Promise<{ name: string; kind: string; target: string; columns: string[]; rows: Cell[][]; sql: string[] }[]> {
    const table = await this.table(handle, ref)
    const schema = this.schemas.get(handle)!
    const driver = await openDriver(this.connections.config(handle))
    const registry = new Registry(schema, driver.dialect)
    const mapper = registry.mappers.get(tableKey(table))
    if (!mapper || !mapper.hasPrimaryKey) {
      await driver.close()
      return []
    }
    const out: { name: string; kind: string; target: string; columns: string[]; rows: Cell[][]; sql: string[] }[] = []
    try {
      for (const rel of mapper.relationships.values()) {
        const session = new Session(driver, registry, { autoflush: false })
        const where = {
          op: 'and' as const,
          args: mapper.pk.map((i, k) => ({
            op: 'cmp' as const,
            column: mapper.columns[i],
            cmp: '=' as const,
            value: key[k],
          })),
        }
        let obj: Record<string, unknown> | null
        if (strategy === 'select') {
          obj = (await session.execute(select(mapper).where(where))).scalarOneOrNone() as Record<string, unknown> | null
          if (obj) await session.load(obj, rel.name)
        } else {
          obj = (
            await session.execute(select(mapper).where(where).options({ relationship: rel.name, strategy }))
          ).scalarOneOrNone() as Record<string, unknown> | null
        }
        const value = obj ? obj[rel.name] : null
        const objs = (Array.isArray(value) ? value : value ? [value] : []) as Record<string, unknown>[]
        out.push({
          name: rel.name,
          kind: rel.kind,
          target: rel.target.table.name,
          columns: rel.target.columns,
          rows: objs.slice(0, 50).map((o) => rel.target.columns.map((c) => encodeCell(o[c]))),
          sql: session.log.statements().filter((x) => x.startsWith('SELECT')),
        })
        await session.close()
      }
      return out
    } finally {
      await driver.close()
    }
  }

  /**
   * Apply the grid's pending edits through an ORM session on a connection of its own, in one
   * transaction: `preview` runs them and rolls back (showing the exact SQL), `commit` commits.
   * A failure rolls everything back and names the edit it came from.
   */
  async applyEdits(
    handle: string,
    ref: TableRef,
    edits: RowEdit[],
    mode: 'inspect' | 'preview' | 'commit',
  ): Promise<ApplyEditsResult> {
    let table = await this.table(handle, ref)
    let schema = this.schemas.get(handle)!
    const driver = await openDriver(this.connections.config(handle), `a grid commit on ${ref.name}`)
    // A table without a primary key is edited by its rowid where the engine has one (SQLite).
    const rowid = driver.dialect.rowidColumn
    if (
      !table.columns.some((c) => c.primaryKey > 0) &&
      table.hasRowid &&
      rowid &&
      !table.columns.some((c) => c.name.toLowerCase() === rowid)
    ) {
      const withRowid = {
        ...table,
        columns: [
          {
            name: rowid,
            type: 'integer' as const,
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
      schema = { ...schema, tables: schema.tables.map((t) => (t === table ? withRowid : t)) }
      table = withRowid
    }
    const registry = new Registry(schema, driver.dialect, { passiveWhereDatabaseActs: true })
    // A commit writes: on SQLite it waits for the write lock from its BEGIN (within the busy
    // timeout) rather than failing at once when its first read upgrades to a write.
    const writeLevel = mode === 'commit' ? (driver.dialect.writeTransactionLevel ?? undefined) : undefined
    const session = new Session(driver, registry, {
      autoflush: false,
      expireOnCommit: false,
      isolationLevel: writeLevel,
    })
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
      const keyed = edits.filter((e): e is Extract<RowEdit, { key: Cell[] }> => e.kind !== 'insert')
      // Load every edited row in one query.
      if (keyed.length) {
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
      for (const e of edits) {
        if (e.kind === 'insert') {
          // An unknown column is an error, as it is for an update: it used to vanish from the INSERT.
          for (const c of Object.keys(e.values))
            if (!mapper.colIndex.has(c)) throw new AppError('BAD_REQUEST', `${table.name} has no column ${c}`)
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
          for (const [c, v] of Object.entries(e.values)) {
            if (!mapper.colIndex.has(c)) throw new AppError('BAD_REQUEST', `${table.name} has no column ${c}`)
            obj[c] = v
          }
          for (const c of e.defaults ?? []) {
            if (!mapper.colIndex.has(c)) throw new AppError('BAD_REQUEST', `${table.name} has no column ${c}`)
            obj[c] = sqlExpression(driver.dialect.columnDefaultSql(mapper.table.columns[mapper.col(c)].serverDefault))
          }
        }
      }
      // What the session holds before it flushes: the grid's Session panel shows this.
      before = snapshotSession(session, GRID_SESSION, refs)
      if (mode === 'inspect') {
        await session.rollback()
        return { ok: true, sql: [], error: null, session: withLog(before) }
      }
      await session.flush()
      if (mode === 'commit') {
        await session.commit()
        this.invalidate(handle)
        return { ok: true, sql: dmlOf(session), error: null, session: snapshotSession(session, GRID_SESSION, refs) }
      }
      await session.rollback()
      return { ok: true, sql: dmlOf(session), error: null, session: withLog(before) }
    } catch (e) {
      await session.rollback().catch(() => {})
      if (!(e instanceof AppError)) throw e
      const editId = e instanceof FlushError ? (editOf.get(e.objects[0]) ?? null) : null
      const failedSession = before ? withLog(before) : undefined
      const holders = Array.isArray(e.details?.holders)
        ? (e.details.holders as { id: string | null; label: string; since: number | null; lastStatement: string }[])
        : undefined
      return {
        ok: false,
        sql: dmlOf(session),
        error: { code: e.code, message: e.message, editId, ...(holders ? { holders } : {}) },
        session: failedSession,
      }
    } finally {
      await session.close()
      await driver.close()
    }
  }
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
