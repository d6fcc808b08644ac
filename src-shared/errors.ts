import { z } from 'zod'

/** Every error that crosses the bridge carries one of these codes. */
export const ERROR_CODES = [
  'BAD_REQUEST', // input failed the contract's schema
  'UNKNOWN_METHOD',
  'UNAUTHORIZED',
  'NOT_FOUND',
  'AUTH_FAILED', // wrong user or password
  'HOST_UNREACHABLE',
  'DATABASE_NOT_FOUND',
  'FILE_NOT_FOUND',
  'NOT_A_DATABASE',
  'SSL_ERROR',
  'SQL_ERROR', // syntax or semantic error reported by the engine
  'CONSTRAINT_VIOLATION',
  'SERIALIZATION_FAILURE',
  'DEADLOCK',
  'BUSY', // SQLite lock could not be acquired within the busy timeout
  'CANCELLED',
  'CONNECTION_LOST',
  'COMMIT_UNKNOWN', // the connection dropped while COMMIT was on its way, and whether it took could not be found out
  'FILE_ERROR', // a file could not be read or written (permissions, disk full, not a folder)
  'READ_ONLY',
  'UNSUPPORTED',
  'NO_RESULT', // ORM: exactly one row was required, none came back
  'MULTIPLE_RESULTS', // ORM: at most one row was required, several came back
  'STALE_DATA', // ORM: an UPDATE or DELETE matched a different number of rows than expected
  'INVALID_STATE', // ORM: the object's state does not allow this (detached, expired, not loaded)
  'INTERNAL',
] as const

export type ErrorCode = (typeof ERROR_CODES)[number]

export const errorInfoSchema = z.object({
  code: z.enum(ERROR_CODES),
  message: z.string(),
  details: z.record(z.string(), z.unknown()).optional(),
})
export type ErrorInfo = z.infer<typeof errorInfoSchema>

/** An error a service throws on purpose; its code and message reach the user as they are. */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message)
    this.name = 'AppError'
  }

  toInfo(): ErrorInfo {
    return this.details
      ? { code: this.code, message: this.message, details: this.details }
      : { code: this.code, message: this.message }
  }
}

/** The reply envelope of every bridge call. */
export type Envelope<T> = { ok: true; value: T } | { ok: false; error: ErrorInfo }
