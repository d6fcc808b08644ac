import { z } from 'zod'
import { exprSchema } from './expr'
import { cellSchema } from './values'
import { sessionSnapshotSchema } from './orm'

/** What the data grid asks for: one table, a sort, a filter, and where to start reading. */
export const sortKeySchema = z.object({ column: z.string(), desc: z.boolean().default(false) })
export type SortKey = z.infer<typeof sortKeySchema>

export const tableRefSchema = z.object({ schema: z.string().nullable(), name: z.string() })
export type TableRef = z.infer<typeof tableRefSchema>

export const viewSpecSchema = z.object({
  table: tableRefSchema,
  sort: z.array(sortKeySchema).default([]),
  filter: exprSchema.nullable().default(null),
  /** The user's own WHERE text, ANDed with the filter. */
  where: z.string().default(''),
})
export type ViewSpec = z.infer<typeof viewSpecSchema>

/** A position in the ordered rows: the sort-key values (then the row key) of one row. */
export const cursorSchema = z.array(cellSchema)
export type Cursor = z.infer<typeof cursorSchema>

export const pageRequestSchema = viewSpecSchema.extend({
  handle: z.string(),
  /** Read rows after this cursor, before it, from the start, or from the end. */
  after: cursorSchema.nullable().default(null),
  before: cursorSchema.nullable().default(null),
  fromEnd: z.boolean().default(false),
  limit: z.number().int().min(1).max(5000).default(200),
})

export const pageSchema = z.object({
  columns: z.array(z.string()),
  /** Row key column names (primary key, or SQLite's rowid), in the order of `keys`. */
  keyColumns: z.array(z.string()),
  rows: z.array(z.array(cellSchema)),
  /** Cursors of the first and last rows (sort values, then key values), to read on from. */
  firstCursor: cursorSchema.nullable(),
  lastCursor: cursorSchema.nullable(),
  /** Per row: its key values. */
  keys: z.array(z.array(cellSchema)),
  /** True when there are no rows beyond this page in the direction read. */
  atEdge: z.boolean(),
  sql: z.string(),
  durationMs: z.number(),
})
export type Page = z.infer<typeof pageSchema>

export const countSchema = z.object({ count: z.number(), exact: z.boolean() })

/** One pending edit of the grid, by row key. */
export const rowEditSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('update'),
    id: z.string(),
    key: z.array(cellSchema),
    values: z.record(z.string(), cellSchema),
    /** Columns put back to their default (UPDATE ... SET c = DEFAULT, or its default expression). */
    defaults: z.array(z.string()).optional(),
  }),
  z.object({ kind: z.literal('insert'), id: z.string(), values: z.record(z.string(), cellSchema) }),
  z.object({ kind: z.literal('delete'), id: z.string(), key: z.array(cellSchema) }),
])
export type RowEdit = z.infer<typeof rowEditSchema>

export const applyEditsResultSchema = z.object({
  ok: z.boolean(),
  sql: z.array(z.object({ sql: z.string(), params: z.array(z.unknown()), executions: z.number() })),
  /** When it failed: the database's message and the edit it belongs to. */
  error: z
    .object({
      code: z.string(),
      message: z.string(),
      editId: z.string().nullable(),
      /** For a lock that could not be had: who holds it (the app's own connections can be rolled back). */
      holders: z
        .array(
          z.object({
            id: z.string().nullable(),
            label: z.string(),
            since: z.number().nullable(),
            lastStatement: z.string(),
          }),
        )
        .optional(),
      /** COMMIT_UNKNOWN: the transaction whose COMMIT was cut off, to ask later (data.commitStatus) whether it took. */
      xid: z.string().optional(),
    })
    .nullable(),
  /** The session that ran the edits: its objects before the flush (or after a commit) and every statement it sent. */
  session: sessionSnapshotSchema.optional(),
})
export type ApplyEditsResult = z.infer<typeof applyEditsResultSchema>
