import { copyFile, mkdir } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import type { AppInfo, PickPathRequest } from '../src-shared/contract'
import { EventBus } from './events/event-bus'
import { ConnectionManager } from './db/connection-manager'
import { Playground } from './db/playground'
import { engineRoles } from './db/open-driver'
import type { PlaygroundBase } from './db/playground-base'
import { PLAYGROUND_ENGINES, type PlaygroundEngine } from '../src-shared/engines'
import { clearScratch } from './model/scratch'
import { SavedConnections } from './db/saved-connections'
import { SecretStore, type Encryptor } from './db/secret-store'
import { loadSample } from './sample/load-sample'
import { OrmSessions } from './orm/orm-sessions'
import { TableData } from './data/table-data'
import { QueryHistory } from './db/query-history'
import { Exporter } from './data/exporter'
import { Importer } from './data/importer'
import { TxConsoles } from './tx/tx-consoles'
import { ModelFiles } from './model/model-files'
import { ClientRegistry } from './clients/client-registry'
import { PathGrants } from './clients/path-grants'
import { fileOf } from '../src-shared/engines'

export const SAMPLE_CONNECTION_ID = 'sample'
export const PLAYGROUND_CONNECTION_ID = 'playground'

/** The saved connection of an engine's playground: `playground` for PostgreSQL's (as it always was), `playground-<engine>` for others. */
export function playgroundConnectionId(engine: PlaygroundEngine): string {
  return engine === PLAYGROUND_ENGINES[0] ? PLAYGROUND_CONNECTION_ID : `${PLAYGROUND_CONNECTION_ID}-${engine}`
}

export interface ServiceOptions {
  dataDir: string
  resourcesDir: string
  transport: AppInfo['transport']
  version: string
  /** Electron's safeStorage; null keeps passwords in memory only. */
  encryptor: Encryptor | null
  /** The host's native file dialog (Electron's); absent on the web host. Resolves null on cancel. */
  pickPath?: (req: PickPathRequest) => Promise<string | null>
  /** How long a client that went away keeps its transactions and work (default 15 s). */
  clientGraceMs?: number
}

/** Every service of the main process, built once and shared by both transports. */
export async function createServices(o: ServiceOptions) {
  await mkdir(o.dataDir, { recursive: true })
  await clearScratch(o.dataDir)
  const events = new EventBus()
  const graceFromEnv = Number(process.env.SCHEMIST_CLIENT_GRACE_MS)
  const clients = new ClientRegistry(
    o.clientGraceMs ?? (Number.isFinite(graceFromEnv) && graceFromEnv >= 0 ? graceFromEnv : 15_000),
    (m) => events.log('info', 'clients', m),
  )
  const secrets = new SecretStore(o.dataDir, o.encryptor)
  const saved = new SavedConnections(o.dataDir, secrets)
  const connections = new ConnectionManager(events)
  const orm = new OrmSessions(connections, events)
  const data = new TableData(connections)
  const history = new QueryHistory(o.dataDir, (m) => events.log('warn', 'history', m))
  const exporter = new Exporter(data, connections, events)
  const importer = new Importer(data, connections, events)
  const consoles = new TxConsoles(events)
  const models = new ModelFiles(o.dataDir)
  // Paths are confined to what the user picked where the host has a native dialog to pick them.
  const paths = new PathGrants(!!o.pickPath)
  paths.grantFolder(o.dataDir)
  for (const c of await saved.list()) {
    const file = fileOf(c.config)
    if (file !== null) paths.grant(file)
  }
  for (const m of await models.recent().catch(() => [])) paths.grant(m)
  const playground = new Playground(o.dataDir, loadSample, (m) => events.log('debug', 'playground', m))
  // PostgreSQL's playground is also the server that parses SQL imports (model handlers): it keeps its own name.
  const playgrounds = Object.fromEntries(
    PLAYGROUND_ENGINES.map((e) => [
      e,
      e === playground.engine
        ? playground
        : engineRoles(e).playground!(o.dataDir, loadSample, (m) => events.log('debug', `playground ${e}`, m)),
    ]),
  ) as Record<PlaygroundEngine, PlaygroundBase>
  /** The playground an engine's saved playground connection belongs to, if it has one. */
  const playgroundOf = (engine: string): PlaygroundBase | null =>
    (playgrounds as Record<string, PlaygroundBase | undefined>)[engine] ?? null
  for (const p of Object.values(playgrounds)) p.onStatus((s) => events.emit('onPlaygroundStatus', s))

  // The user works on a copy of the bundled sample, so edits never touch the app's resources.
  const samplePath = join(o.dataDir, 'sample.sqlite')
  if (!existsSync(samplePath)) await copyFile(join(o.resourcesDir, 'sample.sqlite'), samplePath)
  const list = await saved.list()
  if (!list.some((c) => c.id === SAMPLE_CONNECTION_ID)) {
    await saved.save({
      id: SAMPLE_CONNECTION_ID,
      name: 'Sample database',
      config: { engine: 'sqlite', path: samplePath, create: false, readOnly: false },
      rememberPassword: false,
      builtin: 'sample',
    })
  }

  const info: AppInfo = {
    version: o.version,
    transport: o.transport,
    dataDir: o.dataDir,
    secretStorage: secrets.kind,
    sampleConnectionId: SAMPLE_CONNECTION_ID,
    startupProblems: [...saved.problems, ...secrets.problems],
  }
  for (const p of info.startupProblems) events.log('warn', 'startup', p)

  async function dispose() {
    await clients.releaseAll()
    await history.flush().catch(() => {})
    await consoles.closeAll()
    await orm.closeAll()
    await connections.closeAll()
    for (const p of Object.values(playgrounds)) await p.stop().catch(() => {})
  }

  return {
    info,
    pickPath: o.pickPath ?? null,
    events,
    clients,
    paths,
    secrets,
    saved,
    connections,
    playground,
    playgrounds,
    playgroundOf,
    orm,
    data,
    history,
    exporter,
    importer,
    consoles,
    models,
    dispose,
  }
}

export type Services = Awaited<ReturnType<typeof createServices>>
