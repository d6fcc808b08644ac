import { ZodError } from 'zod'
import { AppError, type Envelope, type ErrorInfo } from '../../src-shared/errors'
import {
  contract,
  isMethodName,
  type MethodName,
  type MethodOutput,
  type MethodParsedInput,
} from '../../src-shared/contract'
import { LOCAL_CLIENT, type RequestContext } from '../clients/client-registry'
import { checkInputBounds } from './input-bounds'

export type Handlers = {
  [M in MethodName]: (input: MethodParsedInput<M>, ctx: RequestContext) => Promise<MethodOutput<M>>
}

/** Turn anything thrown into the envelope's error: codes for known failures, INTERNAL otherwise. */
export function toErrorInfo(e: unknown): ErrorInfo {
  if (e instanceof AppError) return e.toInfo()
  if (e instanceof ZodError) {
    return {
      code: 'BAD_REQUEST',
      message: `Invalid input: ${e.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`,
      details: { issues: e.issues.map((i) => ({ path: i.path.map(String), message: i.message })) },
    }
  }
  const message = e instanceof Error ? e.message : String(e)
  return { code: 'INTERNAL', message: message || 'Unexpected error' }
}

/**
 * The single entry point both transports call: checks the method against the contract, bounds
 * the input's depth and size, parses it with its schema, runs the handler for the calling client,
 * and always answers with an envelope: nothing a request carries or throws escapes as a rejection.
 */
export function createRouter(handlers: Handlers) {
  return async function call(
    method: unknown,
    input: unknown,
    ctx: RequestContext = { clientId: LOCAL_CLIENT },
  ): Promise<Envelope<unknown>> {
    try {
      if (!isMethodName(method)) {
        return {
          ok: false,
          error: {
            code: 'UNKNOWN_METHOD',
            message: `Unknown method: ${typeof method === 'string' ? method : typeof method}`,
          },
        }
      }
      checkInputBounds(input)
      const parsed = contract[method].input.safeParse(input ?? {})
      if (!parsed.success) return { ok: false, error: toErrorInfo(parsed.error) }
      const handler = handlers[method] as (i: unknown, c: RequestContext) => Promise<unknown>
      const value = await handler(parsed.data, ctx)
      return { ok: true, value: value === undefined ? null : value }
    } catch (e) {
      return { ok: false, error: toErrorInfo(e) }
    }
  }
}

export type Router = ReturnType<typeof createRouter>
