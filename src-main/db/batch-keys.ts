import type { Cell } from '../../src-shared/values'
import type { BatchStep, BatchStepResult } from './driver'

/**
 * The caller's side of batch steps' `keys` and `refs` (see BatchStep): the connection fills a
 * child row's foreign key from the keys its parent's step generated, and this writes the same
 * keys into the child step's own parameter rows once its batch has answered, so the SQL log and
 * anything else reading them sees the statement as it ran. Answers arrive in the order batches
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
    if (!steps.some((s) => s.keys || s.refs)) {
      this.kept.clear()
      return
    }
    steps.forEach((step, k) => {
      for (const ref of step.refs ?? []) {
        const src = this.kept.get(ref.from)
        if (!src) continue
        for (let i = 0; i < step.params.length; i++) {
          const r = ref.rows[i]
          if (r >= 0) (step.params[i] as unknown[])[ref.column] = src[r]
        }
      }
      const r = out[k]
      if (step.keys && r) this.kept.set(step.keys, r.ids ?? (r.rows ?? []).map((x) => x[0]?.[0] ?? null))
    })
  }
}
