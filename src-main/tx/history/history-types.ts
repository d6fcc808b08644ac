/** The shapes of a history and of what the checker finds in it (./checker.ts). */

export type Key = string
/** A value; null is "no row" (deleted, or not inserted yet). */
export type Value = string | number | null

/** `value <op> n` over a row's value, as the predicate reads here are (e.g. WHERE value > 5). */
export interface Predicate {
  op: '>' | '>=' | '<' | '<=' | '=' | '!=' | 'all'
  n: number
}

export type Op =
  | { kind: 'r'; key: Key; value: Value }
  | { kind: 'w'; key: Key; value: Value }
  /** A predicate read: the version of each row it saw (what its snapshot held), matching or not. */
  | { kind: 'pr'; predicate: Predicate; seen: [Key, Value][] }

export interface Txn {
  id: string
  ops: Op[]
  status: 'committed' | 'aborted'
  /** Position in commit order (committed transactions only). */
  commit?: number
  /** Which session ran it (a console pane), for messages. */
  session?: string
}

export interface History {
  txns: Txn[]
  /** Each key's value before the history began (missing: no row). */
  initial: Record<Key, Value>
  /**
   * The values before the history began were not seen (a console session on a table it did not
   * set up): a read of a value no transaction here wrote is a read of the initial version.
   */
  initialUnknown?: boolean
  /**
   * Where the order in which a key's versions were installed is known otherwise (a list that
   * shows every append, row versions read from the engine), the writers in that order; by
   * default it is the commit order.
   */
  versionOrder?: Record<Key, string[]>
}

export type EdgeKind = 'ww' | 'wr' | 'rw'
export interface Edge {
  from: string
  to: string
  kind: EdgeKind
  key: Key
  /** Comes from a predicate read. */
  predicate?: boolean
}

export const ANOMALY_NAMES = ['G0', 'G1a', 'G1b', 'G1c', 'G-single', 'G2-item', 'G2'] as const
export type AnomalyName = (typeof ANOMALY_NAMES)[number]

export interface Anomaly {
  name: AnomalyName
  /** The transactions of the witness, in cycle order. */
  txns: string[]
  /** The cycle's edges (none for G1a/G1b). */
  cycle: Edge[]
  explanation: string
}

export interface CheckResult {
  serializable: boolean
  anomalies: Anomaly[]
  /** An equivalent serial order of the committed transactions, when there is one. */
  serialOrder: string[] | null
  /** Reads whose value no transaction wrote (neither a version nor an aborted or intermediate write). */
  unexplained: { txn: string; key: Key; value: Value }[]
  edges: Edge[]
}
