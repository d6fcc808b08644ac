import { z } from 'zod'

/** A query plan as a tree, from PostgreSQL's EXPLAIN (FORMAT JSON) or SQLite's EXPLAIN QUERY PLAN. */
export interface PlanNode {
  label: string
  details: string[]
  /** The planner's row estimate. */
  estimatedRows: number | null
  /** Measured by EXPLAIN ANALYZE: rows per loop, loops, and total time in ms. */
  actualRows: number | null
  loops: number | null
  timeMs: number | null
  children: PlanNode[]
}

export const planNodeSchema: z.ZodType<PlanNode> = z.lazy(() =>
  z.object({
    label: z.string(),
    details: z.array(z.string()),
    estimatedRows: z.number().nullable(),
    actualRows: z.number().nullable(),
    loops: z.number().nullable(),
    timeMs: z.number().nullable(),
    children: z.array(planNodeSchema),
  }),
)

export const explainResultSchema = z.object({
  root: planNodeSchema,
  analyzed: z.boolean(),
  /** Planning and execution time (PostgreSQL with ANALYZE). */
  planningMs: z.number().nullable(),
  executionMs: z.number().nullable(),
  note: z.string().nullable(),
})
export type ExplainResult = z.infer<typeof explainResultSchema>

export const historyEntrySchema = z.object({
  sql: z.string(),
  at: z.number(),
  durationMs: z.number(),
  rows: z.number(),
  error: z.string().nullable(),
})
export type HistoryEntry = z.infer<typeof historyEntrySchema>
