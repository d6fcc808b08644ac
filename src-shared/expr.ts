import { z } from 'zod'
import { cellSchema, type Cell } from './values'

/**
 * A WHERE condition as data: built by the ORM's query API and by the grid's filter builder, and
 * compiled to parameterized SQL in main (values never become SQL text). `raw` carries the
 * user's own SQL, for the raw WHERE box; it is the only way SQL text enters a condition.
 */
export const COMPARISONS = ['=', '!=', '<', '<=', '>', '>=', 'like', 'not like', 'ilike'] as const
export type Comparison = (typeof COMPARISONS)[number]

export type Expr =
  | { op: 'and' | 'or'; args: Expr[] }
  | { op: 'not'; arg: Expr }
  | { op: 'cmp'; column: string; cmp: Comparison; value: Cell }
  | { op: 'null'; column: string; negate?: boolean }
  | { op: 'in'; column: string; values: Cell[]; negate?: boolean }
  | { op: 'raw'; sql: string }

export const exprSchema: z.ZodType<Expr> = z.lazy(() =>
  z.union([
    z.object({ op: z.enum(['and', 'or']), args: z.array(exprSchema) }),
    z.object({ op: z.literal('not'), arg: exprSchema }),
    z.object({ op: z.literal('cmp'), column: z.string(), cmp: z.enum(COMPARISONS), value: cellSchema }),
    z.object({ op: z.literal('null'), column: z.string(), negate: z.boolean().optional() }),
    z.object({ op: z.literal('in'), column: z.string(), values: z.array(cellSchema), negate: z.boolean().optional() }),
    z.object({ op: z.literal('raw'), sql: z.string() }),
  ]),
)

/** Builders, so conditions read like SQLAlchemy's `User.name == 'x'`. */
export const col = (column: string) => ({
  eq: (value: Cell): Expr => ({ op: 'cmp', column, cmp: '=', value }),
  ne: (value: Cell): Expr => ({ op: 'cmp', column, cmp: '!=', value }),
  lt: (value: Cell): Expr => ({ op: 'cmp', column, cmp: '<', value }),
  le: (value: Cell): Expr => ({ op: 'cmp', column, cmp: '<=', value }),
  gt: (value: Cell): Expr => ({ op: 'cmp', column, cmp: '>', value }),
  ge: (value: Cell): Expr => ({ op: 'cmp', column, cmp: '>=', value }),
  like: (pattern: string): Expr => ({ op: 'cmp', column, cmp: 'like', value: pattern }),
  in: (values: Cell[]): Expr => ({ op: 'in', column, values }),
  notIn: (values: Cell[]): Expr => ({ op: 'in', column, values, negate: true }),
  isNull: (): Expr => ({ op: 'null', column }),
  isNotNull: (): Expr => ({ op: 'null', column, negate: true }),
})
export const and = (...args: Expr[]): Expr => ({ op: 'and', args })
export const or = (...args: Expr[]): Expr => ({ op: 'or', args })
export const not = (arg: Expr): Expr => ({ op: 'not', arg })
export const rawWhere = (sql: string): Expr => ({ op: 'raw', sql })
