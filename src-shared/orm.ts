import { z } from 'zod'
import { exprSchema } from './expr'
import { cellSchema } from './values'

/** The ORM session as the renderer sees it: objects by ref, the three sets, and the SQL log. */

export const LOAD_STRATEGIES = ['select', 'joined', 'selectin', 'subquery', 'raise'] as const

export const relationshipInfoSchema = z.object({
  name: z.string(),
  kind: z.enum(['many-to-one', 'one-to-many', 'one-to-one', 'many-to-many']),
  target: z.string(),
  backPopulates: z.string().nullable(),
  cascade: z.array(z.string()),
  passiveDeletes: z.union([z.boolean(), z.literal('all')]),
  lazy: z.enum(LOAD_STRATEGIES),
  secondary: z.string().nullable(),
})
export type RelationshipInfo = z.infer<typeof relationshipInfoSchema>

export const mapperInfoSchema = z.object({
  table: z.string(),
  columns: z.array(
    z.object({
      name: z.string(),
      type: z.string(),
      pk: z.boolean(),
      serverDefault: z.string().nullable(),
      nullable: z.boolean(),
    }),
  ),
  relationships: z.array(relationshipInfoSchema),
})
export type MapperInfo = z.infer<typeof mapperInfoSchema>

export const objectViewSchema = z.object({
  ref: z.number(),
  table: z.string(),
  status: z.enum(['transient', 'pending', 'persistent', 'deleted', 'detached']),
  key: z.array(cellSchema).nullable(),
  /** Column values; expired columns are left out. */
  values: z.record(z.string(), cellSchema),
  modified: z.array(z.string()),
  expired: z.array(z.string()),
  /** Loaded relationships: the refs they hold (or null for an empty scalar). */
  related: z.record(z.string(), z.union([z.array(z.number()), z.number(), z.null()])),
})
export type ObjectView = z.infer<typeof objectViewSchema>

export const sqlLogEntrySchema = z.object({
  id: z.number(),
  sql: z.string(),
  params: z.array(z.unknown()),
  executions: z.number(),
  rows: z.number(),
  durationMs: z.number(),
  at: z.number(),
  error: z.string().optional(),
})
export type SqlLogEntryView = z.infer<typeof sqlLogEntrySchema>

export const sessionSnapshotSchema = z.object({
  sessionId: z.string(),
  transaction: z.enum(['idle', 'active', 'failed']),
  objects: z.array(objectViewSchema),
  identityMap: z.array(z.number()),
  new: z.array(z.number()),
  dirty: z.array(z.number()),
  deleted: z.array(z.number()),
  log: z.array(sqlLogEntrySchema),
  options: z.object({
    autoflush: z.boolean(),
    expireOnCommit: z.boolean(),
    isolationLevel: z.string().nullable(),
    flushSavepoint: z.boolean().optional(),
  }),
})
export type SessionSnapshot = z.infer<typeof sessionSnapshotSchema>

export const ormQuerySchema = z.object({
  sessionId: z.string(),
  table: z.string(),
  where: exprSchema.optional(),
  orderBy: z.array(z.object({ column: z.string(), desc: z.boolean().default(false) })).default([]),
  limit: z.number().int().positive().max(10_000).optional(),
  loaders: z.array(z.object({ relationship: z.string(), strategy: z.enum(LOAD_STRATEGIES) })).default([]),
})

export const ormActionSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('create'), table: z.string(), values: z.record(z.string(), cellSchema) }),
  z.object({ op: z.literal('set'), ref: z.number(), column: z.string(), value: cellSchema }),
  z.object({ op: z.literal('delete'), ref: z.number() }),
  z.object({ op: z.literal('expunge'), ref: z.number() }),
  z.object({ op: z.literal('expire'), ref: z.number() }),
  z.object({ op: z.literal('refresh'), ref: z.number() }),
  z.object({ op: z.literal('link'), ref: z.number(), relationship: z.string(), target: z.number().nullable() }),
  z.object({ op: z.literal('unlink'), ref: z.number(), relationship: z.string(), target: z.number() }),
  z.object({ op: z.literal('load'), ref: z.number(), relationship: z.string() }),
  z.object({ op: z.literal('flush') }),
  z.object({ op: z.literal('commit') }),
  z.object({ op: z.literal('rollback') }),
  z.object({ op: z.literal('expireAll') }),
  /** Read every expired object (and the relationships it had loaded) again: the notes' reload on access. */
  z.object({ op: z.literal('refreshAll') }),
  z.object({ op: z.literal('clearLog') }),
  z.object({
    op: z.literal('configure'),
    relationship: z.string(),
    cascade: z.string().optional(),
    passiveDeletes: z.union([z.boolean(), z.literal('all')]).optional(),
    lazy: z.enum(LOAD_STRATEGIES).optional(),
  }),
])
export type OrmAction = z.infer<typeof ormActionSchema>
