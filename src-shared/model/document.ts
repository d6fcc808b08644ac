import { z } from 'zod'
import { columnSchema } from '../schema/column'
import { checkConstraintSchema, foreignKeySchema, indexSchema, uniqueConstraintSchema } from '../schema/constraints'
import { LOAD_STRATEGIES } from '../orm'
import { TABLE_NAMING } from '../naming'

/**
 * The designer's document: the shared schema model's tables, plus what a database does not
 * keep (ids that survive renames, positions on the canvas, SQLAlchemy options and the
 * application-side `default`). Saved as versioned JSON.
 */

export const MODEL_FORMAT = 'schemist-model'
/** 2: positions and colours moved out of the tables into `layout` (version 1 files are read and lifted). */
export const MODEL_VERSION = 2

/** ORM options of the relationship a foreign key defines, in the notes' vocabulary. */
export const relationshipOptionsSchema = z.object({
  /** Attribute on the referencing class (`Post.user`); null for none. */
  name: z.string().nullable(),
  /** Attribute on the referenced class (`User.posts`, or `User.profile` for one-to-one); null for none. */
  backPopulates: z.string().nullable(),
  /** `cascade=` on the referenced side's collection, e.g. ['all', 'delete-orphan']. */
  cascade: z.array(z.string()),
  passiveDeletes: z.boolean(),
  lazy: z.enum(LOAD_STRATEGIES),
})
export type RelationshipOptions = z.infer<typeof relationshipOptionsSchema>

export const modelColumnSchema = columnSchema.extend({
  id: z.string(),
  /** The column's name in the database when the model last read it or was applied: a rename is a rename, not a drop and an add. */
  was: z.string().optional(),
})
export type ModelColumn = z.infer<typeof modelColumnSchema>

export const modelForeignKeySchema = foreignKeySchema.extend({
  id: z.string(),
  orm: relationshipOptionsSchema.optional(),
})
export type ModelForeignKey = z.infer<typeof modelForeignKeySchema>

/** The many-to-many relationship an association table (the notes' `city_user`) carries. */
export const associationSchema = z.object({
  /** Attribute names on the two sides, in the order of the table's two foreign keys. */
  names: z.tuple([z.string(), z.string()]),
  lazy: z.enum(LOAD_STRATEGIES),
})

export const modelTableSchema = z.object({
  id: z.string(),
  /** PostgreSQL schema; null for the default (public, or SQLite's main). */
  schema: z.string().nullable(),
  name: z.string(),
  /** The mapped class (`User`); the table name follows from it by the document's naming rule unless set by hand. */
  className: z.string(),
  /** The table name was typed by the user rather than derived from the class name. */
  nameLocked: z.boolean().default(false),
  columns: z.array(modelColumnSchema),
  primaryKeyName: z.string().nullable(),
  foreignKeys: z.array(modelForeignKeySchema),
  uniques: z.array(uniqueConstraintSchema),
  checks: z.array(checkConstraintSchema),
  indexes: z.array(indexSchema),
  /** Set when this table exists to carry a many-to-many relationship. */
  association: associationSchema.optional(),
  /** The document's base mixin was applied to this table. */
  base: z.boolean().default(false),
  comment: z.string().optional(),
  /** The table's name in the database when the model last read it or was applied. */
  was: z.string().optional(),
  /**
   * A table split out of another (the designer's Split, or a normalization proposal): the migration
   * fills it from the source's distinct rows before the source loses the moved columns.
   */
  copyFrom: z.object({ table: z.string(), columns: z.record(z.string(), z.string()) }).optional(),
  /** Functional dependencies declared by hand (X -> A, by column name), which the normalizer works from. */
  dependencies: z.array(z.object({ lhs: z.array(z.string()), rhs: z.string() })).optional(),
})
export type ModelTable = z.infer<typeof modelTableSchema>

/** Where a table sits on the canvas, and its colour: the diagram's, not the schema's. */
export const tableLayoutSchema = z.object({ x: z.number(), y: z.number(), color: z.string().optional() })
export type TableLayout = z.infer<typeof tableLayoutSchema>

export const modelDocumentSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(MODEL_VERSION),
  name: z.string(),
  naming: z.enum(TABLE_NAMING).default('snake_plural'),
  tables: z.array(modelTableSchema),
  /**
   * The diagram beside the model, keyed by table id (ChartDB keeps positions inside its table
   * entities, so moving a box reads as a schema change): moving a table never touches its entity,
   * and the schema diff never sees the canvas.
   */
  layout: z.record(z.string(), tableLayoutSchema).default({}),
})
export type ModelDocument = z.infer<typeof modelDocumentSchema>

/** A table with nothing but what is given: no keys, constraints or indexes yet. */
export function blankTable(o: Pick<ModelTable, 'name' | 'className' | 'columns'> & Partial<ModelTable>): ModelTable {
  return {
    id: newId('t'),
    schema: null,
    nameLocked: false,
    primaryKeyName: null,
    foreignKeys: [],
    uniques: [],
    checks: [],
    indexes: [],
    base: false,
    ...o,
  }
}

export function emptyModel(name = 'Untitled model'): ModelDocument {
  return { format: MODEL_FORMAT, version: MODEL_VERSION, name, naming: 'snake_plural', tables: [], layout: {} }
}

const ORIGIN = { x: 0, y: 0 }
/** Where a table sits on the canvas (the origin until it is placed). */
export function positionOf(doc: Pick<ModelDocument, 'layout'>, tableId: string): { x: number; y: number } {
  return doc.layout[tableId] ?? ORIGIN
}

/** The document with tables moved to `positions` (their colours kept). */
export function withPositions(doc: ModelDocument, positions: Record<string, { x: number; y: number }>): ModelDocument {
  const layout = { ...doc.layout }
  for (const [id, p] of Object.entries(positions)) layout[id] = { ...layout[id], x: p.x, y: p.y }
  return { ...doc, layout }
}

/**
 * A version 1 document, its positions and colours lifted out of the tables into `layout`; any
 * other input is returned as it is (the schema then says what is wrong with it).
 */
export function upgradeModelDocument(json: unknown): unknown {
  const d = json as { version?: unknown; tables?: unknown; layout?: unknown }
  if (!d || typeof d !== 'object' || d.version !== 1 || !Array.isArray(d.tables)) return json
  const layout: Record<string, TableLayout> = {}
  const tables = d.tables.map((t: Record<string, unknown>) => {
    const { position, color, ...rest } = t as { id?: unknown; position?: { x: number; y: number }; color?: string }
    if (typeof rest.id === 'string' && position)
      layout[rest.id] = { x: position.x, y: position.y, ...(color ? { color } : {}) }
    return rest
  })
  return { ...d, version: MODEL_VERSION, tables, layout }
}

let idCounter = 0
/** A short id unique within a document (time plus a counter; documents from files keep theirs). */
export function newId(prefix: string): string {
  idCounter = (idCounter + 1) % 1_000_000
  return `${prefix}${Date.now().toString(36)}${idCounter.toString(36)}${Math.floor(Math.random() * 1296).toString(36)}`
}

/** Parse a saved document, with an error a person can act on. */
export function parseModelDocument(json: unknown): ModelDocument {
  if (typeof json === 'object' && json && (json as { format?: unknown }).format === MODEL_FORMAT) {
    const v = (json as { version?: unknown }).version
    if (typeof v === 'number' && v > MODEL_VERSION)
      throw new Error(
        `This model was saved by a newer Schemist (format version ${v}; this one reads ${MODEL_VERSION}).`,
      )
  } else {
    throw new Error('This file is not a Schemist model (no "format": "schemist-model").')
  }
  const r = modelDocumentSchema.safeParse(upgradeModelDocument(json))
  if (!r.success) {
    const first = r.error.issues[0]
    throw new Error(`The model file is damaged: ${first.path.join('.')}: ${first.message}`)
  }
  return r.data
}

export function findTable(doc: ModelDocument, name: string, schema: string | null = null): ModelTable | undefined {
  return doc.tables.find((t) => t.name === name && (t.schema ?? null) === (schema ?? null))
}
