import { z } from 'zod'
import { tableRefSchema } from '../grid'
import {
  analysisSchema,
  applyResultSchema,
  csvSourceSchema,
  declaredProposalSchema,
  declaredTableSchema,
  diagnosisSchema,
  fdSchema,
  normalizeTargetSchema,
  proposalSchema,
} from '../normalize'
import { method, handle } from './kit'

/** Normalization. */
export const normalizeMethods = {
  'normalize.analyze': method({
    doc: "Discover the minimal functional dependencies in a table's rows (TANE, or agree sets on wide tables and ones of a few thousand rows), its keys, and its normal form with the dependency that breaks the next one. With `csv`, the rows come from that file instead.",
    input: z.object({
      handle,
      table: tableRefSchema,
      nullsEqual: z.boolean().default(true),
      maxError: z.number().min(0).max(0.5).default(0),
      jobId: z.string().optional(),
      csv: csvSourceSchema.optional(),
    }),
    output: analysisSchema,
  }),
  'normalize.cancel': method({
    doc: 'Stop a running discovery (its worker thread), by the jobId it was started with.',
    input: z.object({ jobId: z.string() }),
    output: z.object({ cancelled: z.boolean() }),
  }),
  'normalize.diagnose': method({
    doc: 'The normal form under the dependencies the user accepted (and added), instead of every one found in the rows.',
    input: z.object({ handle, table: tableRefSchema, fds: z.array(fdSchema), csv: csvSourceSchema.optional() }),
    output: diagnosisSchema,
  }),
  'normalize.propose': method({
    doc: 'The split a target normal form asks for, built on the accepted dependencies: new tables with keys, foreign keys and real rows, lossless checks, and its SQL.',
    input: z.object({
      handle,
      table: tableRefSchema,
      target: normalizeTargetSchema,
      fds: z.array(fdSchema),
      keepView: z.boolean().default(true),
      csv: csvSourceSchema.optional(),
      names: z.record(z.string(), z.string()).default({}),
    }),
    output: proposalSchema,
  }),
  'normalize.apply': method({
    doc: 'Apply the split in one transaction: create, move the rows, verify the join gives back exactly the original rows, optionally keep the old name as a view.',
    input: z.object({
      handle,
      table: tableRefSchema,
      target: normalizeTargetSchema,
      fds: z.array(fdSchema),
      keepView: z.boolean(),
      names: z.record(z.string(), z.string()).default({}),
    }),
    output: applyResultSchema,
  }),
  'normalize.declared': method({
    doc: "Normalize a table on paper (the designer's) under dependencies declared by hand: its normal form and why, and, given a target, the 3NF or BCNF split. No rows, so no connection.",
    input: z.object({
      table: declaredTableSchema,
      fds: z.array(fdSchema),
      target: z.enum(['3nf', 'bcnf']).nullable().default(null),
    }),
    output: z.object({ diagnosis: diagnosisSchema, proposal: declaredProposalSchema.nullable() }),
  }),
} as const
