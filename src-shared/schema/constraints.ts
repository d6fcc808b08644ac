import { z } from 'zod'

export const REFERENTIAL_ACTIONS = ['NO ACTION', 'RESTRICT', 'CASCADE', 'SET NULL', 'SET DEFAULT'] as const
export type ReferentialAction = (typeof REFERENTIAL_ACTIONS)[number]

export const foreignKeySchema = z.object({
  name: z.string().nullable(),
  columns: z.array(z.string()).min(1),
  refSchema: z.string().nullable(),
  refTable: z.string(),
  refColumns: z.array(z.string()).min(1),
  onDelete: z.enum(REFERENTIAL_ACTIONS),
  onUpdate: z.enum(REFERENTIAL_ACTIONS),
})
export type ForeignKey = z.infer<typeof foreignKeySchema>

/** A multi-column UNIQUE constraint (single-column ones are flagged on the column). */
export const uniqueConstraintSchema = z.object({
  name: z.string().nullable(),
  columns: z.array(z.string()).min(1),
})
export type UniqueConstraint = z.infer<typeof uniqueConstraintSchema>

export const checkConstraintSchema = z.object({
  name: z.string().nullable(),
  expression: z.string(),
})
export type CheckConstraint = z.infer<typeof checkConstraintSchema>

/** A plain index; indexes that only back a PRIMARY KEY or UNIQUE constraint are not listed. */
export const indexSchema = z.object({
  name: z.string(),
  columns: z.array(z.string()),
  unique: z.boolean(),
  /** Partial index predicate, when there is one. */
  where: z.string().nullable(),
})
export type Index = z.infer<typeof indexSchema>
