/**
 * What a statement does, in a form both SQLAlchemy's SQL and Schemist's compare in: the verb, the
 * table, the columns set or matched, and the values, without quoting, table qualifiers, aliases,
 * RETURNING, or how rows were batched (a multi-row INSERT counts as one INSERT per row).
 * Transaction control (BEGIN, COMMIT, SAVEPOINT ...) is left out: it is compared separately.
 */
export function signatures(sql: string, params: unknown[]): string[] {
  const s = sql.replace(/"/g, '').replace(/\s+/g, ' ').trim()
  const up = s.toUpperCase()
  if (/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA)\b/.test(up)) return []
  const val = (v: unknown) => JSON.stringify(v === undefined ? null : v)
  let m = /^INSERT INTO (\w+) \(([^)]*)\) VALUES (.*?)( RETURNING .*)?$/i.exec(s)
  if (m) {
    const cols = m[2].split(',').map((c) => c.trim())
    const rows = Math.max(1, Math.round(params.length / Math.max(1, cols.length)))
    const out: string[] = []
    for (let r = 0; r < rows; r++) {
      const pairs = cols.map((c, k) => [c, val(params[r * cols.length + k])]).sort((a, b) => a[0].localeCompare(b[0]))
      out.push(`INSERT ${m[1]} (${pairs.map((p) => p[0]).join(', ')}) = (${pairs.map((p) => p[1]).join(', ')})`)
    }
    return out
  }
  m = /^UPDATE (\w+) SET (.*?) WHERE (.*)$/i.exec(s)
  if (m) {
    const sets = m[2].split(',').map((x) =>
      x
        .split('=')[0]
        .trim()
        .replace(/^\w+\./, ''),
    )
    const setVals = sets.map((_, k) => val(params[k]))
    const where = whereColumns(m[3])
    const pairs = sets.map((c, k) => [c, setVals[k]]).sort((a, b) => a[0].localeCompare(b[0]))
    return [
      `UPDATE ${m[1]} SET ${pairs.map((p) => `${p[0]}=${p[1]}`).join(', ')} WHERE ${where.join(', ')} = ${params.slice(sets.length).map(val).join(', ')}`,
    ]
  }
  m = /^DELETE FROM (\w+) WHERE (.*)$/i.exec(s)
  if (m) return [`DELETE ${m[1]} WHERE ${whereColumns(m[2]).join(', ')} = ${params.map(val).join(', ')}`]
  m = /^SELECT .*? FROM (\w+)(?: AS \w+)?(.*)$/i.exec(s)
  if (m) {
    const where = /\bWHERE (.*?)(?: ORDER BY | LIMIT |$)/i.exec(m[2])
    return [
      `SELECT ${m[1]}${where ? ` WHERE ${whereColumns(where[1]).join(', ')}` : ''} = ${params.map(val).sort().join(', ')}`,
    ]
  }
  return [s]
}

/** The columns a WHERE clause compares, qualifiers dropped, sorted. */
function whereColumns(where: string): string[] {
  const cols = new Set<string>()
  for (const x of where.matchAll(/(?:\w+\.)?(\w+)\s*(?:=|IN\b|IS\b)/gi))
    if (!/^\d+$/.test(x[1])) cols.add(x[1].toLowerCase())
  for (const x of where.matchAll(/\?\s*=\s*(?:\w+\.)?(\w+)/gi)) cols.add(x[1].toLowerCase())
  for (const x of where.matchAll(/\$\d+\s*=\s*(?:\w+\.)?(\w+)/gi)) cols.add(x[1].toLowerCase())
  return [...cols].sort()
}
