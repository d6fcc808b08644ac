import { existsSync } from 'node:fs'
import { AppError } from '../../src-shared/errors'
import type { ConnectionConfig } from '../../src-shared/connection'
import { parsePostgresUrl } from '../db/connection-parsers'

/** A CLI connection argument: a postgres:// URL, or a path to a SQLite file. */
export function parseConnectionArg(arg: string | undefined, opts: { create?: boolean } = {}): ConnectionConfig {
  if (!arg) throw new AppError('BAD_REQUEST', 'Give a connection: a SQLite file path or a postgres:// URL')
  if (/^postgres(ql)?:\/\//.test(arg)) return parsePostgresUrl(arg)
  if (!opts.create && !existsSync(arg)) throw new AppError('FILE_NOT_FOUND', `No such file: ${arg}`)
  return { engine: 'sqlite', path: arg, create: opts.create ?? false, readOnly: false }
}
