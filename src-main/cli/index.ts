import { AppError } from '../../src-shared/errors'
import { openDriver } from '../db/open-driver'
import type { Driver } from '../db/driver'
import { loadSample } from '../sample/load-sample'
import { parseConnectionArg } from './connection-arg'
import { formatSchema } from './format-schema'
import { ormDemo } from './orm-demo'

// The headless CLI over the same services the app uses. Every command takes --json.

interface Parsed {
  positional: string[]
  flags: Map<string, string | true>
}

function parseArgs(argv: string[]): Parsed {
  const positional: string[] = []
  const flags = new Map<string, string | true>()
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]
    if (a.startsWith('--')) {
      const [k, v] = a.slice(2).split('=', 2)
      if (v !== undefined) flags.set(k, v)
      else if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--') && VALUE_FLAGS.has(k)) flags.set(k, argv[++i])
      else flags.set(k, true)
    } else positional.push(a)
  }
  return { positional, flags }
}

const VALUE_FLAGS = new Set(['connection', 'dialect', 'to'])

const USAGE = `schemist <command> [options]

Commands:
  introspect <connection>     Print the schema (tables, columns, keys, constraints, indexes)
  sample <file.sqlite>        Create a SQLite file with the bundled sample schema and rows
  orm-demo <connection>       Run a scripted unit of work on the sample schema and print its SQL
                              (rolled back at the end; --commit keeps it)

<connection> is a SQLite file path or a postgres://user:pass@host:port/db URL.
Every command takes --json for machine-readable output.`

async function withDriver<T>(arg: string | undefined, fn: (d: Driver) => Promise<T>, create = false): Promise<T> {
  const driver = await openDriver(parseConnectionArg(arg, { create }))
  try {
    return await fn(driver)
  } finally {
    await driver.close()
  }
}

export async function runCli(argv: string[], out: (s: string) => void = (s) => process.stdout.write(s + '\n')): Promise<number> {
  const { positional, flags } = parseArgs(argv)
  const json = flags.has('json')
  const [command, ...rest] = positional
  try {
    switch (command) {
      case 'introspect': {
        const schema = await withDriver(rest[0] ?? (flags.get('connection') as string | undefined), (d) => d.dialect.introspect(d))
        out(json ? JSON.stringify(schema, null, 2) : formatSchema(schema))
        return 0
      }
      case 'sample': {
        await withDriver(rest[0], (d) => loadSample(d), true)
        out(json ? JSON.stringify({ created: rest[0] }) : `Created the sample database at ${rest[0]}`)
        return 0
      }
      case 'orm-demo': {
        const steps = await withDriver(rest[0], (d) => ormDemo(d, json ? () => {} : out, { commit: flags.has('commit') }))
        if (json) out(JSON.stringify(steps.map((st) => ({ step: st.step, sql: st.sql.map((e) => ({ sql: e.sql, params: e.params, executions: e.executions, rows: e.rows, ms: Math.round(e.durationMs * 100) / 100 })) })), null, 2))
        return 0
      }
      case undefined:
      case 'help':
        out(USAGE)
        return command ? 0 : 2
      default:
        throw new AppError('BAD_REQUEST', `Unknown command "${command}"\n\n${USAGE}`)
    }
  } catch (e) {
    const err = e instanceof AppError ? e.toInfo() : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) }
    if (json) out(JSON.stringify({ error: err }))
    else process.stderr.write(`error [${err.code}]: ${err.message}\n`)
    return 1
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => process.exit(code))
}
