/** One statement the session sent, as the Session panel shows it. */
export interface SqlLogEntry {
  id: number
  sql: string
  /** Parameters; for a batch (executemany), the first rows of them. */
  params: unknown[] | unknown[][]
  /** How many times the statement ran (executemany), 1 otherwise. */
  executions: number
  rows: number
  durationMs: number
  at: number
  error?: string
}

const MAX_SHOWN_ROWS = 20

/** Keeps the last entries and tells listeners of each new one. */
export class SqlLog {
  private entries: SqlLogEntry[] = []
  private nextId = 1
  private listeners = new Set<(e: SqlLogEntry) => void>()

  constructor(private readonly limit = 1000) {}

  add(e: Omit<SqlLogEntry, 'id' | 'at'> & { params: unknown[] | unknown[][] }): SqlLogEntry {
    const params = e.executions > 1 ? (e.params as unknown[][]).slice(0, MAX_SHOWN_ROWS) : e.params
    const entry: SqlLogEntry = { ...e, params, id: this.nextId++, at: Date.now() }
    this.entries.push(entry)
    if (this.entries.length > this.limit) this.entries.splice(0, this.entries.length - this.limit)
    for (const l of this.listeners) l(entry)
    return entry
  }

  all(): SqlLogEntry[] {
    return this.entries
  }

  /** The statements as text, one per line: handy in tests and docs. */
  statements(): string[] {
    return this.entries.map((e) => e.sql)
  }

  clear() {
    this.entries = []
  }

  onEntry(l: (e: SqlLogEntry) => void) {
    this.listeners.add(l)
    return () => this.listeners.delete(l)
  }
}
