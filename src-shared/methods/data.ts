import { z } from 'zod'
import { cellSchema } from '../values'
import { CSV_ENCODINGS } from '../csv'
import { databaseSchemaSchema } from '../schema'
import {
  applyEditsResultSchema,
  countSchema,
  cursorSchema,
  pageRequestSchema,
  pageSchema,
  rowEditSchema,
  tableRefSchema,
  viewSpecSchema,
} from '../grid'
import { method, handle } from './kit'

/** Table data and the schema tree. */
export const dataMethods = {
  'schema.introspect': method({
    doc: 'Read tables, views, columns, keys, constraints and indexes into the shared schema model.',
    input: z.object({ handle }),
    output: databaseSchemaSchema,
  }),
  'schema.tableDdl': method({
    doc: 'CREATE statements for one introspected table or view, in its own dialect.',
    input: z.object({ handle, schema: z.string().nullable(), name: z.string() }),
    output: z.object({ sql: z.string() }),
  }),
  'data.page': method({
    doc: 'One page of a table with keyset pagination (after/before a cursor, or from either end), sorted and filtered by the database.',
    input: pageRequestSchema.extend({ skip: z.number().int().min(0).max(5000).default(0) }),
    output: pageSchema,
  }),
  'data.count': method({
    doc: 'Rows in the view: exact, or the catalog estimate for a large unfiltered PostgreSQL table (and says which).',
    input: viewSpecSchema.extend({ handle }),
    output: countSchema,
  }),
  'data.locate': method({
    doc: 'Where row N of the view starts: a cursor from a sampled position index and a small skip.',
    input: viewSpecSchema.extend({ handle, row: z.number().int().min(0) }),
    output: z.object({ after: cursorSchema.nullable(), skip: z.number() }),
  }),
  'data.commitStatus': method({
    doc: 'Whether a transaction whose COMMIT was cut off (COMMIT_UNKNOWN) took after all, asked on a fresh connection; null when the server cannot say yet.',
    input: z.object({ handle, xid: z.string().regex(/^\d+$/) }),
    output: z.object({ status: z.enum(['committed', 'aborted', 'in progress']).nullable() }),
  }),
  'data.applyEdits': method({
    doc: "Run the grid's pending edits through an ORM session in one transaction: inspect (the session before it flushes, nothing sent but the SELECT of the edited rows), preview (flush, then roll back) or commit. A failure names the edit.",
    input: z.object({
      handle,
      table: tableRefSchema,
      edits: z.array(rowEditSchema).min(1),
      mode: z.enum(['inspect', 'preview', 'commit']),
    }),
    output: applyEditsResultSchema,
  }),
  'data.deleteEffects': method({
    doc: 'What deleting these rows does to other tables (ON DELETE CASCADE / SET NULL / RESTRICT), before it happens.',
    input: z.object({ handle, table: tableRefSchema, keys: z.array(z.array(cellSchema)).min(1) }),
    output: z.array(z.object({ table: z.string(), via: z.string(), action: z.string(), rows: z.number() })),
  }),
  'data.related': method({
    doc: "A row's related rows through each ORM relationship, loaded with the given strategy, with the SQL it took.",
    input: z.object({
      handle,
      table: tableRefSchema,
      key: z.array(cellSchema),
      strategy: z.enum(['select', 'joined', 'selectin', 'subquery']).default('select'),
    }),
    output: z.array(
      z.object({
        name: z.string(),
        kind: z.string(),
        target: z.string(),
        columns: z.array(z.string()),
        rows: z.array(z.array(cellSchema)),
        sql: z.array(z.string()),
      }),
    ),
  }),
  'data.export': method({
    doc: 'Stream the view (its filter and sort) to a CSV, JSON or SQL file; progress comes as onExportProgress.',
    input: viewSpecSchema.extend({ handle, format: z.enum(['csv', 'json', 'sql']), path: z.string().min(1) }),
    output: z.object({ exportId: z.string() }),
  }),
  'data.cancelExport': method({
    doc: 'Stop an export; its partial file is removed.',
    input: z.object({ exportId: z.string() }),
    output: z.object({ cancelled: z.boolean() }),
  }),
  'data.importPreview': method({
    doc: 'Read a CSV file (or text): its header and first rows.',
    input: z.object({
      path: z.string().optional(),
      text: z.string().optional(),
      delimiter: z.string().length(1).default(','),
      hasHeader: z.boolean().default(true),
      encoding: z.enum(CSV_ENCODINGS).default('auto'),
    }),
    output: z.object({ header: z.array(z.string()), rows: z.array(z.array(z.string())), total: z.number() }),
  }),
  'data.import': method({
    doc: 'Import CSV rows into a table: every row type-checked first, then one transaction; rows that fail are listed with the reason and nothing is written.',
    input: z.object({
      handle,
      table: tableRefSchema,
      path: z.string().optional(),
      text: z.string().optional(),
      delimiter: z.string().length(1).default(','),
      hasHeader: z.boolean().default(true),
      encoding: z.enum(CSV_ENCODINGS).default('auto'),
      mapping: z.record(z.string(), z.number().int().nullable()),
    }),
    output: z.object({
      ok: z.boolean(),
      inserted: z.number(),
      failures: z.array(
        z.object({ row: z.number(), column: z.string().nullable(), value: z.string().nullable(), reason: z.string() }),
      ),
      failureCount: z.number(),
    }),
  }),
} as const
