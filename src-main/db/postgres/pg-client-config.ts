import pg from 'pg'
import type { ConnectionOptions } from 'node:tls'
import type { PostgresConfig } from '../../../src-shared/connection'

/** How a PostgreSQL connection is made: pg.Client's settings, TLS from the sslMode, and how values are parsed. */

// Dates, times and JSON come back as the server's text: no time-zone shifts, no re-serialising.
const RAW_TEXT_OIDS = [1082, 1083, 1114, 1184, 1266, 114, 3802, 1186]
const typeParsers = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (RAW_TEXT_OIDS.includes(oid)) return (v: string) => v
    return pg.types.getTypeParser(oid, format ?? 'text')
  },
}

export const TYPE_NAMES: Record<number, string> = {
  16: 'boolean',
  17: 'bytea',
  20: 'bigint',
  21: 'smallint',
  23: 'integer',
  25: 'text',
  114: 'json',
  700: 'real',
  701: 'double precision',
  1043: 'varchar',
  1082: 'date',
  1083: 'time',
  1114: 'timestamp',
  1184: 'timestamptz',
  1700: 'numeric',
  2950: 'uuid',
  3802: 'jsonb',
  18: 'char',
  19: 'name',
  26: 'oid',
  1042: 'bpchar',
}

export function sslOption(mode: PostgresConfig['sslMode']): boolean | ConnectionOptions {
  switch (mode) {
    case 'disable':
      return false
    case 'prefer':
    case 'require':
      return { rejectUnauthorized: false }
    case 'verify-ca':
      return { rejectUnauthorized: true, checkServerIdentity: () => undefined }
    case 'verify-full':
      return { rejectUnauthorized: true }
  }
}

export function clientConfig(c: PostgresConfig, ssl: boolean | ConnectionOptions): pg.ClientConfig {
  return {
    host: c.host,
    port: c.port,
    user: c.user,
    password: c.password ?? '',
    database: c.database,
    ssl,
    connectionTimeoutMillis: 8000,
    application_name: 'Schemist',
    types: typeParsers,
  }
}
