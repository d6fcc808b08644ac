import { AppError } from '../../src-shared/errors'
import type { Cell } from '../../src-shared/values'
import { spawnWorkerScript } from '../worker-script'
import type { Discovery } from './diagnose'

export interface DiscoverRequest {
  columns: string[]
  rows: Cell[][]
  nullsEqual: boolean
  maxError: number
  /** Int32 slot 0: set to 1 to stop. */
  flag: SharedArrayBuffer
}

export type DiscoverMessage =
  | { kind: 'progress'; level: number; candidates: number }
  | { kind: 'done'; result: Discovery }
  | { kind: 'cancelled' }
  | { kind: 'error'; message: string }

/** A way to stop a long job from outside, for the Cancel button. */
export class CancelToken {
  private listeners = new Set<() => void>()
  cancelled = false
  cancel() {
    if (this.cancelled) return
    this.cancelled = true
    for (const l of this.listeners) l()
  }
  onCancel(l: () => void): () => void {
    this.listeners.add(l)
    return () => this.listeners.delete(l)
  }
  throwIfCancelled() {
    if (this.cancelled) throw new AppError('CANCELLED', 'Discovery cancelled')
  }
}

/**
 * Dependency discovery on a worker thread, so a long discovery never stalls the main process (every tab, the
 * bridge): progress per lattice level, and cancel through a shared flag (and, if the worker does
 * not stop within a second, by terminating it).
 */
export async function discoverOffThread(
  columns: string[],
  rows: Cell[][],
  options: { nullsEqual: boolean; maxError: number },
  onProgress?: (level: number, candidates: number) => void,
  token?: CancelToken,
): Promise<Discovery> {
  token?.throwIfCancelled()
  const flag = new SharedArrayBuffer(4)
  const worker = spawnWorkerScript('discover-worker', __dirname)
  return await new Promise<Discovery>((resolve, reject) => {
    let settled = false
    const finish = (f: () => void) => {
      if (settled) return
      settled = true
      off?.()
      void worker.terminate()
      f()
    }
    const off = token?.onCancel(() => {
      Atomics.store(new Int32Array(flag), 0, 1)
      setTimeout(() => finish(() => reject(new AppError('CANCELLED', 'Discovery cancelled'))), 1000)
    })
    worker.on('message', (m: DiscoverMessage) => {
      if (m.kind === 'progress') onProgress?.(m.level, m.candidates)
      else if (m.kind === 'done') finish(() => resolve(m.result))
      else if (m.kind === 'cancelled') finish(() => reject(new AppError('CANCELLED', 'Discovery cancelled')))
      else finish(() => reject(new AppError('INTERNAL', `Discovery failed: ${m.message}`)))
    })
    worker.on('error', (e) => finish(() => reject(new AppError('INTERNAL', `Discovery failed: ${e.message}`))))
    worker.on('exit', (code) =>
      finish(() => reject(new AppError('INTERNAL', `The discovery thread stopped (exit ${code})`))),
    )
    const req: DiscoverRequest = { columns, rows, nullsEqual: options.nullsEqual, maxError: options.maxError, flag }
    worker.postMessage(req)
  })
}
