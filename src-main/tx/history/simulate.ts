import type { History, Op, Txn } from './checker'

/**
 * Histories of an in-memory register store, for tests and the checker's benchmark: `n`
 * transactions of a few reads and writes over `keys` keys, each write a unique value. `serial`
 * runs them one after another (serializable by construction); `snapshot` runs them in waves of
 * `concurrency` that all read the state as the wave began and commit in order, first writer
 * wins per key (snapshot isolation, so write skew gets through); `read-committed` lets every
 * wave commit all its writes (lost updates get through too).
 */
export function simulatedHistory(
  n: number,
  o: {
    keys?: number
    opsPerTxn?: number
    mode?: 'serial' | 'snapshot' | 'read-committed'
    concurrency?: number
    seed?: number
  } = {},
): History {
  const keys = o.keys ?? 100
  const perTxn = o.opsPerTxn ?? 4
  const mode = o.mode ?? 'serial'
  const wave = mode === 'serial' ? 1 : (o.concurrency ?? 4)
  let a = (o.seed ?? 1) >>> 0 || 1
  const rand = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  const state = new Map<string, number>()
  const initial: Record<string, number> = {}
  for (let k = 0; k < keys; k++) {
    state.set(`k${k}`, 0)
    initial[`k${k}`] = 0
  }
  const txns: Txn[] = []
  let nextValue = 1
  let commit = 0
  for (let base = 0; base < n; base += wave) {
    const snapshot = new Map(state)
    const written = new Set<string>()
    for (let i = base; i < Math.min(n, base + wave); i++) {
      const ops: Op[] = []
      const own = new Map<string, number>()
      for (let j = 0; j < perTxn; j++) {
        const key = `k${Math.floor(rand() * keys)}`
        if (rand() < 0.5)
          ops.push({
            kind: 'r',
            key,
            value: own.get(key) ?? (mode === 'serial' ? state.get(key)! : snapshot.get(key)!),
          })
        else {
          const value = nextValue++
          own.set(key, value)
          ops.push({ kind: 'w', key, value })
        }
      }
      // Snapshot isolation: a write to a key another transaction of the wave already wrote aborts.
      const conflict = mode === 'snapshot' && [...own.keys()].some((k) => written.has(k))
      if (conflict) {
        txns.push({ id: `T${i + 1}`, ops, status: 'aborted' })
        continue
      }
      for (const [k, v] of own) {
        state.set(k, v)
        written.add(k)
      }
      txns.push({ id: `T${i + 1}`, ops, status: 'committed', commit: ++commit })
    }
  }
  return { txns, initial }
}
