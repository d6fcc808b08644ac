import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import type { MariadbConfig } from '../../../src-shared/connection'
import { freePort } from '../free-port'
import { MariadbDriver } from './mariadb-driver'

const run = promisify(execFile)

/** Where Debian's `mariadb-server` (or a MySQL server) puts its binaries. */
const SEARCH = ['/usr/sbin', '/usr/bin', '/usr/local/sbin', '/usr/local/bin', '/usr/local/mysql/bin']

/** The server binary on this machine, if there is one: mariadbd, or mysqld. */
export function mariadbBinary(): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(':'), ...SEARCH])
    for (const name of ['mariadbd', 'mysqld']) if (dir && existsSync(join(dir, name))) return join(dir, name)
  return null
}

export const NO_MARIADB =
  "No MariaDB server on this machine: install Debian's mariadb-server package (apt-get install mariadb-server), or connect to a server by its address"

/**
 * A private MariaDB server: its own data directory, a loopback port, no system files read
 * (--no-defaults), root without a password on 127.0.0.1 only. For tests and the playground.
 */
export class MariadbServer {
  private proc: ChildProcess | null = null
  port = 0

  /** `password`: root's, once set (the playground sets one); tests leave root without one. */
  constructor(
    readonly dataDir: string,
    private readonly password?: string,
  ) {}

  /** Whether the data directory holds a server's files already. */
  get initialized(): boolean {
    const data = join(this.dataDir, 'data')
    return existsSync(data) && readdirSync(data).length > 0
  }

  async start(): Promise<MariadbConfig> {
    const bin = mariadbBinary()
    if (!bin) throw new Error(NO_MARIADB)
    const data = join(this.dataDir, 'data')
    const fresh = !this.initialized
    if (fresh) {
      mkdirSync(data, { recursive: true })
      const install = join(bin, '..', '..', 'bin', 'mariadb-install-db')
      await run(existsSync(install) ? install : 'mariadb-install-db', [
        '--no-defaults',
        `--datadir=${data}`,
        '--auth-root-authentication-method=normal',
        '--skip-test-db',
        ...(process.getuid?.() === 0 ? ['--user=root'] : []),
      ])
    }
    this.port = await freePort()
    const args = [
      '--no-defaults',
      `--datadir=${data}`,
      `--port=${this.port}`,
      '--bind-address=127.0.0.1',
      `--socket=${join(this.dataDir, 'mariadb.sock')}`,
      `--pid-file=${join(this.dataDir, 'mariadb.pid')}`,
      `--log-error=${join(this.dataDir, 'error.log')}`,
      '--skip-name-resolve',
      '--character-set-server=utf8mb4',
      '--collation-server=utf8mb4_unicode_ci',
      // A quick stop: the buffer pool is not saved for the next start.
      '--innodb-buffer-pool-dump-at-shutdown=0',
      '--innodb-buffer-pool-load-at-startup=0',
      '--innodb-buffer-pool-size=64M',
      '--innodb-log-file-size=16M',
      ...(process.getuid?.() === 0 ? ['--user=root'] : []),
    ]
    this.proc = spawn(bin, args, { stdio: 'ignore' })
    const config: MariadbConfig = {
      engine: 'mariadb',
      host: '127.0.0.1',
      port: this.port,
      user: 'root',
      database: 'mysql',
      sslMode: 'disable',
      ...(this.password ? { password: this.password } : {}),
    }
    const deadline = Date.now() + 30_000
    // A fresh server's root has no password yet: it gets the one given here, once it answers.
    let d: MariadbDriver
    for (;;) {
      try {
        d = await MariadbDriver.open(fresh ? { ...config, password: undefined } : config)
        break
      } catch (e) {
        if (Date.now() > deadline || this.proc.exitCode !== null)
          throw new Error(`MariaDB did not start (see ${join(this.dataDir, 'error.log')}): ${(e as Error).message}`)
        await new Promise((r) => setTimeout(r, 200))
      }
    }
    try {
      if (fresh && this.password) await this.setRootPassword(d, this.password)
    } finally {
      await d.close()
    }
    return config
  }

  private async setRootPassword(d: MariadbDriver, password: string) {
    // Entries by host name (root@<machine>) are never matched under --skip-name-resolve, and ALTER USER refuses them.
    const hosts = await d.query(
      "SELECT Host FROM mysql.user WHERE User = 'root' AND Host IN ('localhost', '127.0.0.1', '::1', '%')",
    )
    for (const [host] of hosts.rows)
      await d.query(
        `ALTER USER 'root'@${d.dialect.sqlLiteral(String(host))} IDENTIFIED BY ${d.dialect.sqlLiteral(password)}`,
      )
  }

  async stop(): Promise<void> {
    const p = this.proc
    this.proc = null
    if (!p || p.exitCode !== null) return
    const exited = new Promise((r) => p.once('exit', r))
    p.kill('SIGTERM')
    let timer: NodeJS.Timeout | undefined
    await Promise.race([exited, new Promise((r) => (timer = setTimeout(r, 15_000)))])
    clearTimeout(timer)
    if (p.exitCode === null) p.kill('SIGKILL')
  }
}
