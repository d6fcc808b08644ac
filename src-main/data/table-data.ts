import { AppError } from '../../src-shared/errors'
import type { ApplyEditsResult, Cursor, Page, RowEdit, TableRef, ViewSpec } from '../../src-shared/grid'
import { encodeCell, type Cell } from '../../src-shared/values'
import { cellAt, columnsOf, firstRows, lazyRows, pickColumns, reversedRows } from '../../src-shared/cell-columns'
import { primaryKeyColumns, tableKey, type DatabaseSchema, type Table } from '../../src-shared/schema'
import type { ConnectionManager } from '../db/connection-manager'
import { openDriver } from '../db/open-driver'
import { Registry } from '../orm/registry'
import { Session } from '../orm/session'
import { select } from '../orm/statements'
import { countQuery, ordering, pageQuery, ROWID_ALIAS, sampleQuery } from './keyset-pager'
import { applyEdits } from './apply-edits'

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
    const o = ordering(table, req.sort, driver.dialect)
    const pos = (c: string) => q.selectColumns.indexOf(c)
    const keyPos = o.rowKey.map(pos)
    const cursorPos = o.keys.map((k) => pos(k.column))
    const hidden = o.rowKey[0] === ROWID_ALIAS
    const head = {
      columns: table.columns.map((c) => c.name),
      keyColumns: o.rowKey,
      sql: q.sql,
      durationMs: r.durationMs,
    }
    // Rows that came as columns (SQLite's) make the page as columns, unread: see cell-columns.ts.
    const t = columnsOf(r, 'rows')
    if (t && !keyPos.includes(-1) && !cursorPos.includes(-1)) {
      const page = q.reversed ? reversedRows(firstRows(t, req.limit)) : firstRows(t, req.limit)
      const n = page.rows
      const shown = hidden ? { rows: n, columns: page.columns.slice(0, -1) } : page
      const out: Page = {
        ...head,
        rows: [],
        firstCursor: n ? cursorPos.map((i) => cellAt(page, 0, i)) : null,
        lastCursor: n ? cursorPos.map((i) => cellAt(page, n - 1, i)) : null,
        keys: [],
        atEdge: t.rows <= req.limit,
      }
      return lazyRows(lazyRows(out, 'rows', shown), 'keys', pickColumns(page, keyPos))
    }
    const atEdge = r.rows.length <= req.limit
    let rows = r.rows.slice(0, req.limit)
    if (q.reversed) rows = rows.reverse()
    return {
      ...head,
      rows: hidden ? rows.map((row) => row.slice(0, -1)) : rows,
      firstCursor: rows.length ? cursorPos.map((i) => rows[0][i]) : null,
      lastCursor: rows.length ? cursorPos.map((i) => rows[rows.length - 1][i]) : null,
      keys: rows.map((row) => keyPos.map((i) => row[i])),
      atEdge,
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
   * transaction (see apply-edits.ts); a commit forgets what is cached of the table.
   */
  async applyEdits(
    handle: string,
    ref: TableRef,
    edits: RowEdit[],
    mode: 'inspect' | 'preview' | 'commit',
  ): Promise<ApplyEditsResult> {
    const table = await this.table(handle, ref)
    const driver = await openDriver(this.connections.config(handle), `a grid commit on ${ref.name}`)
    try {
      const r = await applyEdits(driver, this.schemas.get(handle)!, table, edits, mode)
      if (r.ok && mode === 'commit') this.invalidate(handle)
      return r
    } finally {
      await driver.close()
    }
  }
}
