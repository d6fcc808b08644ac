/** One statement of a script, with where it sits in the text. */
export interface StatementSpan {
  text: string
  from: number
  to: number
}

const WORD_START = /[A-Za-z_\u0080-\uffff]/
const WORD_PART = /[A-Za-z0-9_$\u0080-\uffff]/

/**
 * Split SQL into statements at semicolons, ignoring those inside strings (with PostgreSQL's
 * E'...' escapes), quoted identifiers ("...", `...`, [...]), comments (PostgreSQL's nest),
 * dollar-quoted bodies, and the bodies of SQLite triggers (`CREATE TRIGGER ... BEGIN ...; END`) and
 * SQL-standard function bodies (`BEGIN ATOMIC ...; END`), where a CASE ... END may sit too.
 *
 * Written by hand because no maintained tokenizer covers both engines' quoting; SQLite's own
 * sqlite3_complete() is the reference for where a statement ends.
 */
export function splitStatements(sql: string): StatementSpan[] {
  const out: StatementSpan[] = []
  let start = 0
  let i = 0
  const n = sql.length
  // Words of the statement so far (upper-cased, first few only) and the block depth.
  let head: string[] = []
  let depth = 0
  const push = (end: number) => {
    const raw = sql.slice(start, end)
    const lead = raw.length - raw.trimStart().length
    const text = raw.trim()
    if (text) out.push({ text, from: start + lead, to: start + lead + text.length })
  }
  const isTrigger = () => {
    // CREATE [OR REPLACE] [TEMP | TEMPORARY] TRIGGER
    const w = head.filter((x) => x !== 'OR' && x !== 'REPLACE' && x !== 'TEMP' && x !== 'TEMPORARY')
    return w[0] === 'CREATE' && w[1] === 'TRIGGER'
  }
  const skipQuoted = (close: string, doubled: boolean, backslash: boolean) => {
    i++
    while (i < n) {
      const c = sql[i]
      if (backslash && c === '\\') i += 2
      else if (c === close) {
        if (doubled && sql[i + 1] === close) i += 2
        else break
      } else i++
    }
    i++
  }
  while (i < n) {
    const c = sql[i]
    if (c === "'") {
      const escapes = (sql[i - 1] === 'E' || sql[i - 1] === 'e') && !WORD_PART.test(sql[i - 2] ?? ' ')
      skipQuoted("'", true, escapes)
    } else if (c === '"' || c === '`') skipQuoted(c, true, false)
    // SQLite's [identifier]; a PostgreSQL subscript or ARRAY[...] holds no semicolon, so skipping
    // to its closing bracket is harmless there.
    else if (c === '[') skipQuoted(']', false, false)
    else if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++
    } else if (c === '/' && sql[i + 1] === '*') {
      let level = 1
      i += 2
      while (i < n && level > 0) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          level++
          i += 2
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          level--
          i += 2
        } else i++
      }
    } else if (c === '$' && !WORD_PART.test(sql[i - 1] ?? ' ')) {
      const m = /^\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))
      if (m) {
        const end = sql.indexOf(m[0], i + m[0].length)
        i = end < 0 ? n : end + m[0].length
      } else i++
    } else if (WORD_START.test(c)) {
      let j = i + 1
      while (j < n && WORD_PART.test(sql[j])) j++
      const w = sql.slice(i, j).toUpperCase()
      if (head.length < 8) head.push(w)
      if (w === 'BEGIN' && (isTrigger() || /^\s+ATOMIC\b/i.test(sql.slice(j, j + 16)))) depth++
      else if (w === 'CASE' && depth > 0) depth++
      else if (w === 'END' && depth > 0) depth--
      i = j
    } else if (c === ';' && depth === 0) {
      push(i)
      i++
      start = i
      head = []
    } else i++
  }
  push(n)
  return out
}

/** The statement the cursor is in (or the nearest one before it). */
export function statementAt(sql: string, pos: number): StatementSpan | null {
  const all = splitStatements(sql)
  if (all.length === 0) return null
  let best = all[0]
  for (const s of all) {
    if (s.from <= pos) best = s
    if (pos <= s.to + 1 && pos >= s.from) return s
  }
  return best
}
