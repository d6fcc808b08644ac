// npm run bench -- grid [--rows=1000000] [--runs=15] [--warmup-ms=300]
// The data grid's pages through the bridge (WebSocket host, the real handlers) on a generated
// table, against the same page fetched by the raw driver (better-sqlite3 / pg) in this process.
import Database from 'better-sqlite3'
import pg from 'pg'
import WebSocket, { WebSocketServer } from 'ws'
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ConnectionConfig } from '../src-shared/connection'
import type { Cursor, Page } from '../src-shared/grid'
import { createHandlers } from '../src-main/bridge/handlers'
import { createRouter } from '../src-main/bridge/router'
import { startWebHost } from '../src-main/host/web-host'
import { createServices } from '../src-main/services'
import { Playground } from '../src-main/db/playground'
import { pageQuery } from '../src-main/data/keyset-pager'
import { sqliteDialect } from '../src-main/db/sqlite/sqlite-dialect'
import { postgresDialect } from '../src-main/db/postgres/pg-dialect'
import { argValue, median, report } from './bench-lib'
import { COLUMNAR_FIELDS, decodeReplyFrame, encodeReplyFrame } from '../src-shared/columnar-reply'

const ROWS = argValue('rows', 1_000_000)
const RUNS = argValue('runs', 15)
const WARMUP_MS = argValue('warmup-ms', 300)
const DEEP = Math.floor(ROWS * 0.9)
const dir = mkdtempSync(join(tmpdir(), 'schemist-bench-grid-'))

/** A bridge client as the renderer's: it asks for replies with tables as columnar frames. */
async function bridgeClient(port: number, token: string) {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/bridge?token=${token}&frames=columnar`, {
    origin: `http://127.0.0.1:${port}`,
  })
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)))
  let id = 1
  const waiting = new Map<number, (v: unknown) => void>()
  ws.on('message', (d, binary) => {
    const m = binary ? decodeReplyFrame(d as Buffer) : JSON.parse(String(d))
    if (m.type === 'reply') waiting.get(m.id)?.(m.envelope)
  })
  return {
    call<T>(method: string, input: unknown): Promise<T> {
      const n = id++
      return new Promise((resolve, reject) => {
        waiting.set(n, (e) => {
          const env = e as { ok: boolean; value: T; error?: { message: string } }
          if (env.ok) resolve(env.value)
          else reject(new Error(env.error!.message))
        })
        ws.send(JSON.stringify({ id: n, method, input }))
      })
    },
    close: () => ws.close(),
  }
}

/**
 * The transport's own round trip, the baseline for the bridge's: a WebSocket server in this
 * process that sends each message straight back, and a client that waits for it (no routing,
 * no validation, no handler).
 */
async function echoTransport() {
  const server = new WebSocketServer({ port: 0, host: '127.0.0.1' })
  await new Promise((r) => server.once('listening', r))
  server.on('connection', (sock) => sock.on('message', (d) => sock.send(d)))
  const port = (server.address() as { port: number }).port
  const ws = new WebSocket(`ws://127.0.0.1:${port}`)
  await new Promise((r, j) => (ws.once('open', r), ws.once('error', j)))
  let next: ((v: unknown) => void) | null = null
  ws.on('message', () => next?.(undefined))
  return {
    trip: (message: string) =>
      new Promise((resolve) => {
        next = resolve
        ws.send(message)
      }),
    close: async () => {
      ws.close()
      await new Promise((r) => server.close(r))
    },
  }
}

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now()
  await fn()
  return performance.now() - t
}

async function series(fn: () => Promise<unknown>): Promise<number> {
  for (let i = 0; i < 3; i++) await fn()
  const xs: number[] = []
  for (let i = 0; i < RUNS; i++) xs.push(await timeIt(fn))
  return median(xs)
}

/**
 * Two lanes measured in turn (a, b, a, b...), so a server's drift is not charged to one of them;
 * first warmed up in turn, for at least 10 pairs and WARMUP_MS (the rule every bench uses).
 */
async function pair(a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  const until = performance.now() + WARMUP_MS
  for (let i = 0; i < 10 || (performance.now() < until && i < 2000); i++) (await a(), await b())
  const xs: number[] = []
  const ys: number[] = []
  for (let i = 0; i < RUNS; i++) {
    xs.push(await timeIt(a))
    ys.push(await timeIt(b))
  }
  return [median(xs), median(ys)]
}

function tableModel(schema: string | null) {
  const col = (name: string, type: 'integer' | 'text', pk = 0) => ({
    name,
    type,
    nativeType: type,
    nullable: pk === 0,
    serverDefault: null,
    autoincrement: pk > 0,
    primaryKey: pk,
    unique: false,
  })
  return {
    schema,
    name: 'big',
    kind: 'table' as const,
    columns: [col('id', 'integer', 1), col('name', 'text'), col('bucket', 'integer'), col('created', 'text')],
    primaryKeyName: null,
    foreignKeys: [],
    uniques: [],
    checks: [],
    indexes: [],
    definition: null,
    hasRowid: true,
  }
}

async function main() {
  const resources = join(dir, 'resources')
  mkdirSync(resources)
  // The services want a bundled sample; an empty SQLite file will do for this bench.
  new Database(join(resources, 'sample.sqlite')).close()
  const services = await createServices({
    dataDir: join(dir, 'data'),
    resourcesDir: resources,
    transport: 'web',
    version: 'bench',
    encryptor: null,
  })
  const staticDir = join(dir, 'static')
  mkdirSync(staticDir)
  writeFileSync(join(staticDir, 'index.html'), '')
  const host = await startWebHost({
    router: createRouter(createHandlers(services)),
    events: services.events,
    staticDir,
  })
  const bridge = await bridgeClient(host.port, host.token)

  // --- data ---
  const sqlitePath = join(dir, 'big.sqlite')
  const sdb = new Database(sqlitePath)
  sdb.pragma('journal_mode = WAL')
  sdb.exec('CREATE TABLE big (id INTEGER PRIMARY KEY, name TEXT, bucket INTEGER, created TEXT)')
  const ins = sdb.prepare('INSERT INTO big (name, bucket, created) VALUES (?, ?, ?)')
  sdb.transaction(() => {
    for (let i = 1; i <= ROWS; i++) ins.run(`name ${i % 997}`, i % 13, '2026-01-01 00:00:00')
  })()
  const pgPlayground = new Playground(join(dir, 'pgdata'), async () => {})
  await pgPlayground.start()
  const pgConfig = await pgPlayground.config()
  const pgc = new pg.Client({
    host: pgConfig.host,
    port: pgConfig.port,
    user: pgConfig.user,
    password: pgConfig.password,
    database: pgConfig.database,
  })
  await pgc.connect()
  await pgc.query('CREATE TABLE big (id integer PRIMARY KEY, name text, bucket integer, created text)')
  await pgc.query(
    `INSERT INTO big SELECT i, 'name ' || (i % 997), i % 13, '2026-01-01 00:00:00' FROM generate_series(1, ${ROWS}) AS i`,
  )
  await pgc.query('ANALYZE big')

  const engines: {
    name: string
    config: ConnectionConfig
    raw: (sql: string, params: unknown[]) => Promise<unknown>
    dialect: typeof sqliteDialect
    schema: string | null
  }[] = [
    {
      name: 'sqlite',
      config: { engine: 'sqlite', path: sqlitePath, create: false, readOnly: false },
      raw: async (sql, params) =>
        sdb
          .prepare(sql)
          .raw(true)
          .all(...params),
      dialect: sqliteDialect,
      schema: null,
    },
    {
      name: 'postgres',
      config: pgConfig,
      raw: (sql, params) => pgc.query({ text: sql, values: params, rowMode: 'array' }),
      dialect: postgresDialect,
      schema: 'public',
    },
  ]

  for (const e of engines) {
    const { handle } = await bridge.call<{ handle: string }>('connections.open', { config: e.config })
    const view = { handle, table: { schema: e.schema, name: 'big' }, sort: [], filter: null, where: '' }
    const page = (req: object) => bridge.call<Page>('data.page', { ...view, limit: 100, ...req })
    const t = tableModel(e.schema)
    const rawPage = (req: { after: Cursor | null; before: Cursor | null; fromEnd: boolean; skip?: number }) => {
      const q = pageQuery(t, { table: view.table, sort: [], filter: null, where: '' }, e.dialect, {
        ...req,
        limit: 100,
      })
      return () => e.raw(q.sql, q.params)
    }
    // Warm the request path up first (the bridge, the handler, the page building): for its first
    // few dozen calls V8 has not compiled it yet, and the figures are of a session in use.
    for (let i = 0; i < 100; i++) {
      await page({})
      await services.data.page({ ...view, after: null, before: null, fromEnd: false, limit: 100 })
    }
    const count = await bridge.call<{ count: number; exact: boolean }>('data.count', view)
    const indexMs = await timeIt(() => bridge.call('data.locate', { ...view, row: DEEP }))
    const at = await bridge.call<{ after: Cursor | null; skip: number }>('data.locate', { ...view, row: DEEP })

    const [first, firstRaw] = await pair(() => page({}), rawPage({ after: null, before: null, fromEnd: false }))
    const [deep, deepRaw] = await pair(
      () => page({ after: at.after, skip: at.skip }),
      rawPage({ after: at.after, before: null, fromEnd: false, skip: at.skip }),
    )
    const deepWithLocate = await series(async () => {
      const a = await bridge.call<{ after: Cursor | null; skip: number }>('data.locate', { ...view, row: DEEP })
      await page({ after: a.after, skip: a.skip })
    })
    const bigQuery = pageQuery(t, { table: view.table, sort: [], filter: null, where: '' }, e.dialect, {
      after: null,
      before: null,
      fromEnd: false,
      limit: 2000,
    })
    const [big, bigRaw] = await pair(
      () => page({ limit: 2000 }),
      async () => e.raw(bigQuery.sql, bigQuery.params),
    )
    // The 2,000-row page's breakdown: the service in this process (driver, worker hop, page
    // building) and the reply's JSON, encoded and decoded as the two ends of the bridge do.
    const bigRequest = { ...view, after: null, before: null, fromEnd: false, limit: 2000 }
    // In process the rows are read, as a caller here would (a SQLite page's stay columns until
    // read, and the bridge sends them as such: its figures include the client's rows).
    const [bigIn, bigInRaw] = await pair(
      async () => (await services.data.page(bigRequest)).rows.length,
      async () => e.raw(bigQuery.sql, bigQuery.params),
    )
    // The page's query through our driver alone (for SQLite, to its worker thread and back with
    // the rows) against the raw driver's, measured in turn: the rest of the service's time on top
    // is building the page.
    const driver = services.connections.driver(handle)
    const [bigDriver, bigDriverRaw] = await pair(
      async () => (await driver.query(bigQuery.sql, bigQuery.params)).rows.length,
      () => e.raw(bigQuery.sql, bigQuery.params),
    )
    // Two pages: writing one as JSON reads its rows, and the frame is written from a SQLite
    // page's columns, as the bridge gets it.
    const bigPage = await services.data.page(bigRequest)
    const bigPageJson = await services.data.page(bigRequest)
    const bigJson = await series(async () =>
      JSON.parse(
        Buffer.from(JSON.stringify({ type: 'reply', id: 1, envelope: { ok: true, value: bigPageJson } })).toString(),
      ),
    )
    // Warmed up first, as the bridge's path is by the pages before: for a few dozen calls V8 has
    // not compiled the writer yet.
    for (let i = 0; i < 100; i++) encodeReplyFrame(1, { ok: true, value: bigPage }, COLUMNAR_FIELDS['data.page']!)
    const bigFrame = await series(async () =>
      decodeReplyFrame(encodeReplyFrame(1, { ok: true, value: bigPage }, COLUMNAR_FIELDS['data.page']!)!),
    )
    const [last, lastRaw] = await pair(
      () => page({ fromEnd: true }),
      rawPage({ after: null, before: null, fromEnd: true }),
    )
    // Where the bridge's time goes: the same page from the service in this process (driver, worker
    // thread for SQLite, page building; no transport), and an empty round trip over the bridge.
    const [inProcess, inProcessRaw] = await pair(
      async () => (await services.data.page({ ...view, after: null, before: null, fromEnd: false, limit: 100 })).rows,
      rawPage({ after: null, before: null, fromEnd: false }),
    )
    const emptyTrip = await series(() => bridge.call('app.info', {}))
    // A small grid request through the bridge (a one-row page) and an empty one (app.info), each
    // against the transport's own echo of a message of the same size, measured in turn.
    const echo = await echoTransport()
    const one = { ...view, limit: 1 }
    const [small, smallEcho] = await pair(
      () => bridge.call('data.page', one),
      () => echo.trip(JSON.stringify({ id: 1, method: 'data.page', input: one })),
    )
    const [empty, emptyEcho] = await pair(
      () => bridge.call('app.info', {}),
      () => echo.trip(JSON.stringify({ id: 1, method: 'app.info', input: {} })),
    )
    await echo.close()
    const check = await page({ after: at.after, skip: at.skip })
    if (Number(check.keys[0][0]) !== DEEP + 1)
      throw new Error(`row ${DEEP} should have id ${DEEP + 1}, got ${check.keys[0][0]}`)

    console.log(
      `${e.name}: ${count.count} rows (${count.exact ? 'exact' : 'estimated'}); position index built in ${indexMs.toFixed(0)} ms (once per view)`,
    )
    console.log(
      `  first page ${first.toFixed(2)} ms (raw ${firstRaw.toFixed(2)}), page at row ${DEEP} ${deep.toFixed(2)} ms (raw ${deepRaw.toFixed(2)}; with locate ${deepWithLocate.toFixed(2)}), last page ${last.toFixed(2)} ms (raw ${lastRaw.toFixed(2)}), a 2,000-row page ${big.toFixed(2)} ms (raw ${bigRaw.toFixed(2)})`,
    )
    console.log(
      `  the same first page from the service in process ${inProcess.toFixed(2)} ms (raw ${inProcessRaw.toFixed(2)}); an empty bridge round trip ${emptyTrip.toFixed(2)} ms`,
    )
    console.log(
      `  where a 2,000-row page goes: the database ${bigInRaw.toFixed(2)} ms (raw driver), our driver and page building on top ${(bigIn - bigInRaw).toFixed(2)} ms, ` +
        `(our driver ${(bigDriver - bigDriverRaw).toFixed(2)} ms of it, the rest building the page), ` +
        `the bridge ${(big - bigIn).toFixed(2)} ms (of which the reply's columnar frame, written and read, ${bigFrame.toFixed(2)} ms, where JSON would take ${bigJson.toFixed(2)} ms; client and host share this thread here)`,
    )
    report(`grid.${e.name}.page_2000_rows.in_process.vs_raw`, bigIn / bigInRaw, 'x')
    report(`grid.${e.name}.page_2000_rows.json_ms`, bigJson, 'ms')
    report(`grid.${e.name}.page_2000_rows.frame_ms`, bigFrame, 'ms')
    report(`grid.${e.name}.page_2000_rows.driver.vs_raw`, bigDriver / bigDriverRaw, 'x')
    report(`grid.${e.name}.first_page.ms`, first, 'ms')
    report(`grid.${e.name}.first_page.in_process.vs_raw`, inProcess / inProcessRaw, 'x')
    report(`grid.${e.name}.empty_round_trip.ms`, emptyTrip, 'ms')
    report(`grid.${e.name}.first_page.vs_raw`, first / firstRaw, 'x', 1.5)
    report(`grid.${e.name}.deep_page.vs_raw`, deep / deepRaw, 'x', 1.5)
    report(`grid.${e.name}.last_page.vs_raw`, last / lastRaw, 'x', 1.5)
    report(`grid.${e.name}.page_2000_rows.vs_raw`, big / bigRaw, 'x', 1.5)
    report(`grid.${e.name}.deep_page.vs_first_page`, deepWithLocate / first, 'x', 2)
    report(`grid.${e.name}.last_page.vs_first_page`, last / first, 'x', 2)
    report(`grid.${e.name}.position_index.ms`, indexMs, 'ms')
    report(`grid.${e.name}.echo_round_trip.ms`, emptyEcho, 'ms')
    report(`grid.${e.name}.empty_request.vs_echo`, empty / emptyEcho, 'x', 1.5)
    report(`grid.${e.name}.small_request.vs_echo`, small / smallEcho, 'x', 1.5)
  }
  bridge.close()
  await pgc.end()
  sdb.close()
  await host.close()
  await services.dispose()
  await pgPlayground.stop()
  rmSync(pgPlayground.current.dataDir, { recursive: true, force: true })
  rmSync(dir, { recursive: true, force: true })
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
