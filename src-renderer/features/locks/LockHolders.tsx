import { locksApi } from './api'
import { useEffect, useState } from 'react'
import type { Holder } from '../../../src-shared/contract'
import { errorMessage, onEvent } from '../../bridge/client'
import { setState, toast } from '../../app/store'

function age(since: number | null, now: number): string {
  if (since === null) return 'no transaction open now'
  const s = Math.max(0, Math.round((now - since) / 1000))
  return `in a transaction for ${s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`}`
}

/** Rolls back one of the app's own connections that holds a lock. */
export async function rollbackHolder(h: Holder): Promise<boolean> {
  if (!h.id) return false
  if (!confirm(`Roll back ${h.label}? Whatever it did since its BEGIN is undone.`)) return false
  try {
    const r = await locksApi.rollback({ holderId: h.id })
    const handle = r.handle
    if (handle) setState((s) => ({ txState: { ...s.txState, [handle]: 'auto-commit' } }))
    toast('info', r.rolledBack ? `Rolled back ${r.label}` : `${r.label} had no transaction open any more`)
    return true
  } catch (e) {
    toast('error', errorMessage(e))
    return false
  }
}

/** Who holds the lock: each holder with its transaction's age and last statement, and Roll back for the app's own. */
export function LockHolders({ holders, testId = 'lock-holders' }: { holders: Holder[]; testId?: string }) {
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000)
    return () => clearInterval(t)
  }, [])
  if (!holders.length) return null
  return (
    <ul className="lock-holders" data-testid={testId}>
      {holders.map((h, i) => (
        <li key={h.id ?? `${h.label}-${i}`}>
          <span>
            Held by <strong>{h.label}</strong> ({age(h.since, now)}
            {h.lastStatement ? (
              <>
                ; last: <code>{h.lastStatement.replace(/\s+/g, ' ').slice(0, 80)}</code>
              </>
            ) : null}
            )
          </span>
          {h.id && (
            <button className="btn small" onClick={() => void rollbackHolder(h)} data-testid="rollback-holder">
              Roll it back
            </button>
          )}
        </li>
      ))}
    </ul>
  )
}

/** While a statement waits on a lock: since when, and who holds it (from onLockWait). */
export function LockWait({ handle, queryId }: { handle: string; queryId: string | null }) {
  const [wait, setWait] = useState<{ since: number; holders: Holder[] } | null>(null)
  const [now, setNow] = useState(Date.now())
  useEffect(() => {
    setWait(null)
    if (!queryId) return
    const off = onEvent('onLockWait', (w) => {
      if (w.handle !== handle || w.queryId !== queryId) return
      setWait(w.waiting ? { since: w.since, holders: w.holders } : null)
    })
    const t = setInterval(() => setNow(Date.now()), 500)
    return () => {
      off()
      clearInterval(t)
    }
  }, [handle, queryId])
  if (!wait) return null
  return (
    <div className="lock-wait" role="status" data-testid="lock-wait">
      <div>
        Waiting for a lock for {Math.max(0, Math.round((now - wait.since) / 1000))} s
        {wait.holders.length ? '' : ': the holder is not known to the app'}.
      </div>
      <LockHolders holders={wait.holders} />
    </div>
  )
}

/** The holders an error names (a BUSY error carries them in its details). */
export function holdersOf(details: Record<string, unknown> | undefined): Holder[] {
  const h = details?.holders
  return Array.isArray(h) ? (h as Holder[]) : []
}
