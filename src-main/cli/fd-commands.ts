import { readFile } from 'node:fs/promises'
import { parseCsv } from '../../src-shared/csv'
import { AppError } from '../../src-shared/errors'
import type { Cell } from '../../src-shared/values'
import { openDriver } from '../db/open-driver'
import { diagnose, discover } from '../normalize/diagnose'
import { parseConnectionArg } from './connection-arg'

/** Rows of a CSV file (header first), or of a table on a connection, with its declared key. */
export async function loadSource(source: string, connection: string | undefined): Promise<{ columns: string[]; rows: Cell[][]; key: string[] | null; name: string }> {
  if (/\.(csv|tsv)$/i.test(source)) {
    const text = await readFile(source, 'utf8').catch(() => {
      throw new AppError('FILE_NOT_FOUND', `No such file: ${source}`)
    })
    const all = parseCsv(text, /\.tsv$/i.test(source) ? '\t' : ',').filter((r) => !(r.length === 1 && r[0] === ''))
    const [columns, ...rows] = all
    return { columns, rows: rows.map((r) => r.map((v) => (v === '' ? null : v))), key: null, name: source }
  }
  if (!connection) throw new AppError('BAD_REQUEST', 'Give --connection <sqlite file | postgres url> for a table, or a .csv file')
  const d = await openDriver(parseConnectionArg(connection))
  try {
    const schema = await d.dialect.introspect(d)
    const t = schema.tables.find((x) => x.name === source || `${x.schema}.${x.name}` === source)
    if (!t) throw new AppError('NOT_FOUND', `No table ${source}`)
    const r = await d.query(`SELECT * FROM ${d.dialect.qualify(t.schema, t.name)}`)
    const key = t.columns.filter((c) => c.primaryKey > 0).sort((a, b) => a.primaryKey - b.primaryKey).map((c) => c.name)
    return { columns: t.columns.map((c) => c.name), rows: r.rows, key: key.length ? key : null, name: t.name }
  } finally {
    await d.close()
  }
}

export async function fdCommand(source: string, flags: Map<string, string | true>, out: (s: string) => void): Promise<void> {
  const src = await loadSource(source, flags.get('connection') as string | undefined)
  const found = discover(src.columns, src.rows, { nullsEqual: !flags.has('nulls-distinct'), maxError: flags.has('max-error') ? Number(flags.get('max-error')) : 0 })
  if (flags.has('json')) {
    out(JSON.stringify(found, null, 2))
    return
  }
  out(`${src.name}: ${src.rows.length} rows, ${src.columns.length} columns; ${found.fds.length} minimal dependencies`)
  for (const f of found.fds) out(`  ${f.lhs.join(', ') || '∅'} -> ${f.rhs}${f.error ? `  (approximate: ${(f.error * 100).toFixed(1)}% of rows disagree)` : ''}  [${f.support} supporting rows]`)
  out(`keys: ${found.keys.map((k) => `(${k.join(', ')})`).join(', ')}`)
}

export async function normalizeCommand(source: string, flags: Map<string, string | true>, out: (s: string) => void): Promise<void> {
  const src = await loadSource(source, flags.get('connection') as string | undefined)
  const found = discover(src.columns, src.rows)
  const d = diagnose(src.columns, src.rows, found.fds, src.key)
  if (flags.has('json')) {
    out(JSON.stringify({ discovery: found, diagnosis: d }, null, 2))
    return
  }
  out(`${src.name}: ${d.normalForm}`)
  out(`key (${d.keySource}): ${d.keys.map((k) => `(${k.join(', ')})`).join(', ')}`)
  for (const p of d.oneNf) out(`  1NF: ${p.explanation}`)
  for (const v of d.violations) out(`  ${v.form}: ${v.explanation}`)
  for (const n of d.notes) out(`  note: ${n}`)
  if (flags.has('to')) out('Proposals (the split and its SQL) are not implemented yet: this prints the diagnosis.')
}
