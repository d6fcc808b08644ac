import type { ModelDocument } from '../../src-shared/model/document'
import { isUniqueKey, primaryKeyColumns, typeLabel } from '../../src-shared/schema'

const ident = (n: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(n) ? n : `"${n.replaceAll('"', '\\"')}"`)
const str = (s: string) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`

/** The model in DBML (dbdiagram.io's language): tables, settings per column, indexes, and refs. */
export function exportDbml(doc: ModelDocument): string {
  const out: string[] = [`// ${doc.name}, exported by Schemist`, '']
  const full = (schema: string | null, name: string) => (schema ? `${ident(schema)}.${ident(name)}` : ident(name))
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
        settings.push(`default: ${/^-?\d+(\.\d+)?$/.test(d) ? d : /^'(.*)'$/s.test(d) ? str(d.slice(1, -1).replaceAll("''", "'")) : /^(true|false|null)$/i.test(d) ? d.toLowerCase() : `\`${d}\``}`)
      }
      if (c.comment) settings.push(`note: ${str(c.comment)}`)
      const type = c.type === 'unknown' && !c.nativeType ? 'text' : typeLabel(c)
      out.push(`  ${ident(c.name)} ${/^[A-Za-z_][A-Za-z0-9_(),]*$/.test(type) ? type : `"${type}"`}${settings.length ? ` [${settings.join(', ')}]` : ''}`)
    }
    const indexes = [
      ...(pk.length > 1 ? [`(${pk.map(ident).join(', ')}) [pk]`] : []),
      ...t.uniques.map((u) => `(${u.columns.map(ident).join(', ')}) [unique${u.name ? `, name: ${str(u.name)}` : ''}]`),
      ...t.indexes.map((i) => `(${i.columns.map(ident).join(', ')}) [${i.unique ? 'unique, ' : ''}name: ${str(i.name)}]`),
    ]
    if (indexes.length) out.push('', '  indexes {', ...indexes.map((i) => `    ${i}`), '  }')
    if (t.comment) out.push('', `  Note: ${str(t.comment)}`)
    out.push('}', '')
  }
  for (const t of doc.tables)
    for (const f of t.foreignKeys) {
      const one = isUniqueKey(t, f.columns)
      const cols = (xs: string[]) => (xs.length === 1 ? ident(xs[0]) : `(${xs.map(ident).join(', ')})`)
      const settings = [f.onDelete !== 'NO ACTION' ? `delete: ${f.onDelete.toLowerCase()}` : '', f.onUpdate !== 'NO ACTION' ? `update: ${f.onUpdate.toLowerCase()}` : ''].filter(Boolean)
      out.push(`Ref${f.name ? ` ${ident(f.name)}` : ''}: ${full(t.schema, t.name)}.${cols(f.columns)} ${one ? '-' : '>'} ${full(f.refSchema, f.refTable)}.${cols(f.refColumns)}${settings.length ? ` [${settings.join(', ')}]` : ''}`)
    }
  return out.join('\n').trimEnd() + '\n'
}
