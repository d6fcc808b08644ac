import type { Cell } from '../../src-shared/values'
import type { BatchStep, BatchStepResult } from './driver'

/*
 * Batch steps' `keys` and `refs` (see BatchStep), on both sides of the thread boundary: the SQLite
 * worker fills a child row's foreign key from the keys its parent's step generated, and the
 * driver (KeptKeys) writes the same keys into the child step's own parameter rows once its batch
 * has answered, so the SQL log and anything else reading them sees the statement as it ran.
 */

/** Whether a batch keeps or uses keys; any other request lets the kept keys go. */
export function usesKeys(steps: readonly Pick<BatchStep, 'keys' | 'refs'>[]): boolean {
  return steps.some((s) => s.keys || s.refs)
}

/** The keys a step generated: its rowids, or the first column each execution's RETURNING brought. */
export function keysOf(r: Pick<BatchStepResult, 'ids' | 'rows'>): Cell[] {
  return r.ids ?? (r.rows ?? []).map((x) => x[0]?.[0] ?? null)
}

/** A ref with the kept keys it reads. */
export type ResolvedRef = { column: number; rows: Int32Array; src: readonly Cell[] }

/** Parameter row `i` takes its refs' keys; false when a ref names a key its source does not have. */
export function fillRow(row: unknown[], i: number, refs: readonly ResolvedRef[]): boolean {
  for (const r of refs) {
    const k = r.rows[i]
    if (k < 0) continue
    if (k >= r.src.length) return false
    row[r.column] = r.src[k]
  }
  return true
}

/**
 * The driver's copy of the keys kept by the batches it sent. Answers arrive in the order batches
 * were sent, so the parent's keys are here before the child's answer is.
 */
export class KeptKeys {
  private readonly kept = new Map<string, Cell[]>()

  /** A request that is not a batch keeping or using keys answered: what was kept goes. */
  other(): void {
    this.kept.clear()
  }

  /** A batch answered. */
  answered(steps: readonly BatchStep[], out: readonly BatchStepResult[]): void {
    if (!usesKeys(steps)) {
      this.kept.clear()
      return
    }
    steps.forEach((step, k) => {
      const refs = (step.refs ?? []).flatMap((ref) => {
        const src = this.kept.get(ref.from)
        return src ? [{ column: ref.column, rows: ref.rows, src }] : []
      })
      if (refs.length) for (let i = 0; i < step.params.length; i++) fillRow(step.params[i] as unknown[], i, refs)
      if (step.keys && out[k]) this.kept.set(step.keys, keysOf(out[k]))
    })
  }
}
