import type { Anomaly, CheckResult, Edge, History, Key, Predicate, Txn, Value } from './history-types'

/**
 * The version order of every key, and the direct serialization graph's edges found read by read
 * (ww, wr, rw; item and predicate), with the anomalies of reads no committed version explains
 * (G1a, G1b). The cycles are looked for in checker.ts.
 */

export const INIT = '⊥'

function matches(p: Predicate, v: Value): boolean {
  if (v === null) return false
  if (p.op === 'all') return true
  const x = typeof v === 'number' ? v : Number(v)
  switch (p.op) {
    case '>':
      return x > p.n
    case '>=':
      return x >= p.n
    case '<':
      return x < p.n
    case '<=':
      return x <= p.n
    case '=':
      return x === p.n
    case '!=':
      return x !== p.n
  }
}

interface Version {
  writer: string
  value: Value
}

const vkey = (k: Key, v: Value) => `${k}\u0000${v === null ? '∅' : typeof v === 'number' ? `n${v}` : `s${v}`}`

/** The version order of every key and the serialization graph's edges, built read by read. */
export class Graph {
  readonly edges: Edge[] = []
  readonly anomalies: Anomaly[] = []
  readonly unexplained: CheckResult['unexplained'] = []
  private readonly seenEdge = new Set<string>()
  private readonly byId: Map<string, Txn>
  private readonly versions = new Map<Key, Version[]>()
  /** A value a committed transaction wrote and then overwrote itself. */
  private readonly intermediate = new Map<string, { txn: string; key: Key }>()
  private readonly abortedWrites = new Map<string, string>()
  /** (key, value) -> the versions that hold it, so a read finds its version without a scan. */
  private readonly byValue = new Map<string, number[]>()

  private readonly initialUnknown: boolean

  constructor(h: History, committed: Txn[]) {
    this.initialUnknown = h.initialUnknown === true
    this.byId = new Map(h.txns.map((t) => [t.id, t]))
    this.buildVersions(h, committed)
    for (const t of h.txns)
      if (t.status === 'aborted')
        for (const o of t.ops) if (o.kind === 'w') this.abortedWrites.set(vkey(o.key, o.value), t.id)
    // ww: consecutive versions.
    for (const [k, vs] of this.versions)
      for (let i = 1; i < vs.length; i++) this.addEdge({ from: vs[i - 1].writer, to: vs[i].writer, kind: 'ww', key: k })
    for (const [k, vs] of this.versions)
      vs.forEach((v, i) => {
        const key = vkey(k, v.value)
        ;(this.byValue.get(key) ?? this.byValue.set(key, []).get(key)!).push(i)
      })
  }

  /** Version order: the initial value, then each committed transaction's final write, in commit order. */
  private buildVersions(h: History, committed: Txn[]): void {
    const { versions, intermediate } = this
    const keys = new Set<Key>(Object.keys(h.initial))
    for (const t of h.txns) for (const o of t.ops) if (o.kind !== 'pr') keys.add(o.key)
    for (const k of keys) versions.set(k, [{ writer: INIT, value: h.initial[k] ?? null }])
    for (const t of committed) {
      const finals = new Map<Key, Value>()
      for (const o of t.ops)
        if (o.kind === 'w') {
          const prev = finals.get(o.key)
          if (finals.has(o.key)) intermediate.set(vkey(o.key, prev ?? null), { txn: t.id, key: o.key })
          finals.set(o.key, o.value)
        }
      for (const [k, v] of finals) {
        versions.get(k)!.push({ writer: t.id, value: v })
        intermediate.delete(vkey(k, v))
      }
    }
    for (const [k, order] of Object.entries(h.versionOrder ?? {})) {
      const vs = versions.get(k)
      if (!vs) continue
      const rank = new Map(order.map((id, i) => [id, i]))
      const [init, ...rest] = vs
      rest.sort((a, b) => (rank.get(a.writer) ?? Infinity) - (rank.get(b.writer) ?? Infinity))
      versions.set(k, [init, ...rest])
    }
  }

  private addEdge(e: Edge): void {
    if (e.from === e.to || e.from === INIT || e.to === INIT) return
    const id = `${e.from}\u0000${e.to}\u0000${e.kind}`
    if (this.seenEdge.has(id)) return
    this.seenEdge.add(id)
    this.edges.push(e)
  }

  /** Which version of `k` a read of `v` by `t` saw: the latest with that value committed before t (if any). */
  private versionRead(k: Key, v: Value, t: Txn): number {
    const vs = this.versions.get(k) ?? []
    let best = -1
    for (const i of this.byValue.get(vkey(k, v)) ?? []) {
      const w = this.byId.get(vs[i].writer)
      const before = vs[i].writer === INIT || t.status !== 'committed' || (w?.commit ?? 0) < (t.commit ?? 0)
      if (best < 0 || before) best = i
    }
    return best
  }

  /** The wr and rw edges of a committed transaction's reads, and the anomalies of reads no version explains. */
  readsOf(t: Txn): void {
    const own = new Set<Key>()
    for (const o of t.ops) {
      if (o.kind === 'w') own.add(o.key)
      else if (o.kind === 'r') {
        if (!own.has(o.key)) this.itemRead(t, o.key, o.value)
      } else this.predicateRead(t, o.predicate, new Map(o.seen), own)
    }
  }

  private itemRead(t: Txn, key: Key, value: Value): void {
    let i = this.versionRead(key, value, t)
    const vk = vkey(key, value)
    if (i < 0 && this.initialUnknown && !this.abortedWrites.has(vk) && !this.intermediate.has(vk)) i = 0
    if (i >= 0) {
      const vs = this.versions.get(key)!
      this.addEdge({ from: vs[i].writer, to: t.id, kind: 'wr', key })
      if (i + 1 < vs.length) this.addEdge({ from: t.id, to: vs[i + 1].writer, kind: 'rw', key })
      return
    }
    const aborted = this.abortedWrites.get(vkey(key, value))
    const inter = this.intermediate.get(vkey(key, value))
    if (aborted)
      this.anomalies.push({
        name: 'G1a',
        txns: [aborted, t.id],
        cycle: [],
        explanation: `${t.id} read ${key} = ${JSON.stringify(value)}, written by ${aborted}, which aborted (an aborted read)`,
      })
    else if (inter)
      this.anomalies.push({
        name: 'G1b',
        txns: [inter.txn, t.id],
        cycle: [],
        explanation: `${t.id} read ${key} = ${JSON.stringify(value)}, which ${inter.txn} wrote and then overwrote before it committed (an intermediate read)`,
      })
    else this.unexplained.push({ txn: t.id, key, value })
  }

  /**
   * A predicate read: for each row, the next version that changes whether it matches is an
   * anti-dependency; the version seen that made it match (or stop matching) a dependency.
   */
  private predicateRead(t: Txn, p: Predicate, seen: Map<Key, Value>, own: Set<Key>): void {
    for (const [k, vs] of this.versions) {
      if (own.has(k)) continue
      const i = seen.has(k) ? this.versionRead(k, seen.get(k)!, t) : 0
      if (i < 0) continue
      const m = matches(p, vs[i].value)
      if (i > 0 && matches(p, vs[i - 1].value) !== m)
        this.addEdge({ from: vs[i].writer, to: t.id, kind: 'wr', key: k, predicate: true })
      for (let j = i + 1; j < vs.length; j++)
        if (matches(p, vs[j].value) !== m) {
          this.addEdge({ from: t.id, to: vs[j].writer, kind: 'rw', key: k, predicate: true })
          break
        }
    }
  }
}
