import type { StepOutcome } from '../../../src-shared/tx'
import type { Dialect } from '../../db/dialect'
import type { Driver } from '../../db/driver'
import { splitStatements } from '../../../src-shared/sql-split'

/**
 * What a console step wrote, kept for its history (./console-history.ts): the target table and
 * the rows as the write left them. The console does not know a write's rows from its command
 * tag, so a lone INSERT, UPDATE or DELETE is sent with `RETURNING *` where the engine has it
 * (the pane still shows the statement as typed, and its change count); MariaDB has INSERT and
 * DELETE ... RETURNING but no UPDATE ... RETURNING, so its UPDATE's rows are read again by the same WHERE in the same
 * transaction, which sees its own writes and reads rows it already holds locks on.
 *
 * The SQL is read by hand (a few patterns on one statement): a full parser per engine would be
 * the only library that does this, and the shapes a console session records are the plain ones.
 */
export interface CapturedWrite {
  kind: 'insert' | 'update' | 'delete'
  /** The target as written, unquoted (`public.acct` or `acct`). */
  table: string
  /** The columns an UPDATE's SET names; null when they could not be read. */
  setColumns: string[] | null
  /** The rows as the write left them (a DELETE: as they were), all columns. */
  columns: string[]
  rows: unknown[][]
}

export interface Capture {
  /** The statement to send. */
  sql: string
  /** After it ran: the outcome as the person typed it, and the rows it wrote. */
  finish(o: StepOutcome, driver: Driver): Promise<{ outcome: StepOutcome; write: CapturedWrite | null }>
}

const IDENT = String.raw`(?:"(?:[^"]|"")+"|\x60(?:[^\x60]|\x60\x60)+\x60|\[[^\]]+\]|[A-Za-z_][\w$]*)`
const NAME = String.raw`(${IDENT}(?:\s*\.\s*${IDENT})?)`
const TARGET: Record<CapturedWrite['kind'], RegExp> = {
  insert: new RegExp(String.raw`^\s*(?:INSERT|REPLACE)(?:\s+OR\s+\w+)?\s+INTO\s+${NAME}`, 'i'),
  update: new RegExp(String.raw`^\s*UPDATE(?:\s+OR\s+\w+)?\s+(?:ONLY\s+)?${NAME}`, 'i'),
  delete: new RegExp(String.raw`^\s*DELETE\s+FROM\s+(?:ONLY\s+)?${NAME}`, 'i'),
}

/** An identifier as the catalog spells it: quotes taken off; `a.b` kept as written. */
export function unquote(name: string): string {
  return name
    .split(/\s*\.\s*(?=(?:[^"]*"[^"]*")*[^"]*$)/)
    .map((p) => {
      if (/^".*"$/.test(p)) return p.slice(1, -1).replaceAll('""', '"')
      if (/^`.*`$/.test(p)) return p.slice(1, -1).replaceAll('``', '`')
      if (/^\[.*\]$/.test(p)) return p.slice(1, -1)
      return p
    })
    .join('.')
}

/** The write a statement is, if it is one lone INSERT, UPDATE or DELETE with no RETURNING of its own. */
export function writeTarget(sql: string): { kind: CapturedWrite['kind']; table: string } | null {
  // Most steps are reads: no need to split them into statements to learn that.
  if (!/\b(?:insert|update|delete|replace)\b/i.test(sql)) return null
  const text = loneStatement(sql)
  if (text === null) return null
  if (/\bRETURNING\b/i.test(text)) return null
  for (const kind of ['insert', 'update', 'delete'] as const) {
    const m = TARGET[kind].exec(text)
    if (m) return { kind, table: unquote(m[1]) }
  }
  return null
}

/** The one statement in `sql` (a comment after its semicolon is not another), or null. */
function loneStatement(sql: string): string | null {
  const parts = splitStatements(sql).filter((p) => p.text.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, '').trim())
  return parts.length === 1 ? parts[0].text : null
}

/** Top-level pieces of `text` split at commas (not inside parentheses or quotes). */
export function topLevelCommas(text: string): string[] {
  const out: string[] = []
  let depth = 0
  let quote: string | null = null
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]
    if (quote) {
      if (ch === quote) quote = null
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch
    else if (ch === '(') depth++
    else if (ch === ')') depth--
    else if (ch === ',' && depth === 0) {
      out.push(text.slice(start, i))
      start = i + 1
    }
  }
  out.push(text.slice(start))
  return out.map((s) => s.trim()).filter(Boolean)
}

/** The columns an UPDATE's SET assigns (`SET a = 1, (b, c) = (2, 3)`), or null. */
export function setColumns(sql: string): string[] | null {
  const m = /\bSET\b([\s\S]*?)(?:\bWHERE\b|\bFROM\b|\bORDER\s+BY\b|\bLIMIT\b|;|$)/i.exec(sql)
  if (!m) return null
  const cols: string[] = []
  for (const part of topLevelCommas(m[1])) {
    const lhs = /^(\([^)]*\)|[^=]+?)\s*=/.exec(part)?.[1]
    if (!lhs) return null
    for (const c of lhs.replace(/^\(|\)$/g, '').split(','))
      cols.push(unquote(c.trim()).split('.').pop()!.replace(/^"|"$/g, ''))
  }
  return cols
}

const withoutRows = (o: StepOutcome): StepOutcome =>
  o.result ? { ...o, result: { ...o.result, columns: [], rows: [] } } : o

/** How a console step is sent so that its writes can be recorded; null when it is sent as typed. */
export function captureFor(sql: string, dialect: Dialect): Capture | null {
  const target = writeTarget(sql)
  if (!target) return null
  const statement = loneStatement(sql)!
  const written = (o: StepOutcome, columns: string[], rows: unknown[][]): CapturedWrite => ({
    ...target,
    setColumns: target.kind === 'update' ? setColumns(statement) : null,
    columns,
    rows,
  })
  const caps = dialect.capabilities
  if (caps.returning || (target.kind !== 'update' && caps.insertDeleteReturning))
    return {
      // On a line of its own: a trailing `-- comment` must not swallow it.
      sql: `${statement}\nRETURNING *`,
      finish: async (o) => {
        const outcome = { ...withoutRows(o), sql }
        if (!o.result || o.error) return { outcome, write: null }
        return {
          outcome,
          write: written(
            o,
            o.result.columns.map((c) => c.name),
            o.result.rows,
          ),
        }
      },
    }
  if (target.kind !== 'update') return null
  const where = /\bWHERE\b([\s\S]+?)(?:\bORDER\s+BY\b|\bLIMIT\b|$)/i.exec(statement)?.[1]
  return {
    sql,
    finish: async (o, driver) => {
      if (!o.result || o.error) return { outcome: o, write: null }
      const read = await driver
        .query(`SELECT * FROM ${tableSql(statement)}${where ? ` WHERE ${where}` : ''}`)
        .catch(() => null)
      if (!read) return { outcome: o, write: null }
      return {
        outcome: o,
        write: written(
          o,
          read.columns.map((c) => c.name),
          read.rows,
        ),
      }
    },
  }
}

/** The UPDATE's target as written (quotes kept), for reading its rows again. */
function tableSql(statement: string): string {
  return TARGET.update.exec(statement)![1]
}
