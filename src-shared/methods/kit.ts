import { z } from 'zod'
import { PLAYGROUND_ENGINES } from '../engines'

/** What every method group uses: the method helper, and the schemas more than one group shares. */
export interface MethodSpec<I extends z.ZodType, O extends z.ZodType> {
  doc: string
  input: I
  output: O
}
export const method = <I extends z.ZodType, O extends z.ZodType>(spec: MethodSpec<I, O>) => spec
export const none = z.object({}).strict()
export const handle = z.string().min(1)

export const playgroundStatusSchema = z.object({
  engine: z.enum(PLAYGROUND_ENGINES),
  state: z.enum(['stopped', 'starting', 'running', 'stopping', 'error']),
  dataDir: z.string(),
  port: z.number().nullable(),
  connectionId: z.string().nullable(),
  message: z.string().nullable(),
  /** The server's binary is on this machine; if not, `message` says how to get one. */
  available: z.boolean(),
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

export const migrationPlanSchema = z.object({
  before: z.array(z.string()),
  steps: z.array(z.object({ sql: z.string(), note: z.string() })),
  check: z.string().nullable(),
  after: z.array(z.string()),
  warnings: z.array(z.string()),
  summary: z.array(z.string()),
  script: z.string(),
})
