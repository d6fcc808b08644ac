import { AppError } from '../../src-shared/errors'
import type { Driver } from '../db/driver'
import type { Proposal, ProposedTable } from './decompose'
import { plural } from '../orm/naming'

export interface ApplySource {
  schema: string | null
  name: string
  /** Column name to the engine's type, for the new tables' columns. */
  types: Map<string, string>
}

export interface ApplyOptions {
  /** Replace the original table by a view of the same name that joins the new tables. */
  keepView: boolean
}

export interface ApplyResult {
  /** The tables created, in creation order (referenced tables first). */
  tables: { name: string; rows: number }[]
  view: string | null
  /** Distinct rows of the original, and rows the join of the new tables gives back. */
  originalRows: number
  joinedRows: number
  /** Every statement run, in order, for the log. */
  statements: string[]
}

/**
 * Applies a proposal in one transaction: create the tables with keys and foreign keys, move the
 * rows, check that joining the new tables gives back exactly the original rows (both ways), then
 * drop the original (or replace it with a view). Anything failing rolls back all of it.
 */
export async function applyProposal(d: Driver, src: ApplySource, p: Proposal, opts: ApplyOptions): Promise<ApplyResult> {
  const dl = d.dialect
  const q = (n: string) => dl.quoteIdent(n)
  const qt = (n: string) => dl.qualify(src.schema, n)
  const schema = await dl.introspect(d)
  const here = schema.tables.filter((t) => (t.schema ?? null) === (src.schema ?? null) || src.schema === null)
  const original = here.find((t) => t.name === src.name)
  if (!original) throw new AppError('NOT_FOUND', `No table ${src.name}`)
  const referencing = schema.tables.filter((t) => t.name !== src.name && t.foreignKeys.some((f) => f.refTable === src.name))
  if (referencing.length) {
    throw new AppError('UNSUPPORTED', `${referencing.map((t) => t.name).join(', ')} ${referencing.length > 1 ? 'have foreign keys' : 'has a foreign key'} to ${src.name}: point ${referencing.length > 1 ? 'them' : 'it'} at the new tables first`)
  }

  // Final names: a part named after the original takes a name of its own when the original becomes a view.
  const taken = new Set(here.map((t) => t.name))
  const rename = new Map<string, string>()
  for (const t of p.tables) {
    let name = t.name
    if (name === src.name && opts.keepView) {
      name = t.key.length === 1 ? plural(t.key[0].replace(/_id$/i, '')) : `${src.name}_data`
      while (taken.has(name) || p.tables.some((o) => o !== t && o.name === name)) name += '_2'
    } else if (name !== src.name && taken.has(name)) {
      throw new AppError('BAD_REQUEST', `A table named ${name} already exists: rename the proposed table`)
    }
    rename.set(t.name, name)
  }
  const final = (t: ProposedTable) => rename.get(t.name)!
  const order = [...p.tables].sort((a, b) => a.references.length - b.references.length)
  const keepsName = p.tables.some((t) => final(t) === src.name)
  const from = keepsName ? `${src.name}__before_split` : src.name
  const statements: string[] = []
  const run = async (sql: string) => {
    statements.push(sql)
    return d.query(sql)
  }
  const count = async (sql: string) => Number((await run(sql)).rows[0][0])

  const columns = p.tables.flatMap((t) => t.columns).filter((c, i, all) => all.indexOf(c) === i)
  const ordered = original.columns.map((c) => c.name).filter((c) => columns.includes(c))
  const joinSql = () => {
    const alias = new Map<string, string>()
    let sql = ''
    order.forEach((t, i) => {
      const a = `t${i}`
      const on = t.columns.filter((c) => alias.has(c)).map((c) => `(${alias.get(c)}.${q(c)} = ${a}.${q(c)} OR (${alias.get(c)}.${q(c)} IS NULL AND ${a}.${q(c)} IS NULL))`)
      sql += i === 0 ? `${qt(final(t))} ${a}` : ` JOIN ${qt(final(t))} ${a} ON ${on.length ? on.join(' AND ') : '1 = 1'}`
      for (const c of t.columns) if (!alias.has(c)) alias.set(c, a)
    })
    return `SELECT ${ordered.map((c) => `${alias.get(c)}.${q(c)}`).join(', ')} FROM ${sql}`
  }

  await run('BEGIN')
  try {
    if (keepsName) await run(`ALTER TABLE ${qt(src.name)} RENAME TO ${q(from)}`)
    for (const t of order) {
      const cols = t.columns.map((c) => `${q(c)} ${src.types.get(c) || 'TEXT'}${t.key.includes(c) ? ' NOT NULL' : ''}`)
      cols.push(`PRIMARY KEY (${t.key.map(q).join(', ')})`)
      for (const r of t.references) {
        const target = p.tables.find((x) => x.name === r.table)!
        cols.push(`FOREIGN KEY (${r.columns.map(q).join(', ')}) REFERENCES ${qt(final(target))} (${r.columns.map(q).join(', ')})`)
      }
      await run(`CREATE TABLE ${qt(final(t))} (\n  ${cols.join(',\n  ')}\n)`)
    }
    const tables: ApplyResult['tables'] = []
    for (const t of order) {
      const list = t.columns.map(q).join(', ')
      await run(`INSERT INTO ${qt(final(t))} (${list}) SELECT DISTINCT ${list} FROM ${qt(from)}`)
      tables.push({ name: final(t), rows: await count(`SELECT count(*) FROM ${qt(final(t))}`) })
    }
    const list = ordered.map(q).join(', ')
    const originalRows = await count(`SELECT count(*) FROM (SELECT DISTINCT ${list} FROM ${qt(from)}) o`)
    const joinedRows = await count(`SELECT count(*) FROM (${joinSql()}) j`)
    const missing = await count(`SELECT count(*) FROM (SELECT ${list} FROM ${qt(from)} EXCEPT ${joinSql()}) m`)
    const invented = await count(`SELECT count(*) FROM (${joinSql()} EXCEPT SELECT ${list} FROM ${qt(from)}) x`)
    if (missing || invented || joinedRows !== originalRows) {
      throw new AppError('CONSTRAINT_VIOLATION', `The new tables do not join back to the original: ${missing} rows missing, ${invented} rows invented (${joinedRows} joined vs ${originalRows} original). Nothing was changed.`, { missing, invented })
    }
    await run(`DROP TABLE ${qt(from)}`)
    if (opts.keepView) await run(`CREATE VIEW ${qt(src.name)} AS ${joinSql()}`)
    await run('COMMIT')
    return { tables, view: opts.keepView ? src.name : null, originalRows, joinedRows, statements }
  } catch (e) {
    await d.query('ROLLBACK').catch(() => undefined)
    throw e
  }
}
