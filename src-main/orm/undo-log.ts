import type { InstanceState } from './instance-state'

/**
 * The values a flush wrote into objects, in parallel arrays: a flush of 30,000 new rows writes
 * 60,000 keys, and an object per entry was a good part of its garbage.
 */
export class UndoLog {
  private readonly sts: InstanceState[] = []
  private readonly cols: number[] = []
  private readonly olds: unknown[] = []
  private readonly modified: boolean[] = []

  push(st: InstanceState, i: number, old: unknown, wasModified: boolean) {
    this.sts.push(st)
    this.cols.push(i)
    this.olds.push(old)
    this.modified.push(wasModified)
  }

  /** Put every value back, last written first. */
  restore() {
    for (let k = this.sts.length - 1; k >= 0; k--) {
      const st = this.sts[k]
      const i = this.cols[k]
      st.values[i] = this.olds[k]
      if (!this.modified[k]) st.modified?.delete(i)
    }
  }
}
