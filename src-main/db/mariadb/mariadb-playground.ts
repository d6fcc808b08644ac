import { randomBytes } from 'node:crypto'
import { mkdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { PlaygroundStatus } from '../../../src-shared/contract'
import type { MariadbConfig } from '../../../src-shared/connection'
import { AppError } from '../../../src-shared/errors'
import type { Driver } from '../driver'
import { writeFileAtomic } from '../atomic-write'
import { PlaygroundBase } from '../playground-base'
import { MariadbDriver } from './mariadb-driver'
import { mariadbBinary, MariadbServer, NO_MARIADB } from './mariadb-server'

const DATABASE = 'schemist'

interface State {
  /** root's password, kept in a 0600 file beside the server's files (which hold the data anyway). */
  password: string
  sampleLoaded: boolean
}

/**
 * The local MariaDB playground: a private server from the machine's own `mariadbd` (Debian's
 * mariadb-server package), its files in the app's data directory, listening on a loopback port
 * only, root with a password of its own, and the sample schema in database `schemist`. Without
 * the binary, it says how to get one.
 */
export class MariadbPlayground extends PlaygroundBase {
  private server: MariadbServer | null = null

  constructor(
    dataDir: string,
    private readonly seed: (driver: Driver) => Promise<void>,
  ) {
    super('mariadb', join(dataDir, 'playground-mariadb'), mariadbBinary() ? null : NO_MARIADB)
  }

  private get stateFile() {
    return join(this.root, 'playground.json')
  }

  private async readState(): Promise<State | null> {
    try {
      return JSON.parse(await readFile(this.stateFile, 'utf8')) as State
    } catch {
      return null
    }
  }

  async config(): Promise<MariadbConfig> {
    const st = await this.readState()
    if (!st || !this.server || this.status.state !== 'running')
      throw new AppError('NOT_FOUND', 'The MariaDB playground is not running; start it first')
    return {
      engine: 'mariadb',
      host: '127.0.0.1',
      port: this.server.port,
      user: 'root',
      password: st.password,
      database: DATABASE,
      sslMode: 'disable',
    }
  }

  protected async doStart(): Promise<PlaygroundStatus> {
    if (this.status.state === 'running') return this.status
    if (!mariadbBinary()) {
      this.set({ available: false, message: NO_MARIADB })
      throw new AppError('NOT_FOUND', NO_MARIADB)
    }
    this.set({ state: 'starting', message: 'Starting MariaDB…' })
    try {
      await mkdir(this.root, { recursive: true, mode: 0o700 })
      let state = await this.readState()
      const server = new MariadbServer(this.root, state?.password)
      if (!state || !server.initialized) {
        // A server without its password file (or the reverse) starts over.
        await rm(join(this.root, 'data'), { recursive: true, force: true })
        state = { password: randomBytes(18).toString('base64url'), sampleLoaded: false }
        await writeFileAtomic(this.stateFile, JSON.stringify(state), 0o600)
        this.set({ message: 'Creating the server (first start)…' })
      }
      this.server = new MariadbServer(this.root, state.password)
      const admin = await this.server.start()
      if (!state.sampleLoaded) {
        this.set({ message: 'Loading the sample schema…' })
        const d = await MariadbDriver.open(admin)
        try {
          await d.query(`DROP DATABASE IF EXISTS ${DATABASE}`)
          await d.query(`CREATE DATABASE ${DATABASE}`)
        } finally {
          await d.close()
        }
        const driver = await MariadbDriver.open({ ...admin, database: DATABASE })
        try {
          await this.seed(driver)
        } finally {
          await driver.close()
        }
        state.sampleLoaded = true
        await writeFileAtomic(this.stateFile, JSON.stringify(state), 0o600)
      }
      this.set({ state: 'running', port: this.server.port, message: null })
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e)
      await this.server?.stop().catch(() => {})
      this.server = null
      this.set({ state: 'error', port: null, message: `The MariaDB playground could not start: ${message}` })
      throw new AppError('INTERNAL', this.status.message!)
    }
    return this.status
  }

  protected async doStop(): Promise<PlaygroundStatus> {
    if (this.server) {
      this.set({ state: 'stopping', message: 'Stopping MariaDB…' })
      try {
        await this.server.stop()
      } finally {
        this.server = null
      }
    }
    this.set({ state: 'stopped', port: null, message: this.status.available ? null : NO_MARIADB })
    return this.status
  }

  protected async wipe() {
    await rm(this.root, { recursive: true, force: true })
  }
}
