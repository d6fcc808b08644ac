import { AppError, type ErrorCode } from '../../../src-shared/errors'
import type { WorkerError } from './sqlite-protocol'

/** Turn a SQLite error code into the bridge's error codes, keeping SQLite's own code in details. */
export function sqliteError(e: WorkerError, context?: { path?: string }): AppError {
  const code = e.code ?? ''
  let mapped: ErrorCode = 'SQL_ERROR'
  let message = e.message
  if (code === 'SCHEMIST_CANCELLED') mapped = 'CANCELLED'
  else if (code.startsWith('SQLITE_CONSTRAINT')) mapped = 'CONSTRAINT_VIOLATION'
  else if (code === 'SQLITE_NOTADB') {
    mapped = 'NOT_A_DATABASE'
    message = `${context?.path ?? 'The file'} is not a SQLite database (${e.message})`
  } else if (code === 'SQLITE_CANTOPEN') {
    mapped = 'FILE_NOT_FOUND'
    message = `Cannot open ${context?.path ?? 'the database file'}: it does not exist or is not readable`
  } else if (code === 'SQLITE_BUSY_SNAPSHOT') {
    mapped = 'SERIALIZATION_FAILURE'
    message = `${e.message} (SQLITE_BUSY_SNAPSHOT: another connection committed after this transaction's snapshot; roll back and retry)`
  } else if (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED')) {
    mapped = 'BUSY'
    const where = e.opening
      ? 'while opening the file'
      : e.inTransaction === false
        ? 'nothing was changed'
        : 'the transaction is still open'
    message = `${e.message} (${code}: another connection or program holds a lock on this file; ${where})`
  } else if (code === 'SQLITE_READONLY') mapped = 'READ_ONLY'
  else if (/no such file or directory|unable to open/i.test(e.message)) mapped = 'FILE_NOT_FOUND'
  const details: Record<string, unknown> = {}
  if (code) details.sqliteCode = code
  // A batch step that did not run because the step whose keys it needed failed (see BatchStep.refs).
  if (code === 'SCHEMIST_SKIPPED') details.skipped = true
  if (e.step !== undefined) Object.assign(details, { step: e.step, row: e.row })
  return new AppError(mapped, message, Object.keys(details).length ? details : undefined)
}
