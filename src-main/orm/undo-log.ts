import type { InstanceState } from './instance-state'

/**
 * The values a flush wrote into objects, in parallel arrays: a flush of 30,000 new rows writes
 * 60,000 keys, and an object per entry was a good part of its garbage. Generated keys, one per
 * new row, go in as one entry per batch (`unsetMany`).
 */
export class UndoLog {
  /** A state, or the states of an `unsetMany` entry. */
  private readonly sts: (InstanceState | InstanceState[])[] = []
  private readonly cols: number[] = []
  private readonly olds: unknown[] = []
  private readonly modified: boolean[] = []

  push(st: InstanceState, i: number, old: unknown, wasModified: boolean) {
    this.sts.push(st)
    this.cols.push(i)
    this.olds.push(old)
    this.modified.push(wasModified)
  }

  /** Column `i` of each of these states was never set (a key the database generated). */
  unsetMany(states: InstanceState[], i: number) {
    this.sts.push(states)
    this.cols.push(i)
    this.olds.push(undefined)
    this.modified.push(false)
  }

  /** Put every value back, last written first. */
  restore() {
    for (let k = this.sts.length - 1; k >= 0; k--) {
      const entry = this.sts[k]
      const i = this.cols[k]
      const states = Array.isArray(entry) ? entry : [entry]
      for (let j = states.length - 1; j >= 0; j--) {
        const st = states[j]
        st.values[i] = this.olds[k]
        if (!this.modified[k]) st.modified?.delete(i)
      }
    }
  }
}
