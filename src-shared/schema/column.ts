import { z } from 'zod'

/**
 * Dialect-neutral column types. Each dialect maps these to and from its native types;
 * `nativeType` on the column keeps what the engine reported so nothing is lost.
 */
export const NEUTRAL_TYPES = [
  'integer',
  'bigint',
  'smallint',
  'real',
  'double',
  'numeric',
  'boolean',
  'text',
  'varchar',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'json',
  'uuid',
  'blob',
  'unknown',
] as const
export type NeutralType = (typeof NEUTRAL_TYPES)[number]

export const columnSchema = z.object({
  name: z.string(),
  type: z.enum(NEUTRAL_TYPES),
  /** The engine's own spelling of the type, e.g. `character varying(40)` or `INTEGER`. */
  nativeType: z.string(),
  /** Length for varchar, precision for numeric. */
  length: z.number().int().optional(),
  scale: z.number().int().optional(),
  nullable: z.boolean(),
  /** SQL expression the database applies (SQLAlchemy's `server_default`). */
  serverDefault: z.string().nullable(),
  /** Value the application applies on insert (SQLAlchemy's `default`); never introspected. */
  appDefault: z.unknown().optional(),
  autoincrement: z.boolean(),
  /** 1-based position in the primary key, or 0 when the column is not part of it. */
  primaryKey: z.number().int().nonnegative(),
  /** A single-column UNIQUE constraint on this column. */
  unique: z.boolean(),
  comment: z.string().optional(),
  /**
   * SQL the database stores on every UPDATE of the row (SQLAlchemy's `onupdate=func.now()`),
   * read back from the touch trigger Schemist creates for it (`<table>_<column>_touch`).
   */
  onUpdate: z.string().optional(),
})
export type Column = z.infer<typeof columnSchema>

/** How a column's type reads in the designer, the diagram and DBML: `varchar(40)`, `numeric(10,2)`, or the engine's own name. */
export function typeLabel(c: Pick<Column, 'type' | 'nativeType' | 'length' | 'scale'>): string {
  if (c.type === 'unknown') return c.nativeType || '?'
  return c.length != null ? `${c.type}(${c.length}${c.scale != null ? `,${c.scale}` : ''})` : c.type
}
