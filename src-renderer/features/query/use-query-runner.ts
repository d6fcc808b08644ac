import { useCallback, useRef, useState, type MutableRefObject } from 'react'
import { ENGINES } from '../../../src-shared/engines'
import type { Holder } from '../../../src-shared/contract'
import type { ExplainResult } from '../../../src-shared/plan'
import type { QueryResult } from '../../../src-shared/query'
import { counted } from '../../../src-shared/naming'
import { splitStatements, statementAt, type StatementSpan } from '../../../src-shared/sql-split'
import { BridgeError } from '../../bridge/client'
import { setState, useApp } from '../../app/store'
import type { SqlEditorHandle } from '../../ui/SqlEditor'
import { refreshSchema } from '../connections/actions'
import { pendingCount } from '../grid/grid-store'
import { holdersOf } from '../locks/LockHolders'
import { queryApi } from './api'
import type { ScriptRun, ScriptStep } from './ScriptLog'
import { trackTransaction } from './track-transaction'

export interface QueryError {
  code: string
  message: string
  holders?: Holder[]
}

const isDdl = (command: string) => /^(CREATE|DROP|ALTER)/i.test(command)

/** On an engine where an error aborts the transaction, the status bar says the transaction failed. */
function markFailed(handle: string) {
  const conn = useApp.getState().open[handle]
  if (
    conn &&
    ENGINES[conn.engine].capabilities.errorAbortsTransaction &&
    useApp.getState().txState[handle] === 'in transaction'
  )
    setState((st) => ({ txState: { ...st.txState, [handle]: 'failed' } }))
}

const asQueryError = (e: unknown): QueryError =>
  e instanceof BridgeError
    ? { code: e.code, message: e.message, holders: holdersOf(e.info.details) }
    : { code: 'INTERNAL', message: String(e) }

/**
 * A query tab's runs: the statement under the cursor (or the selection), its plan, or every
 * statement as a script; with the running query's id for cancelling and lock waits.
 */
export function useQueryRunner(tabId: string, handle: string, editor: MutableRefObject<SqlEditorHandle | null>) {
  const [running, setRunning] = useState<string | null>(null)
  const [result, setResult] = useState<QueryResult | null>(null)
  const [plan, setPlan] = useState<ExplainResult | null>(null)
  const [error, setError] = useState<QueryError | null>(null)
  const [ran, setRan] = useState<string>('')
  const [script, setScript] = useState<ScriptRun | null>(null)
  const stopScript = useRef(false)
  const gridId = `${tabId}:result`

  /** Pending edits in the result grid go when another statement runs: the user says whether. */
  const mayDiscard = (message: (pending: number) => string) => {
    const pending = pendingCount(gridId)
    return !pending || confirm(message(pending))
  }

  async function run(explain?: 'plan' | 'analyze', again?: string) {
    const cur = editor.current?.current()
    const text = again ?? (cur ? cur.selection.trim() || (statementAt(cur.text, cur.cursor)?.text ?? '') : '')
    if (!text || running) return
    const discard = (n: number) =>
      `The result has ${n} pending edit(s). Running another statement discards them, unless its rows come from the same table. Run it?`
    if (!again && !mayDiscard(discard)) return
    const queryId = `${tabId}:${Date.now()}`
    setRunning(queryId)
    setError(null)
    setScript(null)
    setRan(text)
    try {
      if (explain) {
        setPlan(await queryApi.explain({ handle, sql: text, analyze: explain === 'analyze' }))
        setResult(null)
      } else {
        const r = await queryApi.run({ handle, sql: text, queryId })
        setResult(r)
        trackTransaction(handle, r.command, text)
        setPlan(null)
        if (isDdl(r.command)) void refreshSchema(handle)
      }
    } catch (e) {
      setResult(null)
      setPlan(null)
      markFailed(handle)
      setError(asQueryError(e))
    } finally {
      setRunning(null)
    }
  }

  /**
   * Every statement of the selection (or of the whole editor) in order, stopping at the first
   * error, which is selected in the editor. The last result with rows stays on screen.
   */
  async function runScript() {
    const cur = editor.current?.current()
    if (!cur || running) return
    const base = cur.selection.trim() ? cur.selectionFrom : 0
    const statements = splitStatements(cur.selection.trim() ? cur.selection : cur.text)
    if (statements.length === 0) return
    if (!mayDiscard((n) => `The result has ${counted(n, 'pending edit')}. Running the script discards them. Run it?`))
      return
    stopScript.current = false
    setError(null)
    setPlan(null)
    setResult(null)
    setScript({ steps: [], total: statements.length, failedAt: null, stopped: false })
    const out = await runStatements(handle, tabId, statements, {
      stopped: () => stopScript.current,
      running: setRunning,
      progress: setScript,
    })
    setRunning(null)
    if (out.failed) {
      const { at, message, code } = out.failed
      const st = statements[at]
      const line = cur.text.slice(0, base + st.from).split('\n').length
      setError({ code, message: `Statement ${at + 1} of ${statements.length} (line ${line}): ${message}` })
      editor.current?.select(base + st.from, base + st.to)
    }
    if (out.last) {
      setRan(out.last.sql)
      setResult(out.last.result)
    }
    if (out.ddl) void refreshSchema(handle)
  }

  const cancel = () => {
    stopScript.current = true
    if (running) void queryApi.cancel({ queryId: running })
  }

  // After a commit from the result grid the same statement runs again (stable for the grid).
  const ranRef = useRef('')
  ranRef.current = ran
  const runRef = useRef(run)
  runRef.current = run
  const rerun = useCallback(() => runRef.current(undefined, ranRef.current), [])
  const runScriptRef = useRef(runScript)
  runScriptRef.current = runScript

  return { running, result, plan, error, ran, script, gridId, run, runScript: runScriptRef, cancel, rerun }
}

/** A script's statements one by one, reporting each; stops at the first error or when asked. */
async function runStatements(
  handle: string,
  tabId: string,
  statements: StatementSpan[],
  on: { stopped: () => boolean; running: (queryId: string) => void; progress: (run: ScriptRun) => void },
): Promise<{
  last: { result: QueryResult; sql: string } | null
  ddl: boolean
  failed?: { at: number; code: string; message: string }
}> {
  let last: { result: QueryResult; sql: string } | null = null
  let ddl = false
  const steps: ScriptStep[] = []
  const total = statements.length
  for (let i = 0; i < total; i++) {
    if (on.stopped()) {
      on.progress({ steps: [...steps], total, failedAt: null, stopped: true })
      break
    }
    const st = statements[i]
    const queryId = `${tabId}:${Date.now()}:${i}`
    on.running(queryId)
    try {
      const r = await queryApi.run({ handle, sql: st.text, queryId })
      trackTransaction(handle, r.command, st.text)
      if (isDdl(r.command)) ddl = true
      const returnsRows = r.columns.length > 0
      steps.push({
        sql: st.text,
        command: r.command,
        rows: returnsRows ? r.rows.length : r.rowCount,
        returnsRows,
        ms: r.durationMs,
      })
      if (returnsRows) last = { result: r, sql: st.text }
      on.progress({ steps: [...steps], total, failedAt: null, stopped: false })
    } catch (e) {
      markFailed(handle)
      const { code, message } = asQueryError(e)
      on.progress({ steps: [...steps], total, failedAt: i, stopped: false, failed: { sql: st.text, message } })
      return { last, ddl, failed: { at: i, code, message } }
    }
  }
  return { last, ddl }
}
export type QueryRunner = ReturnType<typeof useQueryRunner>
