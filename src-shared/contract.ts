import type { EventName as ListedEventName, MethodName as ListedMethodName } from './contract-names'
import { z } from 'zod'
import { paneInfoSchema, queueStateSchema, timelineEntrySchema } from './tx'
import { sqlLogEntrySchema } from './orm'
import { appMethods } from './methods/app'
import { connectionsMethods } from './methods/connections'
import { dataMethods } from './methods/data'
import { ormMethods } from './methods/orm'
import { normalizeMethods } from './methods/normalize'
import { modelMethods } from './methods/model'
import { txMethods } from './methods/tx'
import { queryMethods } from './methods/query'
export { playgroundStatusSchema, appInfoSchema, pickPathSchema, holderSchema, testResultSchema } from './methods/kit'
export type { PlaygroundStatus, AppInfo, PickPathRequest, Holder } from './methods/kit'
import { holderSchema, playgroundStatusSchema } from './methods/kit'

/**
 * The one contract between the renderer and the main process. Main registers a handler for
 * every method here and validates each input; the preload's allowlist and the renderer's typed
 * client are derived from it. Each feature keeps its methods in src-shared/methods/<feature>.ts;
 * adding a method is one entry there and one handler in main.
 */
export const contract = {
  ...appMethods,
  ...connectionsMethods,
  ...dataMethods,
  ...ormMethods,
  ...normalizeMethods,
  ...modelMethods,
  ...txMethods,
  ...queryMethods,
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
