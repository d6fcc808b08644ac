import { AppError } from '../../src-shared/errors'
import type { Expr } from '../../src-shared/expr'
import type { Dialect } from './dialect'

/**
 * Compiles a condition to SQL, appending its values to `params`: identifiers go through the
 * dialect's quoting and values only ever travel as parameters.
 */
export function compileExpr(e: Expr, d: Dialect, params: unknown[], qualifier?: string): string {
  const column = (name: string) => (qualifier ? `${qualifier}.${d.quoteIdent(name)}` : d.quoteIdent(name))
  const param = (v: unknown) => {
    params.push(v)
    return d.placeholder(params.length)
  }
  switch (e.op) {
    case 'and':
    case 'or':
      if (e.args.length === 0) return e.op === 'and' ? '1=1' : '1=0'
      return `(${e.args.map((a) => compileExpr(a, d, params, qualifier)).join(e.op === 'and' ? ' AND ' : ' OR ')})`
    case 'not':
      return `NOT (${compileExpr(e.arg, d, params, qualifier)})`
    case 'cmp': {
      if (e.value === null && (e.cmp === '=' || e.cmp === '!='))
        return `${column(e.column)} IS ${e.cmp === '=' ? '' : 'NOT '}NULL`
      if (e.cmp === 'ilike') return d.ilike(column(e.column), param(e.value))
      const op = e.cmp === 'like' ? 'LIKE' : e.cmp === 'not like' ? 'NOT LIKE' : e.cmp === '!=' ? '<>' : e.cmp
      return `${column(e.column)} ${op} ${param(e.value)}`
    }
    case 'null':
      return `${column(e.column)} IS ${e.negate ? 'NOT ' : ''}NULL`
    case 'in':
      if (e.values.length === 0) return e.negate ? '1=1' : '1=0'
      return `${column(e.column)} ${e.negate ? 'NOT ' : ''}IN (${e.values.map(param).join(', ')})`
    case 'raw':
      if (!e.sql.trim()) throw new AppError('BAD_REQUEST', 'The WHERE clause is empty')
      return `(${e.sql})`
  }
}
