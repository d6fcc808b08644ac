/**
 * SQLite reports CHECK constraints only inside the CREATE TABLE text it stores, so we scan that
 * text. A tiny tokenizer skips strings, quoted identifiers and comments, then finds every
 * `[CONSTRAINT name] CHECK (...)` with balanced parentheses.
 */
export function parseChecks(createSql: string): { name: string | null; expression: string }[] {
  const out: { name: string | null; expression: string }[] = []
  const s = createSql
  let i = 0
  let lastConstraintName: string | null = null
  let lastWordWasConstraint = false
  const n = s.length
  const readQuoted = (q: string) => {
    const close = q === '[' ? ']' : q
    let j = i + 1
    let text = ''
    while (j < n) {
      if (s[j] === close) {
        if (close !== ']' && s[j + 1] === close) {
          text += close
          j += 2
          continue
        }
        break
      }
      text += s[j++]
    }
    i = j + 1
    return text
  }
  while (i < n) {
    const ch = s[i]
    if (ch === '-' && s[i + 1] === '-') {
      while (i < n && s[i] !== '\n') i++
      continue
    }
    if (ch === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2)
      i = end < 0 ? n : end + 2
      continue
    }
    if (ch === "'") {
      readQuoted("'")
      lastWordWasConstraint = false
      continue
    }
    if (ch === '"' || ch === '`' || ch === '[') {
      const ident = readQuoted(ch)
      if (lastWordWasConstraint) lastConstraintName = ident
      lastWordWasConstraint = false
      continue
    }
    if (/[A-Za-z_]/.test(ch)) {
      let j = i
      while (j < n && /[A-Za-z0-9_$]/.test(s[j])) j++
      const word = s.slice(i, j)
      i = j
      const upper = word.toUpperCase()
      if (lastWordWasConstraint) {
        lastConstraintName = word
        lastWordWasConstraint = false
        continue
      }
      if (upper === 'CONSTRAINT') {
        lastWordWasConstraint = true
        continue
      }
      if (upper === 'CHECK') {
        while (i < n && /\s/.test(s[i])) i++
        if (s[i] !== '(') continue
        const start = i + 1
        let depth = 0
        for (; i < n; i++) {
          const c = s[i]
          // Every quoting SQLite accepts: a ')' inside [a)b] or `a)b` is a name, not the end.
          if (c === "'" || c === '"' || c === '`' || c === '[') {
            readQuoted(c)
            i--
            continue
          }
          if (c === '(') depth++
          else if (c === ')') {
            depth--
            if (depth === 0) break
          }
        }
        out.push({ name: lastConstraintName, expression: s.slice(start, i).trim() })
        i++
        lastConstraintName = null
        continue
      }
      // A named constraint that is not a CHECK (PRIMARY KEY, UNIQUE, FOREIGN KEY...).
      lastConstraintName = null
      continue
    }
    if (ch === ',') lastConstraintName = null
    i++
  }
  return out
}

/** The WHERE clause of a partial index, from its CREATE INDEX text. */
export function parsePartialWhere(createIndexSql: string | null): string | null {
  if (!createIndexSql) return null
  const m = /\bWHERE\b([\s\S]*)$/i.exec(createIndexSql)
  return m ? m[1].trim() : null
}
