import { parse as parseConnectionString } from 'pg-connection-string'
import { AppError } from '../../src-shared/errors'
import {
  mariadbConfigSchema,
  postgresConfigSchema,
  SSL_MODES,
  type MariadbConfig,
  type PostgresConfig,
  type ServerConfig,
  type SslMode,
} from '../../src-shared/connection'

/**
 * Parse `postgres://user:pass@host:port/db?sslmode=...` into fields through pg-connection-string
 * (pg's own parser), so libpq's query parameters count too: `?user=`, `?password=`, `?host=` (a
 * socket folder as well), `?port=`. `sslmode` is read here: the library warns about its own
 * reading of it, and Schemist keeps libpq's meaning.
 */
export function parsePostgresUrl(url: string): PostgresConfig {
  let u: URL
  try {
    u = new URL(url.trim())
  } catch {
    throw new AppError('BAD_REQUEST', `Not a valid URL: ${url}`)
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new AppError('BAD_REQUEST', `Expected a postgres:// or postgresql:// URL, got ${u.protocol}//`)
  }
  const ssl = u.searchParams.get('sslmode') ?? 'prefer'
  if (!(SSL_MODES as readonly string[]).includes(ssl))
    throw new AppError('BAD_REQUEST', `Unknown sslmode "${ssl}"; use one of ${SSL_MODES.join(', ')}`)
  u.searchParams.delete('sslmode')
  const p = parseConnectionString(u.toString())
  const port = p.port ? Number(p.port) : 5432
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new AppError('BAD_REQUEST', `Not a port number: ${p.port}`)
  return postgresConfigSchema.parse({
    engine: 'postgres',
    host: p.host || '127.0.0.1',
    port,
    user: p.user || 'postgres',
    password: p.password || undefined,
    database: p.database || 'postgres',
    sslMode: ssl as SslMode,
  })
}

/** MySQL's ssl-mode names, as libpq's. */
const MYSQL_SSL: Record<string, SslMode> = {
  DISABLED: 'disable',
  PREFERRED: 'prefer',
  REQUIRED: 'require',
  VERIFY_CA: 'verify-ca',
  VERIFY_IDENTITY: 'verify-full',
}

/** `mysql://user:pass@host:3306/db?ssl-mode=REQUIRED` (or `mariadb://`, or `?sslmode=require`) into fields. */
export function parseMariadbUrl(url: string): MariadbConfig {
  let u: URL
  try {
    u = new URL(url.trim())
  } catch {
    throw new AppError('BAD_REQUEST', `Not a valid URL: ${url}`)
  }
  if (u.protocol !== 'mysql:' && u.protocol !== 'mariadb:')
    throw new AppError('BAD_REQUEST', `Expected a mysql:// or mariadb:// URL, got ${u.protocol}//`)
  const mode = u.searchParams.get('ssl-mode')
  const ssl = mode ? MYSQL_SSL[mode.toUpperCase()] : (u.searchParams.get('sslmode') ?? 'prefer')
  if (!ssl || !(SSL_MODES as readonly string[]).includes(ssl))
    throw new AppError(
      'BAD_REQUEST',
      `Unknown SSL mode "${mode ?? ssl}"; use one of ${Object.keys(MYSQL_SSL).join(', ')}`,
    )
  const port = u.port ? Number(u.port) : 3306
  return mariadbConfigSchema.parse({
    engine: 'mariadb',
    host: u.hostname.replace(/^\[|\]$/g, '') || '127.0.0.1',
    port,
    user: decodeURIComponent(u.username) || 'root',
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')) || 'mysql',
    sslMode: ssl as SslMode,
  })
}

/** A server URL of any server engine, by its scheme. */
export function parseServerUrl(url: string): ServerConfig {
  return /^\s*(mysql|mariadb):/i.test(url) ? parseMariadbUrl(url) : parsePostgresUrl(url)
}

export function toPostgresUrl(c: PostgresConfig, withPassword = false): string {
  const auth = encodeURIComponent(c.user) + (withPassword && c.password ? `:${encodeURIComponent(c.password)}` : '')
  const host = c.host.includes(':') ? `[${c.host}]` : c.host
  return `postgres://${auth}@${host}:${c.port}/${encodeURIComponent(c.database)}?sslmode=${c.sslMode}`
}

const ENV_KEYS = ['DB_HOST', 'DB_PORT', 'DB_USER', 'DB_PASSWORD', 'DB_NAME'] as const

/** Read the notes' `.env` settings (DB_USER, DB_PASSWORD, DB_HOST, DB_PORT, DB_NAME; DB_SSLMODE too). */
export function parseEnvFile(text: string): { config: ServerConfig; found: string[]; missing: string[] } {
  const vars = new Map<string, string>()
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim()
    if (!line || line.startsWith('#')) continue
    const m = /^(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*)$/.exec(line)
    if (!m) continue
    let v = m[2].trim()
    if ((v.startsWith('"') && v.endsWith('"')) || (v.startsWith("'") && v.endsWith("'"))) v = v.slice(1, -1)
    else v = v.replace(/\s+#.*$/, '')
    vars.set(m[1], v)
  }
  if (vars.has('DATABASE_URL') && !vars.has('DB_HOST')) {
    return { config: parseServerUrl(vars.get('DATABASE_URL')!), found: ['DATABASE_URL'], missing: [] }
  }
  const port = vars.has('DB_PORT') ? Number(vars.get('DB_PORT')) : 5432
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new AppError('BAD_REQUEST', `DB_PORT must be a port number, got "${vars.get('DB_PORT')}"`)
  const ssl = vars.get('DB_SSLMODE') ?? 'prefer'
  if (!(SSL_MODES as readonly string[]).includes(ssl)) throw new AppError('BAD_REQUEST', `Unknown DB_SSLMODE "${ssl}"`)
  const config = postgresConfigSchema.parse({
    engine: 'postgres',
    host: vars.get('DB_HOST') || '127.0.0.1',
    port,
    user: vars.get('DB_USER') || 'postgres',
    password: vars.get('DB_PASSWORD'),
    database: vars.get('DB_NAME') || 'postgres',
    sslMode: ssl,
  })
  return { config, found: ENV_KEYS.filter((k) => vars.has(k)), missing: ENV_KEYS.filter((k) => !vars.has(k)) }
}
