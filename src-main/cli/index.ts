import { AppError } from '../../src-shared/errors'
import { openDriver } from '../db/open-driver'
import type { Driver } from '../db/driver'
import { loadSample } from '../sample/load-sample'
import { parseConnectionArg } from './connection-arg'
import { formatSchema } from './format-schema'
import { ormDemo } from './orm-demo'
import { isolationCommand } from './isolation-commands'
import { fdCommand, normalizeCommand } from './fd-commands'
import { applyCommand, ddlCommand, diffCommand, exportCommand, importCommand, reverseCommand } from './model-commands'

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

const VALUE_FLAGS = new Set([
  'connection',
  'clients',
  'txns',
  'keys',
  'time',
  'alembic',
  'down-revision',
  'dialect',
  'to',
  'level',
  'max-error',
  'fd',
  'drop',
  'out',
  'separator',
])

const USAGE = `schemist <command> [options]

Commands:
  introspect <connection>     Print the schema (tables, columns, keys, constraints, indexes)
  sample <file.sqlite>        Create a SQLite file with the bundled sample schema and rows
  orm-demo <connection>       Run a scripted unit of work on the sample schema and print its SQL
                              (rolled back at the end; --commit keeps it)
  fd <table|file.csv> [--connection <c>] [--nulls-distinct] [--max-error 0.01]
                              Minimal functional dependencies (TANE or agree sets) and keys;
                              a CSV file: [--header|--no-header] [--separator ";"|tab]
                              (both guessed from the first line when not given)
  normalize <table|file.csv> [--connection <c>] [--to 1nf|3nf|bcnf|4nf|5nf] [--fd "a->b; c,d->e"] [--drop "x->y"]
                              The normal form, with the dependency that breaks the next one;
                              --to proposes the split, checks it is lossless, prints its SQL;
                              --apply runs it in one transaction (--keep-view: old name becomes a view)
  ddl <model.json> [--dialect sqlite|postgres]
                              The DDL that creates a designer model (problems on stderr)
  export sqlalchemy|typescript|dbml|svg <model.json>
                              SQLAlchemy 2.0 declarative models, TypeScript types, or the diagram
  import sqlalchemy <file.py | folder>... [--out model.json]
                              Read a SQLAlchemy project (files or a package folder, imports
                              between its modules followed); the report goes to stderr
  import sql|dbml <file> [--out model.json] [--connection postgres://…]
                              Read CREATE TABLE statements or DBML; SQL SQLite cannot read
                              goes to PostgreSQL on the --connection server
  reverse <connection> [--out model.json]
                              Reverse engineer a database into a model document
  diff <model.json> <connection | other.json> [--apply] [--dialect sqlite|postgres]
                              The migration from the database (or the first model) to the model,
                              keeping data; --apply runs it in one transaction;
                              --alembic "message" prints it as an Alembic revision instead
                              (down_revision from the database's alembic_version, or
                              --down-revision <id> between two models)
  apply <model.json> --connection <c>
                              Create the model's missing tables in one transaction (create_all)
  isolation scenarios         List the anomaly scenarios
  isolation scenario <id> --connection <c> [--level L]
                              Run one scenario step by step and print the verdict
  isolation run <file.spec> --connection <c>
                              Run a PostgreSQL isolation tester spec; print its .out format
  isolation workload --connection <c> [--level L] [--clients 4] [--txns 300] [--keys 2] [--time 10]
                              Find anomalies by experiment: concurrent read-then-write
                              transactions, their history checked (G0 ... G2, smallest witness)
  isolation matrix --connection <c>
                              Run every scenario at every isolation level; print the matrix
                              (scenarios use a scratch table, schemist_isolation_test)

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

export async function runCli(
  argv: string[],
  out: (s: string) => void = (s) => process.stdout.write(s + '\n'),
): Promise<number> {
  const { positional, flags } = parseArgs(argv)
  const json = flags.has('json')
  const [command, ...rest] = positional
  try {
    switch (command) {
      case 'introspect': {
        const schema = await withDriver(rest[0] ?? (flags.get('connection') as string | undefined), (d) =>
          d.dialect.introspect(d),
        )
        out(json ? JSON.stringify(schema, null, 2) : formatSchema(schema))
        return 0
      }
      case 'sample': {
        await withDriver(rest[0], (d) => loadSample(d), true)
        out(json ? JSON.stringify({ created: rest[0] }) : `Created the sample database at ${rest[0]}`)
        return 0
      }
      case 'orm-demo': {
        const steps = await withDriver(rest[0], (d) =>
          ormDemo(d, json ? () => {} : out, { commit: flags.has('commit') }),
        )
        if (json)
          out(
            JSON.stringify(
              steps.map((st) => ({
                step: st.step,
                sql: st.sql.map((e) => ({
                  sql: e.sql,
                  params: e.params,
                  executions: e.executions,
                  rows: e.rows,
                  ms: Math.round(e.durationMs * 100) / 100,
                })),
              })),
              null,
              2,
            ),
          )
        return 0
      }
      case 'fd':
        await fdCommand(rest[0], flags, out)
        return 0
      case 'normalize':
        await normalizeCommand(rest[0], flags, out)
        return 0
      case 'ddl':
        await ddlCommand(rest[0], flags, out)
        return 0
      case 'export':
        await exportCommand(rest[0], rest[1], out)
        return 0
      case 'import':
        await importCommand(rest[0], rest.slice(1), flags, out)
        return 0
      case 'reverse':
        await reverseCommand(rest[0] ?? (flags.get('connection') as string | undefined), flags, out)
        return 0
      case 'diff':
        await diffCommand(rest[0], rest[1], flags, out)
        return 0
      case 'apply':
        await applyCommand(rest[0], flags, out)
        return 0
      case 'isolation':
        return isolationCommand(rest, flags, out)
      case undefined:
      case 'help':
        out(USAGE)
        return command ? 0 : 2
      default:
        throw new AppError('BAD_REQUEST', `Unknown command "${command}"\n\n${USAGE}`)
    }
  } catch (e) {
    const err =
      e instanceof AppError ? e.toInfo() : { code: 'INTERNAL', message: e instanceof Error ? e.message : String(e) }
    if (json) out(JSON.stringify({ error: err }))
    else process.stderr.write(`error [${err.code}]: ${err.message}\n`)
    return 1
  }
}

if (require.main === module) {
  runCli(process.argv.slice(2)).then((code) => {
    // Exit only once stdout has drained: into a pipe, writes are asynchronous, and exiting at
    // once cut a piped result at 64 KB.
    process.stdout.write('', () => process.exit(code))
  })
}
