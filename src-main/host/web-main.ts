import { join } from 'node:path'
import { createHandlers } from '../bridge/handlers'
import { createRouter } from '../bridge/router'
import { defaultDataDir, resourcesDir } from '../app-paths'
import { createServices } from '../services'
import { startWebHost } from './web-host'
import { version } from '../../package.json'

// The web host: the same services and handlers Electron uses, served to a browser.
async function main() {
  const services = await createServices({ dataDir: defaultDataDir(), resourcesDir: resourcesDir(), transport: 'web', version, encryptor: null })
  const router = createRouter(createHandlers(services))
  const port = process.env.SCHEMIST_PORT ? Number(process.env.SCHEMIST_PORT) : 0
  const host = await startWebHost({ router, events: services.events, staticDir: join(__dirname, '../renderer'), port, token: process.env.SCHEMIST_TOKEN || undefined })
  services.events.subscribe((event, payload) => {
    if (event === 'onLog' && process.env.SCHEMIST_VERBOSE) console.log(JSON.stringify(payload))
  })
  console.log(`Schemist is running in web mode at:\n\n  ${host.url}\n\nData directory: ${services.info.dataDir}\nPasswords you save are kept in memory for this run only.\nPress Ctrl+C to stop.`)
  let stopping = false
  const stop = async () => {
    if (stopping) return
    stopping = true
    await host.close()
    await services.dispose()
    process.exit(0)
  }
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
