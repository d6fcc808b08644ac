import { z } from 'zod'

export const SSL_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const
export type SslMode = (typeof SSL_MODES)[number]

export const sqliteConfigSchema = z.object({
  engine: z.literal('sqlite'),
  path: z.string().min(1, 'Choose a database file'),
  /** Create the file when it does not exist (otherwise a missing file is an error). */
  create: z.boolean().default(false),
  readOnly: z.boolean().default(false),
})

export const postgresConfigSchema = z.object({
  engine: z.literal('postgres'),
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(1).max(65535).default(5432),
  user: z.string().min(1).default('postgres'),
  password: z.string().optional(),
  database: z.string().min(1).default('postgres'),
  sslMode: z.enum(SSL_MODES).default('prefer'),
})

/** MariaDB or MySQL: a server with the same fields as PostgreSQL's, and its own defaults. */
export const mariadbConfigSchema = postgresConfigSchema.extend({
  engine: z.literal('mariadb'),
  port: z.number().int().min(1).max(65535).default(3306),
  user: z.string().min(1).default('root'),
  database: z.string().min(1).default('mysql'),
})

export const connectionConfigSchema = z.discriminatedUnion('engine', [
  sqliteConfigSchema,
  postgresConfigSchema,
  mariadbConfigSchema,
])
/** An engine's name, as the configs above spell it (the one place the list is written out). */
export const engineSchema = z.union([
  sqliteConfigSchema.shape.engine,
  postgresConfigSchema.shape.engine,
  mariadbConfigSchema.shape.engine,
])
export type SqliteConfig = z.infer<typeof sqliteConfigSchema>
export type PostgresConfig = z.infer<typeof postgresConfigSchema>
export type MariadbConfig = z.infer<typeof mariadbConfigSchema>
/** A connection to a server engine: the same fields whatever the engine. */
export type ServerConfig = PostgresConfig | MariadbConfig
/** A server URL or .env file read into fields: whichever server engine it names. */
export const serverConfigSchema = z.discriminatedUnion('engine', [postgresConfigSchema, mariadbConfigSchema])
export type ConnectionConfig = z.infer<typeof connectionConfigSchema>
export type Engine = ConnectionConfig['engine']

export const savedConnectionSchema = z.object({
  id: z.string(),
  name: z.string(),
  config: connectionConfigSchema,
  /** Where the password lives: nowhere, in memory for this run, or encrypted on disk. */
  passwordStorage: z.enum(['none', 'memory', 'encrypted']),
  /** Built-in entries (the sample database, the playground) cannot be deleted. */
  builtin: z.enum(['sample', 'playground']).optional(),
  color: z.string().optional(),
})
export type SavedConnection = z.infer<typeof savedConnectionSchema>

/** Describes an open connection handle. */
export const openConnectionSchema = z.object({
  handle: z.string(),
  savedId: z.string().nullable(),
  name: z.string(),
  engine: engineSchema,
  database: z.string(),
  serverVersion: z.string(),
  readOnly: z.boolean(),
  /** Why the connection dropped, if it did: calls on it fail until `connections.reconnect`. */
  lost: z.string().optional(),
})
export type OpenConnection = z.infer<typeof openConnectionSchema>
