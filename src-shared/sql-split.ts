/** One statement of a script, with where it sits in the text. */
export interface StatementSpan {
  text: string
  from: number
  to: number
}

/**
 * Split SQL into statements at semicolons, ignoring those inside strings, quoted identifiers,
 * comments and PostgreSQL dollar-quoted bodies.
 */
export function splitStatements(sql: string): StatementSpan[] {
  const out: StatementSpan[] = []
  let start = 0
  let i = 0
  const n = sql.length
  const push = (end: number) => {
    const raw = sql.slice(start, end)
    const lead = raw.length - raw.trimStart().length
    const text = raw.trim()
    if (text) out.push({ text, from: start + lead, to: start + lead + text.length })
  }
  while (i < n) {
    const c = sql[i]
    if (c === "'" || c === '"' || c === '`') {
      const q = c
      i++
      while (i < n) {
        if (sql[i] === q) {
          if (sql[i + 1] === q) i += 2
          else break
        } else i++
      }
      i++
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < n && sql[i] !== '\n') i++
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2)
      i = end < 0 ? n : end + 2
    } else if (c === '$') {
      const m = /^\$[A-Za-z_]*\$/.exec(sql.slice(i))
      if (m) {
        const end = sql.indexOf(m[0], i + m[0].length)
        i = end < 0 ? n : end + m[0].length
      } else i++
    } else if (c === ';') {
      push(i)
      i++
      start = i
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
