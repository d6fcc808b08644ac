import { engineSchema } from './connection'
import { z } from 'zod'
import { queryResultSchema } from './query'

/** What a console pane is doing, always visible on the pane. */
/** `disconnected`: its connection dropped; the pane must be reconnected before it runs again. */
export const PANE_STATES = ['idle', 'in transaction', 'failed', 'waiting', 'disconnected'] as const
export type PaneState = (typeof PANE_STATES)[number]

export const stepOutcomeSchema = z.object({
  pane: z.string(),
  sql: z.string(),
  /** The rows or the change count it produced. */
  result: queryResultSchema.nullable(),
  error: z.object({ code: z.string(), message: z.string(), sqlstate: z.string().nullable() }).nullable(),
  /** It waited for a lock held by these panes (empty when it did not wait). */
  waitedOn: z.array(z.string()),
  waitedMs: z.number(),
  startedAt: z.number(),
  finishedAt: z.number(),
  /** The pane's state after the step. */
  state: z.enum(PANE_STATES),
  /** Something a person should know: PostgreSQL answered COMMIT with ROLLBACK, SQLITE_BUSY left the transaction open... */
  note: z.string().nullable(),
  /** The rows a write left, (id, value; null when deleted), for the history checker. */
  written: z.array(z.tuple([z.number(), z.number().nullable()])).optional(),
})
export type StepOutcome = z.infer<typeof stepOutcomeSchema>

export const VERDICTS = ['anomaly observed', 'prevented by blocking', 'prevented by aborting', 'prevented'] as const
export type Verdict = (typeof VERDICTS)[number]

export const historyEdgeSchema = z.object({
  from: z.string(),
  to: z.string(),
  kind: z.enum(['ww', 'wr', 'rw']),
  key: z.string(),
  predicate: z.boolean().optional(),
})
/** What the history checker found in a run's recorded history (see src-main/tx/history/checker.ts). */
export const historyCheckSchema = z.object({
  serializable: z.boolean(),
  anomalies: z.array(
    z.object({
      name: z.enum(['G0', 'G1a', 'G1b', 'G1c', 'G-single', 'G2-item', 'G2']),
      txns: z.array(z.string()),
      cycle: z.array(historyEdgeSchema),
      explanation: z.string(),
    }),
  ),
  serialOrder: z.array(z.string()).nullable(),
  edges: z.array(historyEdgeSchema),
})
export type HistoryCheck = z.infer<typeof historyCheckSchema>

/** A console session's history, checked: what the checker found, the transactions it saw, and what it could not record. */
export const consoleHistoryCheckSchema = historyCheckSchema.extend({
  transactions: z.array(
    z.object({
      id: z.string(),
      pane: z.string(),
      status: z.enum(['committed', 'aborted', 'open']),
      reads: z.number(),
      writes: z.number(),
    }),
  ),
  /** Steps the history could not record, or only in part, and why. */
  notes: z.array(z.object({ entry: z.number(), sql: z.string(), note: z.string() })),
})
export type ConsoleHistoryCheck = z.infer<typeof consoleHistoryCheckSchema>

export const scenarioRunSchema = z.object({
  scenario: z.string(),
  level: z.string(),
  steps: z.array(stepOutcomeSchema),
  verdict: z.enum(VERDICTS),
  explanation: z.string(),
  /** The run as a history of transactions, checked for cycles (Adya's classes). */
  history: historyCheckSchema.optional(),
})
export type ScenarioRun = z.infer<typeof scenarioRunSchema>

export const paneInfoSchema = z.object({
  id: z.string(),
  state: z.enum(PANE_STATES),
  busy: z.boolean(),
  engine: engineSchema,
  levels: z.array(z.string()),
  /** SQLite: the lock the pane's connection holds, as its statements imply, and the journal mode. */
  lock: z.string().nullable().optional(),
  journalMode: z.string().nullable().optional(),
})
export type PaneInfo = z.infer<typeof paneInfoSchema>

export const timelineEntrySchema = z.object({
  id: z.number(),
  pane: z.string(),
  sql: z.string(),
  startedAt: z.number(),
  waitStartedAt: z.number().nullable(),
  waitedOn: z.array(z.string()),
  finishedAt: z.number().nullable(),
  outcome: stepOutcomeSchema.nullable(),
})
export type TimelineEntry = z.infer<typeof timelineEntrySchema>

/** A step of the console's queue: which pane, what, and its name in the spec. */
export const queuedStepSchema = z.object({ pane: z.string(), sql: z.string(), label: z.string() })
export type QueuedStep = z.infer<typeof queuedStepSchema>

/** The console's step queue as the main process runs it (see src-main/tx/console-queue.ts). */
export const queueStateSchema = z.object({
  title: z.string(),
  kind: z.enum(['spec', 'replay']),
  steps: z.array(queuedStepSchema),
  /** The next step to send. */
  next: z.number(),
  /** Timeline entries the queue started, step by step. */
  entries: z.array(z.number()),
  permutations: z.array(z.array(z.string())),
  permutation: z.number(),
  finished: z.boolean(),
  /** A scenario from the library being stepped through: judged at the end like a full run. */
  scenario: z.object({ id: z.string(), level: z.string().nullable() }).nullable(),
  busy: z.enum(['all', 'finish']).nullable(),
  message: z.string().nullable(),
  verdict: scenarioRunSchema.nullable(),
  /** When it finished: its steps as a history, checked for anomalies. */
  history: consoleHistoryCheckSchema.nullable(),
})
export type QueueState = z.infer<typeof queueStateSchema>

/** One row version of a PostgreSQL table, and whether a pane's snapshot sees it. */
export const rowVersionSchema = z.object({
  ctid: z.string(),
  xmin: z.string(),
  xmax: z.string(),
  /** Commit status of xmin and xmax (committed, aborted, in progress), where the server says. */
  xminStatus: z.string().nullable(),
  xmaxStatus: z.string().nullable(),
  visible: z.boolean(),
  /** The row's values, for the versions the snapshot sees. */
  row: z.record(z.string(), z.unknown()).nullable(),
})
export type RowVersion = z.infer<typeof rowVersionSchema>

export const mvccViewSchema = z.object({
  table: z.string(),
  /** The pane's snapshot (xmin:xmax:in-progress xids) and its own transaction id, if it has one. */
  snapshot: z.string().nullable(),
  xid: z.string().nullable(),
  versions: z.array(rowVersionSchema),
  /** True when every version on the pages was read (pageinspect), not only the visible ones. */
  allVersions: z.boolean(),
  note: z.string().nullable(),
})
export type MvccView = z.infer<typeof mvccViewSchema>

/** One lock a transaction holds or waits for (InnoDB): on a table, or on an index record and/or the gap before it. */
export const heldLockSchema = z.object({
  table: z.string(),
  /** The index the record lock is on (PRIMARY for the row itself); null for a table lock. */
  index: z.string().nullable(),
  /**
   * table: the whole table (IX/IS: intends row locks); record: the row only; gap: the space
   * before the record, so nothing can be inserted there; next-key: the record and the gap before
   * it; insert-intention: an INSERT's wish to go into a gap (it waits when someone holds the gap).
   */
  kind: z.enum(['table', 'record', 'gap', 'next-key', 'insert-intention']),
  /** S (shared), X (exclusive), IS, IX, AUTO-INC. */
  mode: z.string(),
  waiting: z.boolean(),
  /** The record, by its index's columns (then the primary key's): "v=50, id=5"; "supremum" is past the last record. */
  key: z.string().nullable(),
})
export type HeldLock = z.infer<typeof heldLockSchema>

export const consoleLocksSchema = z.object({
  panes: z.array(z.object({ pane: z.string(), locks: z.array(heldLockSchema) })),
  /** What the list leaves out, or why it is partial (e.g. only locks that block someone are listed). */
  note: z.string().nullable(),
})
export type ConsoleLocks = z.infer<typeof consoleLocksSchema>
