import { z } from 'zod'
import { PLAYGROUND_ENGINES } from '../engines'
import { method, none, handle, playgroundStatusSchema, appInfoSchema, pickPathSchema } from './kit'

/** Which playground: PostgreSQL's when none is named. */
const playgroundInput = z.object({ engine: z.enum(PLAYGROUND_ENGINES).default('postgres') }).strict()

/** The app, files, the playground. */
export const appMethods = {
  'app.info': method({
    doc: 'Version, transport and where the app keeps its data.',
    input: none,
    output: appInfoSchema,
  }),
  'app.pickPath': method({
    doc: "The operating system's open or save dialog, where the host has one (Electron). `native` is false on the web host, where the renderer asks for a path itself; `path` is null when the user cancelled.",
    input: pickPathSchema,
    output: z.object({ native: z.boolean(), path: z.string().nullable() }),
  }),
  'files.downloadTarget': method({
    doc: "Web mode: a fresh path on the host to write a file the browser then downloads (once) from `url`, with the run's token. An export to this path becomes a browser download.",
    input: z.object({ name: z.string().min(1).max(200) }),
    output: z.object({ path: z.string(), url: z.string() }),
  }),
  'files.snapshotDatabase': method({
    doc: "Web mode: a consistent copy of a SQLite connection's database (VACUUM INTO), to download from `url`. Engines without a file refuse.",
    input: z.object({ handle }),
    output: z.object({ path: z.string(), url: z.string(), name: z.string() }),
  }),
  'playground.status': method({
    doc: 'State of a local playground (PostgreSQL unless another engine is named).',
    input: playgroundInput,
    output: playgroundStatusSchema,
  }),
  'playground.start': method({
    doc: 'Start (creating on first use, with the sample schema) a local playground server.',
    input: playgroundInput,
    output: playgroundStatusSchema,
  }),
  'playground.stop': method({
    doc: 'Stop the playground server; its data stays.',
    input: playgroundInput,
    output: playgroundStatusSchema,
  }),
  'playground.reset': method({
    doc: "Delete the playground server's data and create it again with the sample schema.",
    input: playgroundInput,
    output: playgroundStatusSchema,
  }),
} as const
