import type { StepOutcome } from '../../../src-shared/tx'
import type { History, Txn, Value } from './history-types'
import { unquote, type CapturedWrite } from './console-capture'
import { nameByPane } from './record'

/**
 * A console session as a history for the checker: the panes' statements on any table with a
 * primary key, item by item. A key is one column of one row, `acct(1).balance`, so a write to
 * one column and a read of another do not depend on each other; a value is what the column held.
 *
 * Transactions are read from the pane's state around each step (a step that leaves a pane idle
 * ended its transaction; COMMIT answered by ROLLBACK, or ROLLBACK, aborted it), so `BEGIN`,
 * `START TRANSACTION`, MariaDB's implicit commit on DDL and a failed SQLite COMMIT (still open)
 * all count as the engine counted them. A statement outside a transaction is one of its own.
 *
 * What cannot be recorded is said, not guessed: statements of several parts, joins and
 * aggregates, tables without a key. A read by a predicate (`WHERE balance > 50`) records the
 * rows it returned; the rows it did not see are not checked, so a phantom is not found here
 * (the scenario library's scratch table checks predicates).
 */

export interface ConsoleStep {
  id: number
  pane: string
  sql: string
  outcome: StepOutcome
}

export interface TableKeys {
  schema: string | null
  name: string
  columns: string[]
  key: string[]
}

export interface StepNote {
  entry: number
  sql: string
  note: string
}

export interface ConsoleHistory {
  history: History
  notes: StepNote[]
  /** Transactions still open when the history was taken: counted as not committed. */
  open: string[]
}

/** A value as the checker compares it: numbers as numbers (PostgreSQL's numeric arrives as text), the rest as text. */
export function normalValue(v: unknown): Value {
  if (v === null || v === undefined) return null
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : String(v)
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'string') return /^-?\d+(\.\d+)?$/.test(v) && Number.isFinite(Number(v)) ? Number(v) : v
  if (v instanceof Date) return v.toISOString()
  if (v instanceof Uint8Array) return Buffer.from(v).toString('hex')
  return JSON.stringify(v)
}

function findTable(tables: TableKeys[], written: string): TableKeys | null {
  const parts = written.split('.')
  const name = parts.pop()!
  const schema = parts.pop() ?? null
  const same = (a: string, b: string) => a === b || a.toLowerCase() === b.toLowerCase()
  return (
    tables.find((t) => same(t.name, name) && (schema === null || t.schema === null || same(t.schema, schema))) ?? null
  )
}

const SELECT =
  /^\s*SELECT\s+(?:ALL\s+)?([\s\S]+?)\s+FROM\s+((?:"(?:[^"]|"")+"|`[^`]+`|\[[^\]]+\]|[A-Za-z_][\w$]*)(?:\s*\.\s*(?:"(?:[^"]|"")+"|`[^`]+`|[A-Za-z_][\w$]*))?)([\s\S]*)$/i

/** The table a plain single-table SELECT reads and its WHERE; or why it is not one. */
function selectShape(sql: string): { table: string; where: string | null } | string {
  const m = SELECT.exec(sql.replace(/;\s*$/, ''))
  if (!m) return 'not a plain SELECT from one table'
  const [, cols, table, rest] = m
  if (/\b(JOIN|UNION|INTERSECT|EXCEPT|GROUP\s+BY)\b/i.test(rest) || /^\s*(AS\s+)?\w*\s*,/i.test(rest))
    return 'reads several tables or groups rows'
  if (/\b(count|sum|avg|min|max|string_agg|group_concat|array_agg|bool_and|bool_or|every)\s*\(/i.test(cols))
    return 'an aggregate: it reads many rows into one value'
  const where =
    /\bWHERE\b([\s\S]*?)(?:\bORDER\s+BY\b|\bLIMIT\b|\bFOR\s+(UPDATE|SHARE|NO\s+KEY|KEY)\b|\bLOCK\s+IN\b|$)/i.exec(
      rest,
    )?.[1]
  return { table: unquote(table), where: where?.trim() || null }
}

/** `id = 1` (or `1 = id`, or `acct.id = '1'`): the key column's value, when the WHERE is exactly that. */
function keyEquality(where: string | null, key: string[]): string | null {
  if (!where || key.length !== 1) return null
  const lit = String.raw`(-?\d+(?:\.\d+)?|'(?:[^']|'')*')`
  const col = String.raw`(?:[\w"\x60]+\s*\.\s*)?([\w"\x60]+)`
  const m =
    new RegExp(String.raw`^\(?\s*${col}\s*=\s*${lit}\s*\)?$`, 'i').exec(where) ??
    new RegExp(String.raw`^\(?\s*${lit}\s*=\s*${col}\s*\)?$`, 'i').exec(where)
  if (!m) return null
  const [a, b] = /^[-\d']/.test(m[1]) ? [m[2], m[1]] : [m[1], m[2]]
  if (unquote(a).toLowerCase() !== key[0].toLowerCase()) return null
  return String(normalValue(b.startsWith("'") ? b.slice(1, -1).replaceAll("''", "'") : b))
}

const rowKey = (t: TableKeys, keyValues: unknown[]) =>
  `${t.name}(${keyValues.map((v) => String(normalValue(v))).join(', ')})`

/** The item ops of one step: its writes (as captured) or its reads (from the rows it returned). */
function opsOf(
  step: ConsoleStep,
  write: CapturedWrite | null,
  tables: TableKeys[],
  note: (n: string) => void,
): Txn['ops'] {
  const ops: Txn['ops'] = []
  const o = step.outcome
  if (write) {
    const t = findTable(tables, write.table)
    if (!t) return (note(`${write.table} is not a table of this database (any more)`), ops)
    if (!t.key.length) return (note(`${t.name} has no primary key: its rows cannot be told apart`), ops)
    const idx = (c: string) => write.columns.findIndex((x) => x.toLowerCase() === c.toLowerCase())
    const keyAt = t.key.map(idx)
    if (keyAt.some((i) => i < 0)) return (note('its rows came back without their key'), ops)
    const valueCols = t.columns.filter((c) => !t.key.includes(c))
    const cols =
      write.kind === 'update' && write.setColumns
        ? valueCols.filter((c) => write.setColumns!.some((s) => s.toLowerCase() === c.toLowerCase()))
        : valueCols
    for (const row of write.rows) {
      const base = rowKey(
        t,
        keyAt.map((i) => row[i]),
      )
      // A table that is all key: the row's presence is its one item.
      if (!valueCols.length) ops.push({ kind: 'w', key: base, value: write.kind === 'delete' ? null : 'row' })
      for (const c of cols)
        ops.push({ kind: 'w', key: `${base}.${c}`, value: write.kind === 'delete' ? null : normalValue(row[idx(c)]) })
    }
    return ops
  }
  if (/^\s*(INSERT|UPDATE|DELETE|REPLACE|MERGE|WITH)\b/i.test(step.sql))
    return (note('a write the console could not follow (several statements, or RETURNING, WITH or MERGE)'), ops)
  if (!/^\s*SELECT\b/i.test(step.sql) || !o.result?.columns.length) return ops
  const shape = selectShape(step.sql)
  if (typeof shape === 'string') return (note(shape), ops)
  const t = findTable(tables, shape.table)
  if (!t) return (note(`${shape.table} is not a table of this database`), ops)
  if (!t.key.length) return (note(`${t.name} has no primary key: its rows cannot be told apart`), ops)
  const names = o.result.columns.map((c) => c.name.toLowerCase())
  const keyAt = t.key.map((k) => names.indexOf(k.toLowerCase()))
  const byWhere = keyEquality(shape.where, t.key)
  if (keyAt.some((i) => i < 0) && byWhere === null)
    return (note('the rows it returned do not say which rows they are: select the key too, or read by key'), ops)
  if (byWhere === null) note('a read by a predicate: the rows it returned are checked, rows it did not see are not')
  const valueAt = t.columns
    .filter((c) => !t.key.includes(c))
    .map((c) => [c, names.indexOf(c.toLowerCase())] as const)
    .filter(([, i]) => i >= 0)
  for (const row of o.result.rows) {
    const base = keyAt.every((i) => i >= 0)
      ? rowKey(
          t,
          keyAt.map((i) => row[i]),
        )
      : `${t.name}(${byWhere})`
    if (!valueAt.length && t.columns.length === t.key.length) ops.push({ kind: 'r', key: base, value: 'row' })
    for (const [c, i] of valueAt) ops.push({ kind: 'r', key: `${base}.${c}`, value: normalValue(row[i]) })
  }
  return ops
}

const BEGINS = /^\s*(BEGIN|START\s+TRANSACTION|SET\s+TRANSACTION\b[^;]*;\s*(BEGIN|START))/i

/** The console's finished steps, in the order they started, as a history. */
export function consoleHistory(
  steps: ConsoleStep[],
  writes: Map<number, CapturedWrite>,
  tables: TableKeys[],
): ConsoleHistory {
  type Building = Txn & { commitAt: number }
  const all: Building[] = []
  const open = new Map<string, Building>()
  const notes: StepNote[] = []
  const begin = (pane: string): Building => {
    const t: Building = { id: pane, session: pane, ops: [], status: 'aborted', commitAt: 0 }
    all.push(t)
    return t
  }
  for (const step of [...steps].sort((a, b) => a.outcome.startedAt - b.outcome.startedAt || a.id - b.id)) {
    const o = step.outcome
    const note = (n: string) => notes.push({ entry: step.id, sql: step.sql, note: n })
    const inTxn = o.state === 'in transaction' || o.state === 'failed'
    let t = open.get(step.pane)
    if (!t && (inTxn || !BEGINS.test(step.sql))) {
      t = begin(step.pane)
      if (inTxn) open.set(step.pane, t)
    }
    if (t && !o.error) t.ops.push(...opsOf(step, writes.get(step.id) ?? null, tables, note))
    if (!t || inTxn) continue
    // The pane is idle after this step: its transaction ended here.
    open.delete(step.pane)
    const rolledBack =
      /^\s*ROLLBACK\b(?!\s+TO)/i.test(step.sql) || o.result?.command?.toUpperCase() === 'ROLLBACK' || o.state !== 'idle'
    if (!o.error && !rolledBack) {
      t.status = 'committed'
      t.commitAt = o.finishedAt
    }
  }
  // A transaction that read and wrote nothing recorded (a lone ROLLBACK, a DDL statement) says nothing.
  const kept = all.filter((t) => t.ops.length)
  kept
    .filter((t) => t.status === 'committed')
    .sort((a, b) => a.commitAt - b.commitAt)
    .forEach((t, i) => (t.commit = i + 1))
  nameByPane(kept)
  const stillOpen = new Set(open.values())
  return {
    history: {
      initial: {},
      initialUnknown: true,
      txns: kept.map(({ id, ops, status, commit, session }) => ({ id, ops, status, commit, session })),
    },
    notes,
    open: kept.filter((t) => stillOpen.has(t)).map((t) => t.id),
  }
}
