import { AppError, type ErrorCode } from '../../../src-shared/errors'
import type { PostgresConfig } from '../../../src-shared/connection'

interface PgLikeError {
  message?: string
  code?: string
  detail?: string
  hint?: string
  constraint?: string
  table?: string
  column?: string
  position?: string
}

/** Map pg and socket errors to the bridge's codes with a message a person can act on. */
export function pgError(e: unknown, config?: Pick<PostgresConfig, 'host' | 'port' | 'user' | 'database'>): AppError {
  if (e instanceof AppError) return e
  const err = (e ?? {}) as PgLikeError
  const code = err.code ?? ''
  const where = config ? `${config.host}:${config.port}` : 'the server'
  const details: Record<string, unknown> = {}
  if (code) details.sqlstate = code
  for (const k of ['detail', 'hint', 'constraint', 'table', 'column', 'position'] as const)
    if (err[k]) details[k] = err[k]
  let mapped: ErrorCode = 'SQL_ERROR'
  let message = err.message ?? String(e)
  if (code === '28P01' || code === '28000') {
    mapped = 'AUTH_FAILED'
    message = `Authentication failed for user "${config?.user ?? '?'}": ${message}. Check the user name and password.`
  } else if (code === '3D000') {
    mapped = 'DATABASE_NOT_FOUND'
    message = `Database "${config?.database ?? '?'}" does not exist on ${where}.`
  } else if (['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ENETUNREACH', 'EAI_AGAIN'].includes(code)) {
    mapped = 'HOST_UNREACHABLE'
    message = `Cannot reach ${where} (${code}). Is the server running, and are host and port right?`
  } else if (/SSL|self[- ]signed|certificate/i.test(message)) {
    mapped = 'SSL_ERROR'
    message = `SSL problem talking to ${where}: ${message}. Try another SSL mode.`
  } else if (code === '57014') mapped = 'CANCELLED'
  else if (code === '40001') mapped = 'SERIALIZATION_FAILURE'
  else if (code === '40P01') mapped = 'DEADLOCK'
  else if (code.startsWith('23')) mapped = 'CONSTRAINT_VIOLATION'
  else if (code === '25006') mapped = 'READ_ONLY'
  else if (code === '57P01' || code === 'ECONNRESET' || /Connection terminated|not queryable|ended/i.test(message)) {
    mapped = 'CONNECTION_LOST'
    // pg's own words for a client whose socket already failed say little to a person.
    if (/not queryable/i.test(message)) message = 'The connection dropped'
    // (A COMMIT in flight is the exception, found out by the driver: see commitOutcome.)
    message = `${message}: the connection to ${where} is gone, and the server rolled back whatever it had not committed`
  }
  return new AppError(mapped, message, Object.keys(details).length ? details : undefined)
}
