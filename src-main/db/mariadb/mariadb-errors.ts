import { AppError, type ErrorCode } from '../../../src-shared/errors'
import type { MariadbConfig } from '../../../src-shared/connection'

interface MysqlLikeError {
  message?: string
  code?: string
  errno?: number
  sqlState?: string
  sqlMessage?: string
}

/** The server's error numbers that have a code of their own. */
const BY_ERRNO: Record<number, ErrorCode> = {
  1317: 'CANCELLED', // ER_QUERY_INTERRUPTED: KILL QUERY
  1213: 'DEADLOCK', // ER_LOCK_DEADLOCK: this transaction was the victim, and was rolled back
  1205: 'BUSY', // ER_LOCK_WAIT_TIMEOUT: innodb_lock_wait_timeout passed
  1020: 'SERIALIZATION_FAILURE', // ER_CHECKREAD: the row changed since this snapshot read it (innodb_snapshot_isolation)
  1062: 'CONSTRAINT_VIOLATION', // duplicate key
  1048: 'CONSTRAINT_VIOLATION', // NULL into NOT NULL
  1451: 'CONSTRAINT_VIOLATION', // a child row refers to it
  1452: 'CONSTRAINT_VIOLATION', // no parent row
  4025: 'CONSTRAINT_VIOLATION', // CHECK failed
  3819: 'CONSTRAINT_VIOLATION', // CHECK failed (MySQL)
  1792: 'READ_ONLY', // write in a READ ONLY transaction
}

const UNREACHABLE = ['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ETIMEDOUT', 'ENETUNREACH', 'EAI_AGAIN']

/** mysql2's and the socket's errors as the bridge's codes, with a message a person can act on. */
export function mariadbError(
  e: unknown,
  config?: Pick<MariadbConfig, 'host' | 'port' | 'user' | 'database'>,
): AppError {
  if (e instanceof AppError) return e
  const err = (e ?? {}) as MysqlLikeError
  const where = config ? `${config.host}:${config.port}` : 'the server'
  const details: Record<string, unknown> = {}
  if (err.sqlState) details.sqlstate = err.sqlState
  if (err.errno) details.errno = err.errno
  let message = err.sqlMessage ?? err.message ?? String(e)
  let mapped: ErrorCode = (err.errno && BY_ERRNO[err.errno]) || 'SQL_ERROR'
  // Which row of a multi-row INSERT broke a key: the value and the key's name, for the flush to find it.
  const dup = err.errno === 1062 ? /Duplicate entry '(.*)' for key '(.*)'/.exec(message) : null
  if (dup) details.duplicate = { value: dup[1], key: dup[2], primary: dup[2] === 'PRIMARY' }
  if (err.errno === 1045 || err.errno === 1698) {
    mapped = 'AUTH_FAILED'
    message = `Authentication failed for user "${config?.user ?? '?'}": ${message}. Check the user name and password.`
  } else if (err.errno === 1049) {
    mapped = 'DATABASE_NOT_FOUND'
    message = `Database "${config?.database ?? '?'}" does not exist on ${where}.`
  } else if (err.code && UNREACHABLE.includes(err.code)) {
    mapped = 'HOST_UNREACHABLE'
    message = `Cannot reach ${where} (${err.code}). Is the server running, and are host and port right?`
  } else if (/SSL|certificate/i.test(message) && !err.errno) {
    mapped = 'SSL_ERROR'
    message = `SSL problem talking to ${where}: ${message}. Try another SSL mode.`
  } else if (
    err.code === 'PROTOCOL_CONNECTION_LOST' ||
    err.code === 'ECONNRESET' ||
    err.errno === 2013 ||
    err.errno === 2006 ||
    /closed state|connection lost/i.test(message)
  ) {
    mapped = 'CONNECTION_LOST'
    message = `${message}: the connection to ${where} is gone, and the server rolled back whatever it had not committed`
  } else if (mapped === 'DEADLOCK')
    message = `${message} (this transaction was chosen as the deadlock's victim and rolled back)`
  return new AppError(mapped, message, Object.keys(details).length ? details : undefined)
}
