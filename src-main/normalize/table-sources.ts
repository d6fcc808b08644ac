import { readFile } from 'node:fs/promises'
import { AppError } from '../../src-shared/errors'
import { readCsv } from '../data/csv-reader'
import { primaryKeyColumns } from '../../src-shared/schema'
import { type Analysis, type CsvReading } from '../../src-shared/normalize'
import type { Cell } from '../../src-shared/values'
import type { Driver } from '../db/driver'

/* Where a table to normalize comes from: a database table (whole, or sampled), or a CSV file. */

/** Tables above this are not read whole: discovery runs on a random sample, verified by the database. */
export const MAX_ROWS = 200_000

/** Rows in that sample. */
export const SAMPLE_ROWS = 50_000

export const PREVIEW_ROWS = 20

export interface LoadedTable {
  schema: string | null
  name: string
  columns: string[]
  rows: Cell[][]
  key: string[] | null
  types: Map<string, string>
  from: string
  /** Every table and view name in the database, to keep new names clear of them. */
  existing: string[]
  /** Rows in the whole table, when `rows` is a random sample of it. */
  sampledFrom: number | null
  /** For a CSV file, how it was read. */
  csvRead?: NonNullable<Analysis['csvRead']>
}

/** A table read whole, with its declared key and types; `name` may also be written `schema.name`. */
export async function loadTable(
  d: Driver,
  ref: { schema: string | null; name: string },
  limits: { sampleAbove?: number; sampleRows?: number } = {},
): Promise<LoadedTable> {
  const above = limits.sampleAbove ?? MAX_ROWS
  const size = limits.sampleRows ?? SAMPLE_ROWS
  const schema = await d.dialect.introspect(d)
  const t = schema.tables.find(
    (x) =>
      (x.name === ref.name && (ref.schema === null || x.schema === ref.schema)) ||
      (ref.schema === null && `${x.schema}.${x.name}` === ref.name),
  )
  if (!t) throw new AppError('NOT_FOUND', `No table ${ref.name}`)
  const from = d.dialect.qualify(t.schema, t.name)
  const n = Number((await d.query(`SELECT count(*) FROM ${from}`)).rows[0][0])
  const cols = t.columns.map((c) => d.dialect.quoteIdent(c.name)).join(', ')
  // Too big to read whole: a uniform random sample, whose findings the database then checks.
  const r = await d.query(
    n > above
      ? `SELECT ${cols} FROM ${from} ORDER BY ${d.dialect.randomFunction} LIMIT ${Math.floor(size)}`
      : `SELECT ${cols} FROM ${from}`,
  )
  const key = primaryKeyColumns(t)
  return {
    schema: t.schema,
    name: t.name,
    columns: t.columns.map((c) => c.name),
    rows: r.rows,
    key: key.length ? key : null,
    types: new Map(t.columns.map((c) => [c.name, c.nativeType])),
    from,
    existing: schema.tables.map((x) => x.name),
    sampledFrom: n > above ? n : null,
  }
}

/** The separator the first line uses most, outside quotes: comma, semicolon, tab or bar. */
export function guessSeparator(text: string): string {
  const line = text.slice(0, text.search(/\r?\n|$/)).replace(/"[^"]*"/g, '')
  let best = ','
  let most = 0
  for (const c of [',', ';', '\t', '|']) {
    const n = line.split(c).length - 1
    if (n > most) ((best = c), (most = n))
  }
  return best
}

/** A first line of names: none empty, none repeated, and none a number (a number is data, as in the benchmark files). */
export function looksLikeHeader(first: string[]): boolean {
  return first.every((v) => v.trim() !== '' && typeof csvCell(v) !== 'number') && new Set(first).size === first.length
}

/**
 * A CSV (or TSV) file as a source: the first line names the columns unless told otherwise or it
 * looks like data (then they are column1..N), empty cells are NULL, and numbers are numbers where
 * the text is the number's own spelling (so `1.50` and `1.5` stay two values, as they are two
 * values in the file). It has no declared key and no database, so it can be analyzed and split
 * on paper, not applied.
 */
export async function loadCsv(path: string, options: CsvReading = {}): Promise<LoadedTable> {
  const bytes = await readFile(path).catch(() => {
    throw new AppError('FILE_NOT_FOUND', `No such file: ${path}`)
  })
  const head = bytes.subarray(0, 64 * 1024).toString('utf8')
  const separator = options.separator ?? (/\.tsv$/i.test(path) ? '\t' : guessSeparator(head))
  if (separator.length !== 1)
    throw new AppError('BAD_REQUEST', `The separator must be one character, not "${separator}"`)
  // Read strictly (csv-parse; a broken quote or a byte that is not UTF-8 is an error, not data).
  const all: string[][] = []
  for await (const r of readCsv({ path, delimiter: separator })) all.push(r.fields)
  if (all.length === 0)
    throw new AppError(
      'BAD_REQUEST',
      `${path} is empty: a CSV source needs ${options.header === false ? 'rows' : 'a header line and rows'}`,
    )
  const header = options.header ?? looksLikeHeader(all[0])
  const columns = header ? all[0] : all[0].map((_, i) => `column${i + 1}`)
  const body = header ? all.slice(1) : all
  if (new Set(columns).size !== columns.length)
    throw new AppError('BAD_REQUEST', `${path}: the header names a column twice`)
  const bad = body.findIndex((r) => r.length !== columns.length)
  if (bad >= 0)
    throw new AppError(
      'BAD_REQUEST',
      `${path}, line ${bad + (header ? 2 : 1)}: ${body[bad].length} values for ${columns.length} columns`,
    )
  const name = path.replace(/^.*[\\/]/, '').replace(/\.(csv|tsv|txt|data)$/i, '')
  return {
    schema: null,
    name,
    columns,
    rows: body.map((r) => r.map(csvCell)),
    key: null,
    types: new Map(),
    from: '',
    existing: [],
    sampledFrom: null,
    csvRead: { header, separator },
  }
}

/** A CSV value: NULL when empty, a number when the text is exactly how that number is written. */
export function csvCell(v: string): Cell {
  if (v === '') return null
  if (!/^-?\d/.test(v)) return v
  const n = Number(v)
  return Number.isFinite(n) && String(n) === v ? n : v
}
