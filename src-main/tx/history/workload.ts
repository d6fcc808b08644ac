import type { ConnectionConfig } from '../../../src-shared/connection'
import type { Driver } from '../../db/driver'
import { openDriver } from '../../db/open-driver'
import { checkHistory, type CheckResult, type History, type Op, type Txn } from './checker'
import { dropScratch, scratchTableOps } from '../scratch-table'

/**
 * Anomalies found by experiment, in the manner of Elle's rw-register tests: `clients`
 * connections run short transactions concurrently on a scratch table at one isolation level
 * (each reads two rows, then writes one of them, or just reads), every write a value never
 * written before, until `txns` transactions have run or `timeMs` has passed. The history they
 * leave goes through the same checker as the scenarios; the table is dropped afterwards.
 */
export const WORKLOAD_TABLE = 'schemist_workload'

export interface WorkloadOptions {
  level: string | null
  clients?: number
  txns?: number
  keys?: number
  timeMs?: number
  seed?: number
  /** Between reading and writing, give the other clients a moment (makes races likely). */
  thinkMs?: number
}

export interface WorkloadResult {
  level: string
  committed: number
  aborted: number
  ms: number
  check: CheckResult
  history: History
}

export async function runWorkload(config: ConnectionConfig, o: WorkloadOptions): Promise<WorkloadResult> {
  const clients = o.clients ?? 4
  const total = o.txns ?? 200
  const keys = o.keys ?? 3
  const deadline = Date.now() + (o.timeMs ?? 10_000)
  const think = o.thinkMs ?? 2
  let seed = (o.seed ?? Date.now()) >>> 0 || 1
  const rand = () => {
    seed = (seed + 0x6d2b79f5) >>> 0
    let t = seed
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const admin = await openDriver(config)
  const d = admin.dialect
  const t = d.quoteIdent(WORKLOAD_TABLE)
  // `prev`: what each write overwrote, returned by the UPDATE itself, so the order in which
  // a row's versions were installed is read from the server rather than guessed from when the
  // COMMIT replies arrived (a backend preempted between making its commit visible and replying
  // lets another client read the new version first: commit-reply order is not version order).
  const initial: Record<string, number> = {}
  for (let k = 1; k <= keys; k++) initial[String(k)] = 0
  const columns = [
    { name: 'value', nullable: false },
    { name: 'prev', nullable: true },
  ]
  const ops = scratchTableOps(
    WORKLOAD_TABLE,
    columns,
    Object.keys(initial).map((k) => [Number(k), 0]),
  )
  for (const sql of d.ddl.statements(ops)) await admin.query(sql)
  const conns: Driver[] = []
  const txns: (Txn & { commitAt?: number })[] = []
  /** Per transaction: the value its write overwrote. */
  const overwrote = new Map<string, { key: string; prev: number }>()
  let started = 0
  let nextValue = 1
  const begin = d.beginSql(o.level ?? undefined)
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
  const t0 = Date.now()
  try {
    for (let i = 0; i < clients; i++) {
      const c = await openDriver(config)
      const bound = c.dialect.lockTimeoutSql(5_000)
      if (bound) await c.query(bound)
      conns.push(c)
    }
    await Promise.all(
      conns.map(async (c, ci) => {
        while (started < total && Date.now() < deadline) {
          const id = `T${++started}`
          const ops: Op[] = []
          const txn: Txn & { commitAt?: number } = { id, ops, status: 'aborted', session: `client ${ci + 1}` }
          txns.push(txn)
          const a = 1 + Math.floor(rand() * keys)
          const b = 1 + Math.floor(rand() * keys)
          const writes = rand() < 0.75
          const target = rand() < 0.5 ? a : b
          try {
            await c.query(begin)
            for (const k of a === b ? [a] : [a, b]) {
              const r = await c.query(`SELECT value FROM ${t} WHERE id = ${k}`)
              ops.push({ kind: 'r', key: String(k), value: Number(r.rows[0]?.[0]) })
            }
            if (writes) {
              await sleep(think * rand())
              const v = nextValue++
              const u = await c.query(`UPDATE ${t} SET value = ${v}, prev = value WHERE id = ${target} RETURNING prev`)
              ops.push({ kind: 'w', key: String(target), value: v })
              if (u.rows[0]) overwrote.set(id, { key: String(target), prev: Number(u.rows[0][0]) })
            }
            const r = await c.query('COMMIT')
            if (r.command.toUpperCase() !== 'ROLLBACK') {
              txn.status = 'committed'
              txn.commitAt = performance.now()
            }
          } catch {
            await c.query('ROLLBACK').catch(() => {})
          }
        }
      }),
    )
  } finally {
    await Promise.all(conns.map((c) => c.close().catch(() => {})))
    await admin.query(dropScratch(d, WORKLOAD_TABLE)).catch(() => {})
    await admin.close()
  }
  const committed = txns.filter((x) => x.status === 'committed').sort((x, y) => (x.commitAt ?? 0) - (y.commitAt ?? 0))
  committed.forEach((x, i) => (x.commit = i + 1))
  const plain = txns.map(({ commitAt: _c, ...rest }) => rest)
  const history: History = { initial, txns: plain, versionOrder: versionChains(plain, initial, overwrote) }
  return {
    level: o.level ?? 'default',
    committed: committed.length,
    aborted: txns.length - committed.length,
    ms: Date.now() - t0,
    check: checkHistory(history),
    history,
  }
}

/**
 * Each key's committed versions in the order they were installed, by following what each write
 * overwrote from the initial value (values are never written twice). A key whose chain does not
 * cover every committed write (which would be a recording fault) keeps the commit order.
 */
export function versionChains(
  txns: Txn[],
  initial: Record<string, number | string | null>,
  overwrote: Map<string, { key: string; prev: number }>,
): Record<string, string[]> {
  const out: Record<string, string[]> = {}
  const byPrev = new Map<string, Map<number | string | null, { txn: string; value: number | string | null }>>()
  const writers = new Map<string, number>()
  for (const t of txns) {
    if (t.status !== 'committed') continue
    const o = overwrote.get(t.id)
    const w = t.ops.find((x) => x.kind === 'w')
    if (!o || !w || w.kind !== 'w') continue
    writers.set(o.key, (writers.get(o.key) ?? 0) + 1)
    const m = byPrev.get(o.key) ?? byPrev.set(o.key, new Map()).get(o.key)!
    m.set(o.prev, { txn: t.id, value: w.value })
  }
  for (const [key, m] of byPrev) {
    const chain: string[] = []
    let v: number | string | null = initial[key] ?? null
    for (let next = m.get(v as number); next; next = m.get(v as number)) {
      chain.push(next.txn)
      v = next.value
      if (chain.length > m.size) break
    }
    if (chain.length === writers.get(key)) out[key] = chain
  }
  return out
}
