import { z } from 'zod'
import { tableRefSchema } from '../grid'
import {
  mvccViewSchema,
  consoleLocksSchema,
  paneInfoSchema,
  queueStateSchema,
  scenarioRunSchema,
  stepOutcomeSchema,
  timelineEntrySchema,
} from '../tx'
import { consoleHistoryCheckSchema, historyCheckSchema } from '../tx'
import { method, none, handle } from './kit'

/** Transactions: scenarios, the matrix, workloads, consoles, specs. */
export const txMethods = {
  'tx.scenarios': method({
    doc: "The anomaly scenarios: the notes' anomalies plus read skew, write skew, G1c and the read-only anomaly.",
    input: none,
    output: z.array(
      z.object({
        id: z.string(),
        name: z.string(),
        anomaly: z.string(),
        description: z.string(),
        panes: z.array(z.string()),
        steps: z.array(z.object({ pane: z.string(), sql: z.string() })),
      }),
    ),
  }),
  'tx.levels': method({
    doc: 'The isolation levels (or SQLite BEGIN modes) of a connection, weakest first.',
    input: z.object({ handle }),
    output: z.array(z.string()),
  }),
  'tx.scenarioSpec': method({
    doc: 'A scenario at a level as an isolation tester spec (scratch table as setup, a session per transaction), to step through in the console.',
    input: z.object({ handle, scenario: z.string(), level: z.string().nullable() }),
    output: z.object({ title: z.string(), text: z.string() }),
  }),
  'tx.judgeScenario': method({
    doc: 'The verdict on a scenario stepped through in a console: its steps as they ran and the scratch table as they left it.',
    input: z.object({
      consoleId: z.string(),
      scenario: z.string(),
      level: z.string().nullable(),
      steps: z.array(stepOutcomeSchema),
    }),
    output: scenarioRunSchema,
  }),
  'tx.runScenario': method({
    doc: 'Run a scenario at a level on its own connections (scratch table schemist_isolation_test): every step with its result, wait or error, and the verdict.',
    input: z.object({ handle, scenario: z.string(), level: z.string().nullable() }),
    output: scenarioRunSchema,
  }),
  'tx.workload': method({
    doc: 'Anomalies found by experiment: concurrent read-then-write transactions on a scratch table (schemist_workload, dropped afterwards) at a level, bounded by count and time; their history checked for cycles, with the smallest witness of each kind.',
    input: z.object({
      handle,
      level: z.string().nullable(),
      clients: z.number().int().min(2).max(16).default(4),
      txns: z.number().int().min(10).max(5000).default(300),
      keys: z.number().int().min(1).max(100).default(2),
      timeMs: z.number().int().min(500).max(60_000).default(10_000),
    }),
    output: z.object({
      level: z.string(),
      committed: z.number(),
      aborted: z.number(),
      ms: z.number(),
      check: historyCheckSchema,
    }),
  }),
  'tx.matrix': method({
    doc: 'Every scenario at every level on this server: the table the notes draw, measured here.',
    input: z.object({ handle }),
    output: z.object({
      levels: z.array(z.string()),
      scenarios: z.array(z.object({ id: z.string(), name: z.string() })),
      runs: z.record(z.string(), z.record(z.string(), scenarioRunSchema)),
    }),
  }),
  'tx.consoleOpen': method({
    doc: 'Open a transaction console with its panes, each on its own connection.',
    input: z.object({ handle, panes: z.number().int().min(1).max(4).default(2) }),
    output: z.object({ consoleId: z.string() }),
  }),
  'tx.consoleClose': method({
    doc: 'Close a console, rolling back what its panes left open.',
    input: z.object({ consoleId: z.string() }),
    output: z.null(),
  }),
  'tx.addPane': method({
    doc: 'Add a pane (at most four).',
    input: z.object({ consoleId: z.string() }),
    output: z.object({ pane: z.string() }),
  }),
  'tx.reconnectPane': method({
    doc: 'Give a pane a fresh connection under the same name (after its connection dropped); what it had not committed is gone.',
    input: z.object({ consoleId: z.string(), pane: z.string() }),
    output: z.null(),
  }),
  'tx.removePane': method({
    doc: 'Remove a pane, rolling back its transaction.',
    input: z.object({ consoleId: z.string(), pane: z.string() }),
    output: z.null(),
  }),
  'tx.run': method({
    doc: "Start a statement on a pane; its progress, waits and result arrive as onTxStep. `BEGIN` with a level becomes the engine's own BEGIN for it.",
    input: z.object({
      consoleId: z.string(),
      pane: z.string(),
      sql: z.string().min(1),
      level: z.string().optional(),
      readOnly: z.boolean().optional(),
      deferrable: z.boolean().optional(),
    }),
    output: z.object({ entry: z.number() }),
  }),
  'tx.rowVersions': method({
    doc: "PostgreSQL: the row versions of a table (ctid, xmin, xmax) and which of them a pane's snapshot sees, read in the pane's own transaction.",
    input: z.object({ consoleId: z.string(), pane: z.string(), table: tableRefSchema }),
    output: mvccViewSchema,
  }),
  'tx.locks': method({
    doc: "InnoDB: the locks each pane's transaction holds or waits for (table, record, gap, next-key, insert intention), with the record's key.",
    input: z.object({ consoleId: z.string() }),
    output: consoleLocksSchema,
  }),
  'tx.checkHistory': method({
    doc: "The console session so far as a history of transactions (reads and writes of each row's columns, commits and aborts), checked for Adya's anomalies: the smallest cycle of each kind, or an equivalent serial order.",
    input: z.object({ consoleId: z.string() }),
    output: consoleHistoryCheckSchema,
  }),
  'tx.exportConsole': method({
    doc: "The console's timeline as an isolation tester spec (one session per pane, the permutation it ran in) and as a commented SQL script.",
    input: z.object({ consoleId: z.string() }),
    output: z.object({ spec: z.string(), script: z.string() }),
  }),
  'tx.parseSpec': method({
    doc: 'Read an isolation tester spec: setup, teardown, sessions with steps, permutations (all interleavings when none are listed, at most 200).',
    input: z.object({ text: z.string() }),
    output: z.object({
      setup: z.array(z.string()),
      teardown: z.array(z.string()),
      sessions: z.array(
        z.object({
          name: z.string(),
          setup: z.array(z.string()),
          teardown: z.array(z.string()),
          steps: z.array(z.object({ name: z.string(), sql: z.string() })),
        }),
      ),
      permutations: z.array(z.array(z.string())),
    }),
  }),
  'tx.queue': method({
    doc: "The console's step queue, run in the main process through the step engine: load a spec (its sessions get panes, added as needed) or a library scenario, replay the timeline, choose a permutation, send the next step, run all (returns at once; progress as onTxQueue), stop, finish (roll back, judge a scenario, teardown), close. Answers the queue's state.",
    input: z.discriminatedUnion('action', [
      z.object({
        consoleId: z.string(),
        action: z.literal('load'),
        title: z.string(),
        text: z.string(),
        scenario: z.object({ id: z.string(), level: z.string().nullable() }).nullable().default(null),
      }),
      z.object({ consoleId: z.string(), action: z.literal('replay') }),
      z.object({ consoleId: z.string(), action: z.literal('permutation'), index: z.number().int().min(0) }),
      z.object({ consoleId: z.string(), action: z.enum(['next', 'all', 'stop', 'finish', 'close']) }),
    ]),
    output: queueStateSchema.nullable(),
  }),
  'tx.runAdmin': method({
    doc: 'Run setup or teardown statements on a connection of their own, outside the panes.',
    input: z.object({ consoleId: z.string(), statements: z.array(z.string()) }),
    output: z.null(),
  }),
  'tx.snapshot': method({
    doc: 'Panes and the timeline.',
    input: z.object({ consoleId: z.string() }),
    output: z.object({ panes: z.array(paneInfoSchema), timeline: z.array(timelineEntrySchema) }),
  }),
} as const
