import type { StepOutcome } from '../../../src-shared/tx'
import type { History, Op, Predicate, Txn, Value } from './checker'

/**
 * A run of steps on the scratch table (id, value) as a history for the checker: one transaction
 * per BEGIN ... COMMIT/ROLLBACK of a pane (a statement outside one is a transaction of its own),
 * reads from the rows SELECTs returned, writes from the rows UPDATE/INSERT/DELETE left (the
 * runner asks for them with RETURNING), committed only when COMMIT succeeded, in the order the
 * COMMITs finished.
 *
 * A predicate read (WHERE value > 5, count(*), a whole-table scan) also needs the rows it did not
 * return: each row's version is the last one committed before the read's snapshot (the
 * statement's start at READ COMMITTED, the transaction's first statement otherwise).
 */
export function historyOfSteps(steps: StepOutcome[], initialRows: [number, number][], level: string): History {
  const initial: Record<string, Value> = {}
  for (const [id, v] of initialRows) initial[String(id)] = v
  type Building = Txn & {
    firstAt: number | null
    commitAt: number | null
    pendingPredicates: { op: Extract<Op, { kind: 'pr' }>; at: number; returned: Map<string, Value> }[]
  }
  const open = new Map<string, Building>()
  const all: Building[] = []
  const newTxn = (pane: string): Building => {
    const t: Building = {
      id: pane,
      session: pane,
      ops: [],
      status: 'aborted',
      firstAt: null,
      commitAt: null,
      pendingPredicates: [],
    }
    all.push(t)
    return t
  }
  const perStatement = /READ COMMITTED|READ UNCOMMITTED/i.test(level)
  // Steps in the order they started: a pane's own steps keep their order.
  const ordered = [...steps].sort((a, b) => a.startedAt - b.startedAt)
  for (const s of ordered) {
    const sql = s.sql.trim()
    const head = sql.split(/\s+/)[0]?.toUpperCase() ?? ''
    // A BEGIN may follow the statement that sets its level (MariaDB: `SET TRANSACTION ...; BEGIN`).
    const begins = head === 'BEGIN' || head === 'START' || /;\s*(BEGIN|START\s+TRANSACTION)\b[^;]*;?\s*$/i.test(sql)
    if (begins) {
      if (!s.error) open.set(s.pane, newTxn(s.pane))
      continue
    }
    if (head === 'COMMIT' || head === 'END' || (head === 'ROLLBACK' && !/^ROLLBACK\s+TO/i.test(sql))) {
      const t = open.get(s.pane)
      if (!t) continue
      if (head !== 'ROLLBACK' && !s.error && s.result?.command.toUpperCase() !== 'ROLLBACK') {
        t.status = 'committed'
        t.commitAt = s.finishedAt
      }
      // SQLite: a failed COMMIT leaves the transaction open; the runner rolls it back at the end.
      if (!s.error || head !== 'COMMIT') open.delete(s.pane)
      continue
    }
    let t = open.get(s.pane)
    const auto = !t
    if (!t) t = newTxn(s.pane)
    if (t.firstAt === null) t.firstAt = s.startedAt
    if (s.error) {
      if (auto) t.status = 'aborted'
      continue
    }
    const key = /WHERE\s+id\s*=\s*(\d+)/i.exec(sql)?.[1] ?? null
    if (s.written) for (const [id, v] of s.written) t.ops.push({ kind: 'w', key: String(id), value: v })
    else if (s.result?.columns.length && /^SELECT/i.test(sql)) {
      const cols = s.result.columns.map((c) => c.name.toLowerCase())
      const idCol = cols.indexOf('id')
      const valueCol = cols.indexOf('value')
      const returned = new Map<string, Value>()
      for (const row of s.result.rows) {
        const id = idCol >= 0 ? String(row[idCol]) : key
        if (id !== null && valueCol >= 0) {
          const v = row[valueCol] === null ? null : Number(row[valueCol])
          returned.set(id, v)
          t.ops.push({ kind: 'r', key: id, value: v })
        }
      }
      // Not a read by key: a predicate over the table's rows.
      if (!key && !/WHERE\s+id\s+IN\s*\(/i.test(sql)) {
        const m = /WHERE\s+value\s*(>=|<=|!=|<>|=|>|<)\s*(-?\d+)/i.exec(sql)
        const predicate: Predicate = m
          ? { op: (m[1] === '<>' ? '!=' : m[1]) as Predicate['op'], n: Number(m[2]) }
          : { op: 'all', n: 0 }
        const op: Extract<Op, { kind: 'pr' }> = { kind: 'pr', predicate, seen: [] }
        t.ops.push(op)
        t.pendingPredicates.push({ op, at: perStatement ? s.startedAt : (t.firstAt ?? s.startedAt), returned })
      }
    }
    if (auto) {
      t.status = 'committed'
      t.commitAt = s.finishedAt
    }
  }
  // Commit order, then what each predicate read's snapshot held.
  const committed = all.filter((t) => t.status === 'committed').sort((a, b) => (a.commitAt ?? 0) - (b.commitAt ?? 0))
  committed.forEach((t, i) => (t.commit = i + 1))
  const keys = new Set([
    ...Object.keys(initial),
    ...all.flatMap((t) => t.ops.flatMap((o) => (o.kind === 'pr' ? [] : [o.key]))),
  ])
  for (const t of all)
    for (const p of t.pendingPredicates) {
      const seen: [string, Value][] = []
      for (const k of keys) {
        if (p.returned.has(k)) {
          seen.push([k, p.returned.get(k)!])
          continue
        }
        let v: Value = initial[k] ?? null
        for (const c of committed) {
          if ((c.commitAt ?? 0) > p.at || c === t) continue
          for (const o of c.ops) if (o.kind === 'w' && o.key === k) v = o.value
        }
        // Its own earlier writes.
        for (const o of t.ops) {
          if (o === p.op) break
          if (o.kind === 'w' && o.key === k) v = o.value
        }
        seen.push([k, v])
      }
      p.op.seen = seen
    }
  nameByPane(all)
  return { initial, txns: all.map(({ id, ops, status, commit, session }) => ({ id, ops, status, commit, session })) }
}

/** Ids: the pane's name, numbered when a pane ran more than one transaction (A.1, A.2). */
export function nameByPane(all: Txn[]): void {
  const perPane = new Map<string, number>()
  for (const t of all) perPane.set(t.session!, (perPane.get(t.session!) ?? 0) + 1)
  const seenPane = new Map<string, number>()
  for (const t of all) {
    const k = (seenPane.get(t.session!) ?? 0) + 1
    seenPane.set(t.session!, k)
    t.id = perPane.get(t.session!)! > 1 ? `${t.session}.${k}` : t.session!
  }
}
