import { join } from 'node:path'
import { createHandlers } from '../bridge/handlers'
import { createRouter } from '../bridge/router'
import { defaultDataDir, resourcesDir } from '../app-paths'
import { createServices } from '../services'
import { startWebHost } from './web-host'
import { version } from '../../package.json'

// The web host: the same services and handlers Electron uses, served to a browser.
async function main() {
  const services = await createServices({
    dataDir: defaultDataDir(),
    resourcesDir: resourcesDir(),
    transport: 'web',
    version,
    encryptor: null,
  })
  const router = createRouter(createHandlers(services))
  const port = process.env.SCHEMIST_PORT ? Number(process.env.SCHEMIST_PORT) : 0
  const log = (m: string) => services.events.log('warn', 'host', m)
  const host = await startWebHost({
    router,
    events: services.events,
    staticDir: join(__dirname, '../renderer'),
    port,
    token: process.env.SCHEMIST_TOKEN || undefined,
    clients: services.clients,
    log,
    filesDir: services.info.dataDir,
  })
  // The last resort: a fault no handler caught is logged and the host keeps serving its other
  // clients (every request path has its own handling; this is for what slips through).
  process.on('uncaughtException', (e) => console.error('Schemist host: uncaught', e))
  process.on('unhandledRejection', (e) => console.error('Schemist host: unhandled rejection', e))
  services.events.subscribe((event, payload) => {
    if (event === 'onLog' && process.env.SCHEMIST_VERBOSE) console.log(JSON.stringify(payload))
  })
  console.log(
    `Schemist is running in web mode at:\n\n  ${host.url}\n\nData directory: ${services.info.dataDir}\nPasswords you save are kept in memory for this run only.\nPress Ctrl+C to stop.`,
  )
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    // Shutdown has a deadline: queued work was dropped with the sockets, and what runs is
    // cancelled by dispose; a statement that ignores cancel does not keep the process alive.
    setTimeout(() => process.exit(0), 5000).unref()
    await host.close()
    await services.dispose().catch((e) => console.error(e))
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
