import type { ModelDocument } from '../../src-shared/model/document'
import { isUniqueKey, primaryKeyColumns, typeLabel } from '../../src-shared/schema'

const ident = (n: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(n) ? n : `"${n.replaceAll('"', '\\"')}"`)
const str = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`

/** `col IN ('a', 'b')` on one of the table's columns: the values, or null for any other check. */
export function enumCheck(expression: string, columns: readonly string[]): { column: string; values: string[] } | null {
  const m =
    /^\s*\(?\s*(?:"((?:[^"]|"")+)"|([A-Za-z_][A-Za-z0-9_]*))\s+IN\s*\(((?:\s*'(?:[^']|'')*'\s*,)*\s*'(?:[^']|'')*'\s*)\)\s*\)?\s*$/i.exec(
      expression,
    )
  if (!m) return null
  const column = m[1] !== undefined ? m[1].replaceAll('""', '"') : m[2]
  if (!columns.includes(column)) return null
  const values = [...m[3].matchAll(/'((?:[^']|'')*)'/g)].map((v) => v[1].replaceAll("''", "'"))
  return { column, values }
}

/**
 * The model in DBML (dbdiagram.io's language): tables, settings per column, indexes, and refs. A
 * CHECK (column IN ('a', 'b')), which is how an imported enum is kept, is written as an Enum again.
 */
export function exportDbml(doc: ModelDocument): string {
  const out: string[] = [`// ${doc.name}, exported by Schemist`, '']
  const full = (schema: string | null, name: string) => (schema ? `${ident(schema)}.${ident(name)}` : ident(name))
  const enums = new Map<string, string[]>()
  const enumOf = new Map<string, string>()
  const enumChecks = new Set<object>()
  for (const t of doc.tables)
    for (const k of t.checks) {
      const e = enumCheck(
        k.expression,
        t.columns.filter((c) => c.type === 'text' || c.type === 'varchar').map((c) => c.name),
      )
      const col = e && t.columns.find((c) => c.name === e.column)
      // An enum comes back as a varchar as long as its longest value: any other length stays a varchar with its check.
      if (!e || (col!.type === 'varchar' ? col!.length !== Math.max(...e.values.map((v) => v.length)) : true)) continue
      enumChecks.add(k)
      // Named after the column, as dbdiagram files usually are; a clash with other values takes the table's name too.
      let name = e.column
      if (enums.has(name) && enums.get(name)!.join('\u0000') !== e.values.join('\u0000')) name = `${t.name}_${e.column}`
      enums.set(name, e.values)
      enumOf.set(`${t.id}\u0000${e.column}`, name)
    }
  for (const [name, values] of enums) out.push(`Enum ${ident(name)} {`, ...values.map((v) => `  ${ident(v)}`), '}', '')
  for (const t of doc.tables) {
    const pk = primaryKeyColumns(t)
    out.push(`Table ${full(t.schema, t.name)} {`)
    for (const c of t.columns) {
      const settings: string[] = []
      if (pk.length === 1 && c.primaryKey > 0) settings.push('pk')
      if (c.autoincrement) settings.push('increment')
      if (!c.nullable && c.primaryKey === 0) settings.push('not null')
      if (c.unique) settings.push('unique')
      if (c.serverDefault != null) {
        const d = c.serverDefault.trim()
        settings.push(
          `default: ${/^-?\d+(\.\d+)?$/.test(d) ? d : /^'(.*)'$/s.test(d) ? str(d.slice(1, -1).replaceAll("''", "'")) : /^(true|false|null)$/i.test(d) ? d.toLowerCase() : `\`${d}\``}`,
        )
      }
      if (c.comment) settings.push(`note: ${str(c.comment)}`)
      const enumName = enumOf.get(`${t.id}\u0000${c.name}`)
      const type =
        enumName !== undefined ? ident(enumName) : c.type === 'unknown' && !c.nativeType ? 'text' : typeLabel(c)
      out.push(
        `  ${ident(c.name)} ${enumName !== undefined || /^[A-Za-z_][A-Za-z0-9_(),]*$/.test(type) ? type : `"${type}"`}${settings.length ? ` [${settings.join(', ')}]` : ''}`,
      )
    }
    const indexes = [
      ...(pk.length > 1 ? [`(${pk.map(ident).join(', ')}) [pk]`] : []),
      ...t.uniques.map((u) => `(${u.columns.map(ident).join(', ')}) [unique${u.name ? `, name: ${str(u.name)}` : ''}]`),
      ...t.indexes.map(
        (i) => `(${i.columns.map(ident).join(', ')}) [${i.unique ? 'unique, ' : ''}name: ${str(i.name)}]`,
      ),
    ]
    if (indexes.length) out.push('', '  indexes {', ...indexes.map((i) => `    ${i}`), '  }')
    const checks = t.checks.filter((k) => !enumChecks.has(k))
    if (checks.length)
      out.push(
        '',
        '  checks {',
        ...checks.map(
          (k) =>
            `    \`${k.expression.replaceAll('\\', '\\\\').replaceAll('`', '\\`')}\`${k.name ? ` [name: ${str(k.name)}]` : ''}`,
        ),
        '  }',
      )
    if (t.comment) out.push('', `  Note: ${str(t.comment)}`)
    out.push('}', '')
  }
  for (const t of doc.tables)
    for (const f of t.foreignKeys) {
      const one = isUniqueKey(t, f.columns)
      const cols = (xs: string[]) => (xs.length === 1 ? ident(xs[0]) : `(${xs.map(ident).join(', ')})`)
      const settings = [
        f.onDelete !== 'NO ACTION' ? `delete: ${f.onDelete.toLowerCase()}` : '',
        f.onUpdate !== 'NO ACTION' ? `update: ${f.onUpdate.toLowerCase()}` : '',
      ].filter(Boolean)
      out.push(
        `Ref${f.name ? ` ${ident(f.name)}` : ''}: ${full(t.schema, t.name)}.${cols(f.columns)} ${one ? '-' : '>'} ${full(f.refSchema, f.refTable)}.${cols(f.refColumns)}${settings.length ? ` [${settings.join(', ')}]` : ''}`,
      )
    }
  return out.join('\n').trimEnd() + '\n'
}
