// npm run bench -- tx [--runs=200] [--warmup=300]
// A statement's round trip through a console pane against the raw driver, and how long it takes
// the console to report that a statement is waiting on a lock, on SQLite and PostgreSQL.
import Database from 'better-sqlite3'
import pg from 'pg'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ConnectionConfig } from '../src-shared/connection'
import type { EventPayload } from '../src-shared/contract'
import { EventBus } from '../src-main/events/event-bus'
import { Playground } from '../src-main/db/playground'
import { TxConsoles } from '../src-main/tx/tx-consoles'
import { openDriver } from '../src-main/db/open-driver'
import { argValue, median, report } from './bench-lib'
import { checkHistory } from '../src-main/tx/history/checker'
import { simulatedHistory } from '../src-main/tx/history/simulate'

const RUNS = argValue('runs', 200)
/** Pairs run first and thrown away: the pane's path is more JS than the raw driver's, and V8 needs some hundreds of calls to compile it. */
const WARMUP = argValue('warmup', 300)
const dir = mkdtempSync(join(tmpdir(), 'schemist-bench-tx-'))

/**
 * The history checker on generated histories: 10,000 transactions in well under a second, and
 * time growing about linearly with length (40,000 against 10,000; 4 is linear).
 */
function historyBench() {
  const run = (n: number) => {
    const h = simulatedHistory(n, { mode: 'snapshot', keys: 1000, concurrency: 4, seed: 7 })
    checkHistory(h) // warm
    const times: number[] = []
    for (let i = 0; i < 5; i++) {
      const t = performance.now()
      checkHistory(h)
      times.push(performance.now() - t)
    }
    return median(times)
  }
  const t10 = run(10_000)
  const t40 = run(40_000)
  report('tx.history.check_10k', t10, 'ms', 1000)
  report('tx.history.growth_40k_vs_10k', t40 / t10, 'x', 4.8)
}

async function main() {
  historyBench()
  if (process.argv.includes('--history-only')) return
  const playground = new Playground(join(dir, 'pg'), async () => {})
  await playground.start()
  const pgConfig = await playground.config()
  const sqlitePath = join(dir, 'tx.sqlite')
  const setup = new Database(sqlitePath)
  setup.exec('CREATE TABLE acct (id integer PRIMARY KEY, balance integer); INSERT INTO acct VALUES (1, 100), (2, 200)')
  setup.close()
  const pgAdmin = new pg.Client({
    host: pgConfig.host,
    port: pgConfig.port,
    user: pgConfig.user,
    password: pgConfig.password,
    database: pgConfig.database,
  })
  await pgAdmin.connect()
  await pgAdmin.query(
    'CREATE TABLE acct (id integer PRIMARY KEY, balance integer); INSERT INTO acct VALUES (1, 100), (2, 200)',
  )

  const engines: {
    name: string
    config: ConnectionConfig
    raw: () => Promise<() => Promise<unknown>>
    close?: () => Promise<void>
  }[] = [
    {
      name: 'sqlite',
      config: { engine: 'sqlite', path: sqlitePath, create: false, readOnly: false },
      raw: async () => {
        const db = new Database(sqlitePath)
        const st = db.prepare('SELECT balance FROM acct WHERE id = 1')
        return async () => st.get()
      },
    },
    {
      name: 'postgres',
      config: pgConfig,
      raw: async () => async () => pgAdmin.query('SELECT balance FROM acct WHERE id = 1'),
    },
  ]

  for (const e of engines) {
    const events = new EventBus()
    const waiters = new Map<number, (p: EventPayload<'onTxStep'>) => void>()
    events.subscribe((name, p) => {
      if (name !== 'onTxStep') return
      const s = p as EventPayload<'onTxStep'>
      waiters.get(s.entry.id)?.(s)
    })
    const consoles = new TxConsoles(events)
    const id = await consoles.open(e.config, 2)
    const until = (entry: number, pred: (p: EventPayload<'onTxStep'>) => boolean) =>
      new Promise<EventPayload<'onTxStep'>>((resolve) =>
        waiters.set(entry, (p) => pred(p) && (waiters.delete(entry), resolve(p))),
      )
    // run() emits only the start synchronously; the finish comes later, after the waiter is set.
    const throughPane = () =>
      until(consoles.run(id, 'A', 'SELECT balance FROM acct WHERE id = 1'), (p) => p.entry.finishedAt !== null)
    const raw = await e.raw()
    // Interleaved (pane, raw, pane, raw...): on a busy 2-core machine the server's speed drifts,
    // and measuring one lane after the other would charge the drift to one of them.
    const timeBoth = async (a: () => Promise<unknown>, b: () => Promise<unknown>) => {
      for (let i = 0; i < WARMUP; i++) (await a(), await b())
      const xs: number[] = []
      const ys: number[] = []
      for (let i = 0; i < RUNS; i++) {
        let t = performance.now()
        await a()
        xs.push(performance.now() - t)
        t = performance.now()
        await b()
        ys.push(performance.now() - t)
      }
      return [median(xs), median(ys)]
    }
    const [paneMs, rawMs] = await timeBoth(throughPane, raw)
    // Where the pane's time goes: Schemist's own driver alone (for SQLite, the worker thread's hop).
    const driver = await openDriver(e.config)
    const [paneMs2, driverMs] = await timeBoth(throughPane, () => driver.query('SELECT balance FROM acct WHERE id = 1'))
    await driver.close()

    // Wait reporting: A holds a lock, B's UPDATE starts waiting; how long until the console says so.
    const delays: number[] = []
    for (let i = 0; i < 10; i++) {
      const begin = e.name === 'sqlite' ? 'BEGIN IMMEDIATE' : 'BEGIN'
      const a1 = consoles.run(id, 'A', begin)
      await until(a1, (p) => p.entry.finishedAt !== null)
      const a2 = consoles.run(id, 'A', 'UPDATE acct SET balance = balance + 1 WHERE id = 2')
      await until(a2, (p) => p.entry.finishedAt !== null)
      const started = performance.now()
      const b = consoles.run(id, 'B', 'UPDATE acct SET balance = balance - 1 WHERE id = 2')
      await until(b, (p) => p.entry.waitStartedAt !== null)
      delays.push(performance.now() - started)
      const c = consoles.run(id, 'A', 'COMMIT')
      await until(c, (p) => p.entry.finishedAt !== null)
      await until(b, (p) => p.entry.finishedAt !== null)
    }
    const waitMs = median(delays)
    console.log(
      `${e.name}: round trip through a pane ${paneMs.toFixed(3)} ms, raw driver ${rawMs.toFixed(3)} ms, Schemist's driver alone ${driverMs.toFixed(3)} ms; wait reported after ${waitMs.toFixed(0)} ms (median of ${delays.length})`,
    )
    report(`tx.${e.name}.round_trip.vs_raw`, paneMs / rawMs, 'x', 1.2)
    report(`tx.${e.name}.round_trip.ms`, paneMs, 'ms')
    report(`tx.${e.name}.driver_round_trip.ms`, driverMs, 'ms')
    report(`tx.${e.name}.round_trip.vs_driver`, paneMs2 / driverMs, 'x')
    report(`tx.${e.name}.wait_report.ms`, waitMs, 'ms', 200)
    await consoles.closeAll()
  }
  await pgAdmin.end()
  await playground.stop()
  rmSync(playground.current.dataDir, { recursive: true, force: true })
  rmSync(dir, { recursive: true, force: true })
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
