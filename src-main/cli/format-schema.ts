import type { DatabaseSchema, Table } from '../../src-shared/schema'
import { primaryKeyColumns, tableKey } from '../../src-shared/schema'

/** A readable listing of a schema, one block per table. */
export function formatSchema(s: DatabaseSchema): string {
  const out: string[] = [
    `${s.engine} database ${s.database}: ${s.tables.filter((t) => t.kind === 'table').length} tables, ${s.tables.filter((t) => t.kind === 'view').length} views`,
    '',
  ]
  for (const t of s.tables) out.push(...formatTable(t), '')
  return out.join('\n')
}

function formatTable(t: Table): string[] {
  const lines = [`${t.kind === 'view' ? 'view' : 'table'} ${tableKey(t)}`]
  const width = Math.max(4, ...t.columns.map((c) => c.name.length))
  for (const c of t.columns) {
    const flags = [
      c.primaryKey ? 'PK' : '',
      c.autoincrement ? 'AUTO' : '',
      c.unique ? 'UNIQUE' : '',
      c.nullable ? '' : 'NOT NULL',
      c.serverDefault != null ? `DEFAULT ${c.serverDefault}` : '',
    ].filter(Boolean)
    lines.push(`  ${c.name.padEnd(width)}  ${c.nativeType || '(none)'}${flags.length ? `  ${flags.join(' ')}` : ''}`)
  }
  const pk = primaryKeyColumns(t)
  if (pk.length > 1) lines.push(`  primary key (${pk.join(', ')})`)
  for (const fk of t.foreignKeys)
    lines.push(
      `  foreign key (${fk.columns.join(', ')}) -> ${fk.refTable} (${fk.refColumns.join(', ')}) on delete ${fk.onDelete} on update ${fk.onUpdate}`,
    )
  for (const u of t.uniques) lines.push(`  unique (${u.columns.join(', ')})`)
  for (const c of t.checks) lines.push(`  check ${c.name ? `${c.name} ` : ''}(${c.expression})`)
  for (const i of t.indexes)
    lines.push(
      `  ${i.unique ? 'unique ' : ''}index ${i.name} (${i.columns.join(', ')})${i.where ? ` where ${i.where}` : ''}`,
    )
  return lines
}
