import { z } from 'zod'
import { connectionConfigSchema, openConnectionSchema, serverConfigSchema, savedConnectionSchema } from '../connection'
import { method, none, handle, testResultSchema } from './kit'

/** Connections. */
export const connectionsMethods = {
  'connections.list': method({
    doc: 'Saved connections, passwords never included.',
    input: none,
    output: z.array(savedConnectionSchema),
  }),
  'connections.save': method({
    doc: "Create or update a saved connection. The password is kept per `rememberPassword` and the app's secret storage.",
    input: z.object({
      id: z.string().optional(),
      name: z.string().min(1),
      config: connectionConfigSchema,
      rememberPassword: z.boolean().default(true),
    }),
    output: savedConnectionSchema,
  }),
  'connections.remove': method({
    doc: 'Delete a saved connection and its stored password.',
    input: z.object({ id: z.string() }),
    output: z.null(),
  }),
  'connections.test': method({
    doc: 'Connect once and report the server version, or a specific error (wrong password, unreachable host, missing database, not a SQLite file).',
    input: z.object({ config: connectionConfigSchema }),
    output: testResultSchema,
  }),
  'connections.open': method({
    doc: 'Open a saved connection (by id) or an ad-hoc config; returns a handle for later calls.',
    input: z.union([
      z.object({ id: z.string() }),
      z.object({ config: connectionConfigSchema, name: z.string().optional() }),
    ]),
    output: openConnectionSchema,
  }),
  'connections.close': method({
    doc: 'Close an open connection handle.',
    input: z.object({ handle }),
    output: z.null(),
  }),
  'connections.reconnect': method({
    doc: 'Open a fresh connection under the same handle (after `onConnectionLost`, or to start over): tabs keep working; what the old connection had not committed is gone.',
    input: z.object({ handle }),
    output: openConnectionSchema,
  }),
  'connections.listOpen': method({
    doc: 'Currently open connection handles.',
    input: none,
    output: z.array(openConnectionSchema),
  }),
  'connections.parseUrl': method({
    doc: 'Parse a postgres:// or mysql:// (mariadb://) URL into connection fields.',
    input: z.object({ url: z.string() }),
    output: serverConfigSchema,
  }),
  'connections.parseEnv': method({
    doc: 'Read DB_USER, DB_PASSWORD, DB_HOST, DB_PORT, DB_NAME (and DB_SSLMODE) from .env text.',
    input: z.object({ text: z.string() }),
    output: z.object({ config: serverConfigSchema, found: z.array(z.string()), missing: z.array(z.string()) }),
  }),
} as const
