import { SqlExpression } from './sql-expression'
import { identityKey, identityKey1, type InstanceState } from './instance-state'
import type { Mapper } from './mapper'
import type { Session } from './session'
import { saveMapper, postUpdates, associationRows, deleteMapper } from './flush-write'
import { buildPlan, push, sortMappers, type Plan } from './flush-plan'
import { KeyChain } from './flush-chain'

/** The unit of work (SQLAlchemy's Session.flush): plan, order, execute, finalize. */
export async function flushSession(s: Session): Promise<void> {
  if (s.pendingSet.size === 0 && s.deleteSet.size === 0 && !anyChanges(s)) return
  const plan = await s.noAutoflush(() => buildPlan(s))
  if (
    plan.saves.size === 0 &&
    plan.deletes.size === 0 &&
    plan.assocInserts.length === 0 &&
    plan.assocDeletes.length === 0
  ) {
    finalize(s, plan, [])
    return
  }
  const involved = new Set<Mapper>()
  for (const st of plan.saves) involved.add(st.mapper)
  for (const st of plan.deletes) involved.add(st.mapper)
  const order = sortMappers(involved, plan)
  // A flush inside a transaction that already wrote runs in a savepoint, so a failure undoes only
  // this flush; where the transaction has written nothing yet, rolling it back undoes the flush
  // and loses nothing else, so no savepoint is spent (and none with flushSavepoint off).
  const ownsTransaction = s.transaction === 'idle' || !s.wroteInTx || !s.flushSavepoint
  await s.ensureTransaction()
  const sp = s.driver.dialect.quoteIdent('schemist_flush')
  if (!ownsTransaction) await s.run(`SAVEPOINT ${sp}`)
  const wroteBefore = s.wroteInTx
  const inserted: InstanceState[] = []
  const byMapper = new Map<Mapper, InstanceState[]>()
  for (const st of plan.saves) push(byMapper, st.mapper, st)
  // Where the driver keeps generated keys for later batches, tables' INSERTs go back to back.
  const chain = s.driver.batchKeyRefs && byMapper.size > 1 ? new KeyChain(s) : null
  try {
    if (chain) await s.tx.ready()
    for (const m of order) await saveMapper(s, m, byMapper.get(m) ?? [], plan, inserted, chain)
    await chain?.settle()
    await postUpdates(s, plan)
    await associationRows(s, plan.assocDeletes, 'delete')
    await associationRows(s, plan.assocInserts, 'insert')
    for (const m of [...order].reverse())
      await deleteMapper(
        s,
        m,
        [...plan.deletes].filter((st) => st.mapper === m),
      )
    if (!ownsTransaction) await s.run(`RELEASE SAVEPOINT ${sp}`)
  } catch (e) {
    chain?.forget()
    if (ownsTransaction) await s.abortTransaction()
    else {
      await s.run(`ROLLBACK TO SAVEPOINT ${sp}`).catch(() => {})
      await s.run(`RELEASE SAVEPOINT ${sp}`).catch(() => {})
    }
    s.wroteInTx = wroteBefore
    for (const { st, oldKey } of plan.rekeyed.reverse()) {
      if (st.key && s.identityMap.get(st.key) === st) s.identityMap.delete(st.key)
      st.key = oldKey
      if (oldKey) s.identityMap.set(oldKey, st)
    }
    plan.undo.restore()
    throw e
  }
  finalize(s, plan, inserted)
}

function anyChanges(s: Session): boolean {
  for (const st of s.changedSet) if (st.hasChanges()) return true
  return false
}

function finalize(s: Session, plan: Plan, inserted: InstanceState[]) {
  // Usually every pending object was inserted: one clear instead of a delete each.
  const allPending = inserted.length === s.pendingSet.size
  // Per-row loops go by index, and over Sets by forEach: a for-of makes a result object per row.
  for (let k = 0; k < inserted.length; k++) {
    const st = inserted[k]
    const m = st.mapper
    st.status = 'persistent'
    st.key =
      m.pk.length === 1
        ? identityKey1(m, st.values[m.pk[0]])
        : identityKey(
            m,
            m.pk.map((i) => st.values[i]),
          )
    s.identityMap.set(st.key, st)
    if (!allPending) s.pendingSet.delete(st)
  }
  s.insertedInTx.addAll(inserted)
  if (allPending) s.pendingSet.clear()
  // A column written as SQL holds what the database computed: expired until loaded again.
  for (const st of plan.expressions) {
    for (let i = 0; i < st.values.length; i++) {
      if (!(st.values[i] instanceof SqlExpression)) continue
      st.values[i] = undefined
      ;(st.expired ??= new Set()).add(i)
    }
  }
  plan.saves.forEach((st) => {
    // Shared until the next write copies it (see writeColumn).
    st.committed = st.values
    st.modified = null
    st.added = null
    st.removed = null
  })
  s.changedSet.forEach((st) => {
    st.added = null
    st.removed = null
  })
  s.changedSet.clear()
  for (const st of plan.deletes) {
    if (st.key && s.identityMap.get(st.key) === st) s.identityMap.delete(st.key)
    st.status = 'deleted'
    s.flushedDeletes.add(st)
    s.deleteSet.delete(st)
  }
  for (const st of plan.expunge) {
    s.pendingSet.delete(st)
    st.status = 'transient'
    st.session = null
  }
}

export { FlushError } from './errors'
