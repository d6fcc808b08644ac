import type { BatchStepResult, KeyRef } from '../db/driver'
import { CHUNK_ROWS } from './flush-batches'
import { runSteps } from './flush-errors'
import { applyInserts, buildInserts, runInserts, type BuiltInserts } from './flush-write'
import { setValue, syncChild, type Plan } from './flush-plan'
import type { InstanceState } from './instance-state'
import type { Mapper } from './mapper'
import type { Session } from './session'

let chains = 0

/**
 * A flush's INSERTs sent one table after another without waiting for each to answer, where the
 * driver keeps generated keys for later batches (`batchKeyRefs`, SQLite's worker thread): a
 * child's foreign key to a parent inserted in the same flush travels as a reference to the
 * parent's row in its step (BatchStep.refs), and the connection fills it in. So the main thread
 * builds the posts' batch while the worker still inserts the users, instead of the two taking
 * turns; `settle` then waits for the answers in order and puts the keys into the objects.
 */
export class KeyChain {
  private readonly id = `flush${++chains}`
  private steps = 0
  private pending: { done: Promise<BatchStepResult[]>; apply: (r: BatchStepResult[]) => void }[] = []
  /** Rows whose keys or foreign keys the chain is tracking, to let go when it settles. */
  private tracked: InstanceState[][] = []
  /** A row needs a value of a parent in flight that is not a kept key: the next table waits. */
  private unkeyed = false
  /**
   * Foreign keys waiting for a parent's key, each row's side by side (InstanceState.keyRef):
   * parallel lists, not an object per reference (a flush of 20,000 posts made 40,000). They live
   * as long as the chain, one flush.
   */
  private readonly refCols: number[] = []
  private readonly refParents: InstanceState[] = []

  constructor(private readonly s: Session) {}

  /**
   * A row needs a value of a parent sent in this chain whose answer has not come: its key, if the
   * parent's step keeps keys (`st`'s column then takes it from the connection, NULL until then);
   * otherwise the next table's INSERTs wait for the chain to settle.
   */
  refer(plan: Plan, st: InstanceState, col: number, parent: InstanceState, parentCol: number) {
    if (parent.keyFrom === null || parentCol !== parent.mapper.pk[0]) {
      this.unkeyed = true
      return
    }
    setValue(plan, st, col, null)
    // A row's references are made in its one syncChild, one after another: side by side.
    if (st.keyRefCount === 0) st.keyRef = this.refCols.length
    else if (st.keyRef + st.keyRefCount !== this.refCols.length)
      throw new Error(`Internal error: ${st.mapper.name}'s foreign keys were referred to out of turn`)
    this.refCols.push(col)
    this.refParents.push(parent)
    st.keyRefCount++
  }

  /**
   * Set one table's new rows' foreign keys, build their INSERT steps and send them, a chunk at a
   * time: the connection inserts the first rows while this thread builds the next. Their answers
   * are taken by `settle`.
   */
  async insert(m: Mapper, states: InstanceState[], plan: Plan): Promise<void> {
    for (let off = 0; off < states.length; off += CHUNK_ROWS)
      await this.insertChunk(m, states.length <= CHUNK_ROWS ? states : states.slice(off, off + CHUNK_ROWS), plan)
  }

  private async insertChunk(m: Mapper, states: InstanceState[], plan: Plan): Promise<void> {
    for (let k = 0; k < states.length; k++) syncChild(states[k], plan, this)
    if (this.unkeyed) {
      this.unkeyed = false
      await this.settle()
      for (const st of states) {
        this.resolveRefs(st)
        syncChild(st, plan)
      }
    }
    const built = buildInserts(m, states, plan)
    // A multi-row INSERT cannot take per-row refs: it goes after everything before it answered.
    if (built.steps.some((step, k) => step.params.length !== built.stepStates[k].length)) {
      await this.settle()
      for (const st of states) this.resolveRefs(st)
      await runInserts(this.s, m, states, plan)
      return
    }
    this.link(m, built)
    const done = runSteps(this.s, built.steps, built.stepStates, (steps) => this.s.tx.sendBatch(steps))
    // Awaited by `settle`; a failure seen first by a later step must not go unhandled meanwhile.
    done.catch(() => {})
    this.pending.push({ done, apply: (r) => this.applied(m, r, built, plan) })
  }

  /** Keys to keep (where the key comes back as the rowid) and refs to fill, step by step. */
  private link(m: Mapper, built: BuiltInserts) {
    built.steps.forEach((step, k) => {
      const sts = built.stepStates[k]
      this.tracked.push(sts)
      // The generated key comes back as the rowid, or first among the columns RETURNING brings.
      const keyed =
        step.returning === 'lastInsertId' ||
        (step.returning === 'rows' && m.generatedPk && built.returningOf[k][0] === m.pk[0])
      const name = keyed ? `${this.id}.${this.steps++}` : null
      if (name) step.keys = name
      for (let j = 0; j < sts.length; j++) {
        sts[j].keyFrom = name
        sts[j].keyRow = j
      }
      const refs = new Map<string, KeyRef>()
      const cols = built.colsOf[k]
      // Rows in a row mostly refer to the same parent step through the same column: the last
      // ref found is tried first.
      let last: { col: number; from: string | null; ref: KeyRef } | null = null
      for (let j = 0; j < sts.length; j++) {
        const st = sts[j]
        for (let r = st.keyRef, end = r + st.keyRefCount; r < end; r++) {
          const col = this.refCols[r]
          const parent = this.refParents[r]
          if (!last || last.col !== col || last.from !== parent.keyFrom) {
            const column = cols.indexOf(col)
            const key = `${column}|${parent.keyFrom}`
            let ref = refs.get(key)
            if (!ref)
              refs.set(key, (ref = { column, from: parent.keyFrom!, rows: new Int32Array(sts.length).fill(-1) }))
            last = { col, from: parent.keyFrom, ref }
          }
          last.ref.rows[j] = parent.keyRow
        }
      }
      if (refs.size) step.refs = [...refs.values()]
    })
  }

  private applied(m: Mapper, results: BatchStepResult[], built: BuiltInserts, plan: Plan) {
    applyInserts(m, results, built, plan)
    // The parents answered before this batch did: their keys are in their objects now.
    for (const sts of built.stepStates) for (let k = 0; k < sts.length; k++) this.resolveRefs(sts[k])
  }

  /** A row's foreign keys that waited for parents' keys take them (the parents have them now). */
  private resolveRefs(st: InstanceState) {
    for (let r = st.keyRef, end = r + st.keyRefCount; r < end; r++) {
      const parent = this.refParents[r]
      st.values[this.refCols[r]] = parent.values[parent.mapper.pk[0]]
    }
    st.keyRef = -1
    st.keyRefCount = 0
  }

  /** Wait for every batch sent, in order, and take in what each brought back. */
  async settle(): Promise<void> {
    const pending = this.pending
    this.pending = []
    try {
      for (const b of pending) b.apply(await b.done)
    } finally {
      this.forget()
    }
  }

  /** The flush is over (or failed): the rows are no longer tracked. */
  forget() {
    for (const sts of this.tracked)
      for (let k = 0; k < sts.length; k++) {
        const st = sts[k]
        st.keyFrom = null
        st.keyRow = -1
        st.keyRef = -1
        st.keyRefCount = 0
      }
    this.tracked = []
  }
}
