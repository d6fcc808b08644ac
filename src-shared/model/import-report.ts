import { z } from 'zod'

/** One thing an import says about the source: where (when it knows) and what. */
export const importNoteSchema = z.object({
  file: z.string().nullable(),
  line: z.number().int().nullable(),
  message: z.string(),
})
export type ImportNote = z.infer<typeof importNoteSchema>

/**
 * What an import did with its source: what it read, what it could only approximate (an enum
 * as a CHECK, a type it could not resolve as text) and what it left out and why. Nothing is
 * dropped without a line here.
 */
export const importReportSchema = z.object({
  read: z.array(z.string()),
  approximated: z.array(importNoteSchema),
  skipped: z.array(importNoteSchema),
})
export type ImportReport = z.infer<typeof importReportSchema>

export const noteText = (n: ImportNote) => `${n.file ? `${n.file}${n.line ? `:${n.line}` : ''}: ` : ''}${n.message}`

/** The report's notes as the one-line warnings older callers print. */
export const reportWarnings = (r: ImportReport) => [...r.approximated, ...r.skipped].map(noteText)
