/**
 * Transaction histories checked for isolation anomalies, in Adya's terms (Adya, Liskov, O'Neil:
 * "Generalized Isolation Level Definitions", 2000) and with Elle's way of naming the smallest
 * witness (Kingsbury & Alvaro, "Elle", VLDB 2020). Written here: no checker of this kind exists
 * for JavaScript, and the inputs are Schemist's own recorded histories.
 *
 * A history is a set of transactions, each a list of reads and writes of keys (rows), committed
 * or aborted, with the order in which the committed ones committed. From it:
 * - the version order of each key: its initial value, then the final writes of the committed
 *   transactions that wrote it, in commit order (row locks, or SQLite's single writer, make
 *   the engines install versions in that order);
 * - the direct serialization graph: ww (Tj overwrote Ti's version), wr (Tj read Ti's version)
 *   and rw (Ti read a version Tj overwrote: an anti-dependency), item-level, and predicate-level
 *   for predicate reads;
 * - G1a (a read of an aborted write) and G1b (a read of a value its writer later overwrote);
 * - the shortest cycle of each kind: G0 (ww only), G1c (ww and wr), G-single (exactly one rw),
 *   G2-item (several rw), G2 (a predicate rw in it);
 * - and, when there is none, an equivalent serial order.
 */

import type { Anomaly, AnomalyName, CheckResult, Edge, History, Key, Txn } from './history-types'

import { Graph } from './history-graph'

export * from './history-types'

export function checkHistory(h: History): CheckResult {
  const committed = h.txns.filter((t) => t.status === 'committed').sort((a, b) => (a.commit ?? 0) - (b.commit ?? 0))
  const g = new Graph(h, committed)
  for (const t of committed) g.readsOf(t)
  const { anomalies, unexplained, edges } = g
  const { cyclic, adj, found } = cycles(committed, edges)
  anomalies.push(...found)

  const hasCycle = cyclic.length > 0
  const serialOrder = hasCycle ? null : topological(committed, adj)
  return {
    serializable: !hasCycle && !anomalies.length,
    anomalies,
    serialOrder: anomalies.length ? null : serialOrder,
    unexplained,
    edges,
  }
}

/** The cycles of the serialization graph: each kind's shortest witness (G0, G1c, G-single, G2-item, G2). */
function cycles(committed: Txn[], edges: Edge[]): { cyclic: Edge[]; adj: Map<string, Edge[]>; found: Anomaly[] } {
  const found: Anomaly[] = []
  const adj = new Map<string, Edge[]>()
  for (const e of edges) (adj.get(e.from) ?? adj.set(e.from, []).get(e.from)!).push(e)
  const scc = stronglyConnected(
    committed.map((t) => t.id),
    adj,
  )
  const inCycle = (e: Edge) => scc.get(e.from) !== undefined && scc.get(e.from) === scc.get(e.to)
  const cyclic = edges.filter(inCycle)
  /** Shortest path from `from` to `to` over edges `allowed`, within one component. */
  const path = (from: string, to: string, allowed: (e: Edge) => boolean): Edge[] | null => {
    const prev = new Map<string, Edge>()
    const queue = [from]
    const seen = new Set([from])
    for (let qi = 0; qi < queue.length; qi++) {
      const u = queue[qi]
      if (u === to) break
      for (const e of adj.get(u) ?? []) {
        if (!allowed(e) || seen.has(e.to) || scc.get(e.to) !== scc.get(from)) continue
        seen.add(e.to)
        prev.set(e.to, e)
        queue.push(e.to)
      }
    }
    if (!seen.has(to)) return null
    const out: Edge[] = []
    for (let v = to; v !== from; v = prev.get(v)!.from) out.unshift(prev.get(v)!)
    return out
  }
  const shortest = (starts: Edge[], allowed: (e: Edge) => boolean, accept: (c: Edge[]) => boolean): Edge[] | null => {
    let best: Edge[] | null = null
    // The shortest of the cycles through the first few hundred candidate edges: a witness, not a census.
    for (const e of starts.slice(0, 200)) {
      const back = e.from === e.to ? [] : path(e.to, e.from, allowed)
      if (!back) continue
      const c = [e, ...back]
      if (accept(c) && (!best || c.length < best.length)) best = c
      if (best?.length === 2) break
    }
    return best
  }
  const ww = (e: Edge) => e.kind === 'ww'
  const wwwr = (e: Edge) => e.kind !== 'rw'
  const rws = (c: Edge[]) => c.filter((e) => e.kind === 'rw').length
  const g0 = shortest(cyclic.filter(ww), ww, () => true)
  if (g0) found.push(cycleAnomaly('G0', g0))
  const g1c = shortest(
    cyclic.filter((e) => e.kind === 'wr'),
    wwwr,
    () => true,
  )
  if (g1c) found.push(cycleAnomaly('G1c', g1c))
  const rwEdges = cyclic.filter((e) => e.kind === 'rw')
  const single = shortest(rwEdges, wwwr, () => true)
  if (single) found.push(cycleAnomaly('G-single', single))
  const multi = shortest(
    rwEdges,
    () => true,
    (c) => rws(c) > 1,
  )
  if (multi) found.push(cycleAnomaly(multi.some((e) => e.kind === 'rw' && e.predicate) ? 'G2' : 'G2-item', multi))
  // Cycles through a predicate anti-dependency with a single rw are G2 too (a phantom).
  if (single?.some((e) => e.predicate) && !found.some((a) => a.name === 'G2'))
    found.push({ ...cycleAnomaly('G2', single) })

  return { cyclic, adj, found }
}

/** A key as a person reads it: the scratch tables' keys are row ids. */
const keyWords = (k: Key) => (/^\d+$/.test(k) ? `row ${k}` : k)

function describe(e: Edge): string {
  const k = keyWords(e.key)
  if (e.kind === 'ww') return `${e.to} overwrote ${e.from}'s ${k}`
  if (e.kind === 'wr') return `${e.to} read ${k} as ${e.from} wrote it${e.predicate ? ' (in a predicate)' : ''}`
  return `${e.from} read ${k} before ${e.to} overwrote it${e.predicate ? ' (in a predicate)' : ''}`
}

const KIND_WORDS: Record<AnomalyName, string> = {
  G0: 'a write cycle',
  G1a: 'an aborted read',
  G1b: 'an intermediate read',
  G1c: 'circular information flow',
  'G-single': 'a single anti-dependency cycle (read skew, lost update)',
  'G2-item': 'an anti-dependency cycle (write skew)',
  G2: 'an anti-dependency cycle over a predicate (phantom)',
}

function cycleAnomaly(name: AnomalyName, cycle: Edge[]): Anomaly {
  return {
    name,
    txns: cycle.map((e) => e.from),
    cycle,
    explanation: `${KIND_WORDS[name]}: ${cycle.map(describe).join('; ')}.`,
  }
}

/** Tarjan's algorithm, iterative: node -> component id, for components of more than one node. */
function stronglyConnected(nodes: string[], adj: Map<string, Edge[]>): Map<string, number> {
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const onStack = new Set<string>()
  const stack: string[] = []
  const comp = new Map<string, number>()
  let next = 0
  let compId = 0
  for (const root of nodes) {
    if (index.has(root)) continue
    const work: { v: string; i: number }[] = [{ v: root, i: 0 }]
    index.set(root, next)
    low.set(root, next++)
    stack.push(root)
    onStack.add(root)
    while (work.length) {
      const top = work[work.length - 1]
      const out = adj.get(top.v) ?? []
      if (top.i < out.length) {
        const w = out[top.i++].to
        if (!index.has(w)) {
          index.set(w, next)
          low.set(w, next++)
          stack.push(w)
          onStack.add(w)
          work.push({ v: w, i: 0 })
        } else if (onStack.has(w)) low.set(top.v, Math.min(low.get(top.v)!, index.get(w)!))
        continue
      }
      work.pop()
      if (work.length) {
        const parent = work[work.length - 1].v
        low.set(parent, Math.min(low.get(parent)!, low.get(top.v)!))
      }
      if (low.get(top.v) === index.get(top.v)) {
        const members: string[] = []
        for (;;) {
          const w = stack.pop()!
          onStack.delete(w)
          members.push(w)
          if (w === top.v) break
        }
        if (members.length > 1) {
          for (const m of members) comp.set(m, compId)
          compId++
        }
      }
    }
  }
  return comp
}

/** Kahn's algorithm, ties broken by commit order (a binary heap of ready transactions). */
function topological(committed: Txn[], adj: Map<string, Edge[]>): string[] {
  const indeg = new Map(committed.map((t) => [t.id, 0]))
  for (const es of adj.values()) for (const e of es) if (indeg.has(e.to)) indeg.set(e.to, indeg.get(e.to)! + 1)
  const pos = new Map(committed.map((t, i) => [t.id, i]))
  const heap: string[] = []
  const less = (a: string, b: string) => pos.get(a)! < pos.get(b)!
  const push = (v: string) => {
    heap.push(v)
    for (let i = heap.length - 1; i > 0;) {
      const p = (i - 1) >> 1
      if (!less(heap[i], heap[p])) break
      ;[heap[i], heap[p]] = [heap[p], heap[i]]
      i = p
    }
  }
  const pop = () => {
    const top = heap[0]
    const last = heap.pop()!
    if (heap.length) {
      heap[0] = last
      for (let i = 0; ;) {
        const l = 2 * i + 1
        const r = l + 1
        let m = i
        if (l < heap.length && less(heap[l], heap[m])) m = l
        if (r < heap.length && less(heap[r], heap[m])) m = r
        if (m === i) break
        ;[heap[i], heap[m]] = [heap[m], heap[i]]
        i = m
      }
    }
    return top
  }
  for (const t of committed) if (indeg.get(t.id) === 0) push(t.id)
  const order: string[] = []
  while (heap.length) {
    const v = pop()
    order.push(v)
    for (const e of adj.get(v) ?? []) {
      if (!indeg.has(e.to)) continue
      indeg.set(e.to, indeg.get(e.to)! - 1)
      if (indeg.get(e.to) === 0) push(e.to)
    }
  }
  return order
}
