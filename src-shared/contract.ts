import type { EventName as ListedEventName, MethodName as ListedMethodName } from './contract-names'
import { z } from 'zod'
import { connectionConfigSchema, openConnectionSchema, postgresConfigSchema, savedConnectionSchema } from './connection'
import { queryResultSchema } from './query'
import { cellSchema } from './values'
import { CSV_ENCODINGS } from './csv'
import { databaseSchemaSchema } from './schema'
import {
  applyEditsResultSchema,
  countSchema,
  cursorSchema,
  pageRequestSchema,
  pageSchema,
  rowEditSchema,
  tableRefSchema,
  viewSpecSchema,
} from './grid'
import { explainResultSchema, historyEntrySchema } from './plan'
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
} from './normalize'
import {
  mvccViewSchema,
  paneInfoSchema,
  queueStateSchema,
  scenarioRunSchema,
  stepOutcomeSchema,
  timelineEntrySchema,
} from './tx'
import { importReportSchema } from './model/import-report'
import { historyCheckSchema } from './tx'
import { modelDocumentSchema } from './model/document'
import { mapperInfoSchema, ormActionSchema, ormQuerySchema, sessionSnapshotSchema, sqlLogEntrySchema } from './orm'

/**
 * The one contract between the renderer and the main process. Main registers a handler for
 * every method here and validates each input; the preload's allowlist and the renderer's typed
 * client are derived from it. Adding a method is one entry here and one handler in main.
 */
interface MethodSpec<I extends z.ZodType, O extends z.ZodType> {
  doc: string
  input: I
  output: O
}
const method = <I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>) => spec
const none = z.object({}).strict()
const handle = z.string().min(1)

export const playgroundStatusSchema = z.object({
  state: z.enum(['stopped', 'starting', 'running', 'stopping', 'error']),
  dataDir: z.string(),
  port: z.number().nullable(),
  connectionId: z.string().nullable(),
  message: z.string().nullable(),
})
export type PlaygroundStatus = z.infer<typeof playgroundStatusSchema>

export const appInfoSchema = z.object({
  version: z.string(),
  transport: z.enum(['electron', 'web']),
  dataDir: z.string(),
  /** How saved passwords are kept: encrypted by the OS keychain, or only in memory for this run. */
  secretStorage: z.enum(['encrypted', 'memory']),
  sampleConnectionId: z.string(),
  /** Files that could not be read at start-up and what was done with them (moved aside, kept). */
  startupProblems: z.array(z.string()).default([]),
})
export type AppInfo = z.infer<typeof appInfoSchema>

/** A request for the operating system's file dialog (Electron); the web host has none. */
export const pickPathSchema = z.object({
  mode: z.enum(['open', 'save']),
  title: z.string(),
  defaultPath: z.string().optional(),
  /** File types offered, e.g. { name: 'Schemist model', extensions: ['json'] }. */
  filters: z
    .array(z.object({ name: z.string(), extensions: z.array(z.string().regex(/^[A-Za-z0-9*._-]+$/)) }))
    .optional(),
})
export type PickPathRequest = z.infer<typeof pickPathSchema>

/** Who holds a lock: one of the app's own connections (with an id a rollback can use) or another program. */
export const holderSchema = z.object({
  id: z.string().nullable(),
  label: z.string(),
  since: z.number().nullable(),
  lastStatement: z.string(),
})
export type Holder = z.infer<typeof holderSchema>

export const testResultSchema = z.object({ serverVersion: z.string(), database: z.string(), message: z.string() })

const migrationPlanSchema = z.object({
  before: z.array(z.string()),
  steps: z.array(z.object({ sql: z.string(), note: z.string() })),
  check: z.string().nullable(),
  after: z.array(z.string()),
  warnings: z.array(z.string()),
  summary: z.array(z.string()),
  script: z.string(),
})

export const contract = {
  'app.info': method({
    doc: 'Version, transport and where the app keeps its data.',
    input: none,
    output: appInfoSchema,
  }),
  'app.pickPath': method({
    doc: "The operating system's open or save dialog, where the host has one (Electron). `native` is false on the web host, where the renderer asks for a path itself; `path` is null when the user cancelled.",
    input: pickPathSchema,
    output: z.object({ native: z.boolean(), path: z.string().nullable() }),
  }),

  'files.downloadTarget': method({
    doc: "Web mode: a fresh path on the host to write a file the browser then downloads (once) from `url`, with the run's token. An export to this path becomes a browser download.",
    input: z.object({ name: z.string().min(1).max(200) }),
    output: z.object({ path: z.string(), url: z.string() }),
  }),
  'files.snapshotDatabase': method({
    doc: "Web mode: a consistent copy of a SQLite connection's database (VACUUM INTO), to download from `url`. Engines without a file refuse.",
    input: z.object({ handle }),
    output: z.object({ path: z.string(), url: z.string(), name: z.string() }),
  }),

  'connections.list': method({
    doc: 'Saved connections, passwords never included.',
    input: none,
    output: z.array(savedConnectionSchema),
  }),
  'connections.save': method({
    doc: "Create or update a saved connection. The password is kept per `rememberPassword` and the app's secret storage.",
    input: z.object({
      id: z.string().optional(),
      name: z.string().min(1),
      config: connectionConfigSchema,
      rememberPassword: z.boolean().default(true),
    }),
    output: savedConnectionSchema,
  }),
  'connections.remove': method({
    doc: 'Delete a saved connection and its stored password.',
    input: z.object({ id: z.string() }),
    output: z.null(),
  }),
  'connections.test': method({
    doc: 'Connect once and report the server version, or a specific error (wrong password, unreachable host, missing database, not a SQLite file).',
    input: z.object({ config: connectionConfigSchema }),
    output: testResultSchema,
  }),
  'connections.open': method({
    doc: 'Open a saved connection (by id) or an ad-hoc config; returns a handle for later calls.',
    input: z.union([
      z.object({ id: z.string() }),
      z.object({ config: connectionConfigSchema, name: z.string().optional() }),
    ]),
    output: openConnectionSchema,
  }),
  'connections.close': method({
    doc: 'Close an open connection handle.',
    input: z.object({ handle }),
    output: z.null(),
  }),
  'connections.reconnect': method({
    doc: 'Open a fresh connection under the same handle (after `onConnectionLost`, or to start over): tabs keep working; what the old connection had not committed is gone.',
    input: z.object({ handle }),
    output: openConnectionSchema,
  }),
  'connections.listOpen': method({
    doc: 'Currently open connection handles.',
    input: none,
    output: z.array(openConnectionSchema),
  }),
  'connections.parseUrl': method({
    doc: 'Parse a postgres:// URL into connection fields.',
    input: z.object({ url: z.string() }),
    output: postgresConfigSchema,
  }),
  'connections.parseEnv': method({
    doc: 'Read DB_USER, DB_PASSWORD, DB_HOST, DB_PORT, DB_NAME (and DB_SSLMODE) from .env text.',
    input: z.object({ text: z.string() }),
    output: z.object({ config: postgresConfigSchema, found: z.array(z.string()), missing: z.array(z.string()) }),
  }),

  'playground.status': method({
    doc: 'State of the local PostgreSQL playground.',
    input: none,
    output: playgroundStatusSchema,
  }),
  'playground.start': method({
    doc: 'Start (creating on first use, with the sample schema) the local PostgreSQL playground.',
    input: none,
    output: playgroundStatusSchema,
  }),
  'playground.stop': method({
    doc: 'Stop the playground server; its data stays.',
    input: none,
    output: playgroundStatusSchema,
  }),
  'playground.reset': method({
    doc: 'Delete the playground cluster and create it again with the sample schema.',
    input: none,
    output: playgroundStatusSchema,
  }),

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

  'orm.open': method({
    doc: 'Open an ORM session on its own connection to an open database; returns its mappers.',
    input: z.object({
      handle,
      autoflush: z.boolean().default(true),
      expireOnCommit: z.boolean().default(true),
      flushSavepoint: z.boolean().default(true),
      isolationLevel: z.string().optional(),
      model: modelDocumentSchema.optional(),
    }),
    output: z.object({ sessionId: z.string(), mappers: z.array(mapperInfoSchema), snapshot: sessionSnapshotSchema }),
  }),
  'orm.close': method({
    doc: 'Close an ORM session (rolling back what is not committed) and its connection.',
    input: z.object({ sessionId: z.string() }),
    output: z.null(),
  }),
  'orm.reconnect': method({
    doc: "A fresh connection for a session whose connection dropped: pending changes are kept, unless the lost transaction had flushed some (then the session rolls back, as SQLAlchemy's does).",
    input: z.object({ sessionId: z.string() }),
    output: z.object({ rolledBack: z.boolean(), snapshot: sessionSnapshotSchema }),
  }),
  'orm.snapshot': method({
    doc: 'The session now: identity map, new/dirty/deleted, transaction, SQL log.',
    input: z.object({ sessionId: z.string() }),
    output: sessionSnapshotSchema,
  }),
  'orm.query': method({
    doc: 'select(table).where(...).order_by(...).limit(...).options(loaders): objects and the snapshot after it.',
    input: ormQuerySchema,
    output: z.object({ refs: z.array(z.number()), snapshot: sessionSnapshotSchema }),
  }),
  'orm.act': method({
    doc: 'One session operation (add, set, delete, link, load, flush, commit, rollback, configure a relationship...). Errors leave the session as it was and come back as data.',
    input: z.object({ sessionId: z.string(), action: ormActionSchema }),
    output: z.object({
      ref: z.number().nullable(),
      snapshot: sessionSnapshotSchema,
      error: z.object({ code: z.string(), message: z.string(), refs: z.array(z.number()) }).nullable(),
    }),
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

  'model.ddl': method({
    doc: 'The DDL that creates the model on an engine: tables in dependency order, keys that close a cycle afterwards, indexes, onupdate triggers.',
    input: z.object({ doc: modelDocumentSchema, engine: z.enum(['sqlite', 'postgres']) }),
    output: z.object({ statements: z.array(z.string()), script: z.string() }),
  }),
  'model.scratch': method({
    doc: "A new scratch SQLite database with the model's tables (in the app's data folder, emptied when the app starts), to try the model's mappers in the ORM playground.",
    input: z.object({ doc: modelDocumentSchema }),
    output: z.object({ path: z.string() }),
  }),
  'model.apply': method({
    doc: "Create the model's tables the database lacks, in one transaction (create_all); tables that exist are skipped and listed.",
    input: z.object({ handle, doc: modelDocumentSchema }),
    output: z.object({ created: z.array(z.string()), skipped: z.array(z.string()), statements: z.array(z.string()) }),
  }),
  'model.diff': method({
    doc: 'The migration from what the connected database is now to the model: a summary, warnings, the statements and the script. Nothing runs.',
    input: z.object({ handle, doc: modelDocumentSchema }),
    output: migrationPlanSchema,
  }),
  'model.migrate': method({
    doc: 'Plan and run the migration to the model in one transaction (SQLite rebuilds tables with foreign keys off, checked before commit).',
    input: z.object({ handle, doc: modelDocumentSchema }),
    output: migrationPlanSchema.extend({ ran: z.number() }),
  }),
  'model.diffModels': method({
    doc: "The migration between two versions of a model, in an engine's dialect.",
    input: z.object({ from: modelDocumentSchema, to: modelDocumentSchema, engine: z.enum(['sqlite', 'postgres']) }),
    output: migrationPlanSchema,
  }),
  'model.alembic': method({
    doc: "A diff as an Alembic revision script (upgrade() and downgrade() of op.* calls, batch_alter_table for SQLite's rebuilds): from the connected database to the model, its down_revision read from the database's alembic_version; or from one model to another.",
    input: z.object({
      doc: modelDocumentSchema,
      message: z.string().min(1).max(200),
      handle: handle.optional(),
      from: modelDocumentSchema.optional(),
      downRevision: z.string().max(64).nullable().default(null),
    }),
    output: z.object({
      code: z.string(),
      revision: z.string(),
      filename: z.string(),
      downRevision: z.string().nullable(),
      warnings: z.array(z.string()),
    }),
  }),
  'model.reverse': method({
    doc: 'A live database as a new model, laid out automatically.',
    input: z.object({ handle }),
    output: modelDocumentSchema,
  }),
  'model.export': method({
    doc: "The model as code: SQLAlchemy 2.0 declarative models in the notes' style, or TypeScript types.",
    input: z.object({ doc: modelDocumentSchema, format: z.enum(['sqlalchemy', 'typescript', 'dbml']) }),
    output: z.object({ code: z.string() }),
  }),
  'model.import': method({
    doc: 'Read SQLAlchemy declarative models (Python parsed, never run; a file, several files or a package folder, its imports followed), CREATE TABLE statements (parsed by SQLite, or by PostgreSQL in a scratch database on the playground server: `auto` tries SQLite first) or DBML into a model, from a file or text.',
    input: z.object({
      format: z.enum(['sqlalchemy', 'sql', 'dbml']),
      path: z.string().optional(),
      paths: z.array(z.string()).max(64).optional(),
      text: z.string().optional(),
      sqlDialect: z.enum(['auto', 'sqlite', 'postgres']).default('auto'),
    }),
    output: z.object({ doc: modelDocumentSchema, warnings: z.array(z.string()), report: importReportSchema }),
  }),
  'model.open': method({
    doc: 'Read a model file.',
    input: z.object({ path: z.string().min(1) }),
    output: z.object({ path: z.string(), doc: modelDocumentSchema }),
  }),
  'model.save': method({
    doc: 'Write a model file atomically (temporary file, then rename).',
    input: z.object({ path: z.string().min(1), doc: modelDocumentSchema }),
    output: z.object({ path: z.string() }),
  }),
  'model.recent': method({
    doc: 'Recently opened or saved model files, newest first.',
    input: none,
    output: z.array(z.string()),
  }),

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

  'query.run': method({
    doc: 'Run one SQL statement. `queryId` lets `query.cancel` stop it.',
    input: z.object({
      handle,
      sql: z.string().min(1),
      params: z.array(z.unknown()).optional(),
      queryId: z.string().optional(),
    }),
    output: queryResultSchema,
  }),
  'query.explain': method({
    doc: 'The plan of a statement as a tree; PostgreSQL with analyze runs it in a rolled-back transaction on a separate connection.',
    input: z.object({ handle, sql: z.string().min(1), analyze: z.boolean().default(false) }),
    output: explainResultSchema,
  }),
  'query.history': method({
    doc: 'Statements run on this connection, newest first.',
    input: z.object({ handle }),
    output: z.array(historyEntrySchema),
  }),
  'locks.rollback': method({
    doc: "Roll back the open transaction of one of the app's own connections that holds a lock (a holder a lock wait or a BUSY error named), freeing what it locked. Its work since BEGIN is gone.",
    input: z.object({ holderId: z.string().min(1) }),
    output: z.object({ rolledBack: z.boolean(), label: z.string(), handle: z.string().nullable() }),
  }),
  'query.cancel': method({
    doc: 'Cancel a running query (PostgreSQL: cancel request; SQLite: interrupt the worker).',
    input: z.object({ queryId: z.string() }),
    output: z.object({ cancelled: z.boolean() }),
  }),
} as const

/** Events main pushes to the renderer. */
export const events = {
  onLog: z.object({
    level: z.enum(['debug', 'info', 'warn', 'error']),
    source: z.string(),
    message: z.string(),
    at: z.number(),
  }),
  onQueryProgress: z.object({
    queryId: z.string(),
    phase: z.enum(['started', 'waiting', 'finished', 'failed', 'cancelled']),
    at: z.number(),
  }),
  onLockWait: z.object({
    handle: z.string(),
    queryId: z.string().nullable(),
    waiting: z.boolean(),
    since: z.number(),
    blockedBy: z.array(z.string()),
    holders: z.array(holderSchema).default([]),
  }),
  onPlaygroundStatus: playgroundStatusSchema,
  onConnectionLost: z.object({ handle: z.string(), message: z.string() }),
  onSessionLog: z.object({ sessionId: z.string(), entry: sqlLogEntrySchema }),
  onExportProgress: z.object({
    exportId: z.string(),
    path: z.string(),
    rows: z.number(),
    total: z.number().nullable(),
    done: z.boolean(),
    error: z.string().nullable(),
    cancelled: z.boolean(),
  }),
  onTxStep: z.object({ consoleId: z.string(), entry: timelineEntrySchema, panes: z.array(paneInfoSchema) }),
  onTxPanes: z.object({ consoleId: z.string(), panes: z.array(paneInfoSchema) }),
  onTxQueue: z.object({ consoleId: z.string(), queue: queueStateSchema.nullable() }),
  onImportProgress: z.object({ importId: z.string(), rows: z.number(), total: z.number().nullable() }),
  onNormalizeProgress: z.object({
    jobId: z.string(),
    phase: z.enum(['reading', 'discovering', 'verifying']),
    done: z.number(),
    total: z.number(),
  }),
} as const

export type Contract = typeof contract
export type MethodName = keyof Contract
export type MethodInput<M extends MethodName> = z.input<Contract[M]['input']>
export type MethodParsedInput<M extends MethodName> = z.output<Contract[M]['input']>
export type MethodOutput<M extends MethodName> = z.output<Contract[M]['output']>
export type EventName = keyof typeof events
export type EventPayload<E extends EventName> = z.output<(typeof events)[E]>

// The names-only lists the preload reads (contract-names.ts) name exactly these methods and events.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false
true satisfies Same<MethodName, ListedMethodName>
true satisfies Same<EventName, ListedEventName>
export { METHOD_NAMES, EVENT_NAMES, IPC_CALL, IPC_EVENT } from './contract-names'

export function isMethodName(x: unknown): x is MethodName {
  return typeof x === 'string' && Object.prototype.hasOwnProperty.call(contract, x)
}

/** Wire format shared by both transports. */
export interface CallMessage {
  id: number
  method: string
  input: unknown
}
