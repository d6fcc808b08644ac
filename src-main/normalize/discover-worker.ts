import { parentPort } from 'node:worker_threads'
import { discover } from './diagnose'
import type { DiscoverRequest, DiscoverMessage } from './discover-thread'

// Dependency discovery off the main thread (TANE or agree sets) on the rows it is sent, reporting
// each step it reaches, and stopping when the shared flag says so.
const port = parentPort!
port.on('message', (req: DiscoverRequest) => {
  const flag = new Int32Array(req.flag)
  const post = (m: DiscoverMessage) => port.postMessage(m)
  try {
    const result = discover(req.columns, req.rows, {
      nullsEqual: req.nullsEqual,
      maxError: req.maxError,
      onProgress: (level, candidates) => post({ kind: 'progress', level, candidates }),
      cancelled: () => Atomics.load(flag, 0) === 1,
    })
    post(Atomics.load(flag, 0) === 1 ? { kind: 'cancelled' } : { kind: 'done', result })
  } catch (e) {
    post({ kind: 'error', message: e instanceof Error ? e.message : String(e) })
  }
})
