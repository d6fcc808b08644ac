import { z } from 'zod'
import { cellSchema } from './values'

/** X -> A; `error` is the share of rows to remove for it to hold exactly (0 for an exact dependency). */
export const fdSchema = z.object({ lhs: z.array(z.string()), rhs: z.string(), error: z.number().min(0).max(1) })
export type FdSpec = z.infer<typeof fdSchema>

/** The same dependency: one right side, the same left side in any order. */
export function sameFd(a: { lhs: string[]; rhs: string }, b: { lhs: string[]; rhs: string }): boolean {
  return a.rhs === b.rhs && a.lhs.length === b.lhs.length && a.lhs.every((c) => b.lhs.includes(c))
}

export const normalFormSchema = z.enum(['not 1NF', '1NF', '2NF', '3NF', 'BCNF', '4NF', '5NF'])
export const normalizeTargetSchema = z.enum(['1nf', '3nf', 'bcnf', '4nf', '5nf'])
export type NormalizeTarget = z.infer<typeof normalizeTargetSchema>

export const diagnosisSchema = z.object({
  normalForm: normalFormSchema,
  keys: z.array(z.array(z.string())),
  keySource: z.enum(['declared', 'discovered']),
  oneNf: z.array(z.object({ kind: z.string(), columns: z.array(z.string()), explanation: z.string() })),
  violations: z.array(
    z.object({
      form: normalFormSchema,
      explanation: z.string(),
      fd: fdSchema.optional(),
      mvd: z.object({ lhs: z.array(z.string()), rhs: z.array(z.string()), rest: z.array(z.string()) }).optional(),
    }),
  ),
  notes: z.array(z.string()),
})
export type DiagnosisView = z.infer<typeof diagnosisSchema>

/**
 * A CSV (or TSV) file as a source: its path, and how to read it where the guesses are wrong
 * (`header`: whether the first line names the columns; `separator`: one character).
 */
export const csvSourceSchema = z.object({
  path: z.string().min(1),
  header: z.boolean().optional(),
  separator: z.string().length(1).optional(),
})
export type CsvSource = z.infer<typeof csvSourceSchema>
/**
 * How a CSV file is read, each part guessed unless given: whether the first line names the columns
 * (if not, they are column1..N), and the separator (a tab for .tsv, else whichever of , ; tab |
 * the first line has most of).
 */
export type CsvReading = Omit<CsvSource, 'path'>

export const analysisSchema = z.object({
  columns: z.array(z.string()),
  rowCount: z.number(),
  declaredKey: z.array(z.string()).nullable(),
  /** Every minimal dependency found, ranked; `suggested` marks those a proposal builds on by default. */
  fds: z.array(fdSchema.extend({ support: z.number(), suggested: z.boolean() })),
  keys: z.array(z.array(z.string())),
  diagnosis: diagnosisSchema,
  millis: z.number(),
  /**
   * Set when the table was too big to read whole: discovery ran on a random sample of `rows`
   * rows, and the database then checked every dependency and key on all `of` rows. Those that
   * held only in the sample are listed, and left out of `fds` and `keys`.
   */
  sample: z
    .object({
      rows: z.number(),
      of: z.number(),
      sampleOnly: z.array(fdSchema),
      keysSampleOnly: z.array(z.array(z.string())),
    })
    .nullable()
    .default(null),
  /** For a CSV source, how the file was read (guessed or as told). */
  csvRead: z.object({ header: z.boolean(), separator: z.string() }).nullable().default(null),
})
export type Analysis = z.infer<typeof analysisSchema>

export const proposalSchema = z.object({
  target: z.enum(['1nf', '2nf', '3nf', 'bcnf', '4nf', '5nf']),
  tables: z.array(
    z.object({
      name: z.string(),
      columns: z.array(z.string()),
      key: z.array(z.string()),
      references: z.array(z.object({ columns: z.array(z.string()), table: z.string() })),
      /** The first rows of the new table, from the real data, and how many it has. */
      rows: z.array(z.array(cellSchema)),
      rowCount: z.number(),
    }),
  ),
  lost: z.array(fdSchema),
  losslessBySchema: z.boolean().nullable(),
  losslessByData: z.boolean(),
  cellsBefore: z.number(),
  cellsAfter: z.number(),
  explanation: z.string(),
  sql: z.array(z.string()),
})
export type ProposalView = z.infer<typeof proposalSchema>

export const applyResultSchema = z.object({
  tables: z.array(z.object({ name: z.string(), rows: z.number() })),
  view: z.string().nullable(),
  originalRows: z.number(),
  joinedRows: z.number(),
  statements: z.array(z.string()),
})

/** A table on paper (the designer's): its columns, declared key and unique column sets; no rows. */
export const declaredTableSchema = z.object({
  name: z.string().min(1),
  columns: z.array(z.string().min(1)).min(1),
  key: z.array(z.string()).nullable(),
  uniques: z.array(z.array(z.string())).default([]),
})
export type DeclaredTable = z.infer<typeof declaredTableSchema>

/** A split of a table on paper: the new tables with keys and references, what it cannot keep, and the chase's verdict. */
export const declaredProposalSchema = z.object({
  target: z.enum(['3nf', 'bcnf']),
  tables: z.array(
    z.object({
      name: z.string(),
      columns: z.array(z.string()),
      key: z.array(z.string()),
      references: z.array(z.object({ columns: z.array(z.string()), table: z.string() })),
    }),
  ),
  lost: z.array(fdSchema),
  losslessBySchema: z.boolean(),
  explanation: z.string(),
})
export type DeclaredProposal = z.infer<typeof declaredProposalSchema>
