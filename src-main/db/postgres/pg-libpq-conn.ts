import pg from 'pg'

/**
 * A pg connection seen as libpq sees it, for a runner that must print exactly what PostgreSQL's
 * isolation tester prints. The tester's output depends on *when* libpq parses what the server
 * sent (a NOTICE prints when it is parsed; a step's results are read only when the tester looks
 * at that connection), so this keeps the backend's messages in arrival order and parses them
 * only on the tester's calls, with libpq's rules: PQconsumeInput moves what arrived into the
 * buffer; PQisBusy parses until a result is ready (NOTICE and NOTIFY are parsed in any state;
 * anything else waits while a result is held); PQgetResult hands results out one at a time.
 *
 * node-postgres does the protocol: this only listens to its message stream and sends simple
 * queries through a submittable that leaves every message to us.
 */

type Msg = { name: string } & Record<string, unknown>

export interface PqResult {
  status: 'TUPLES_OK' | 'COMMAND_OK' | 'EMPTY_QUERY' | 'FATAL_ERROR'
  fields: string[]
  rows: (string | null)[][]
  command: string
  /** The server's error fields, when it sent them. */
  error: {
    severity: string
    message: string
    detail?: string
    hint?: string
    where?: string
    internalQuery?: string
    code?: string
  } | null
  /** libpq's own message (a lost connection), when there are no fields. */
  errorText: string | null
}

const CLOSED_TEXT =
  'server closed the connection unexpectedly\n\tThis probably means the server terminated abnormally\n\tbefore or while processing the request.\n'

/** A simple-protocol query whose messages pg's Client hands to us rather than to a Result. */
class RawQuery {
  constructor(readonly text: string) {}
  submit(connection: { query(text: string): void }) {
    connection.query(this.text)
  }
  handleRowDescription() {}
  handleDataRow() {}
  handleCommandComplete() {}
  handleEmptyQuery() {}
  handlePortalSuspended() {}
  handleError() {}
  handleReadyForQuery() {}
  handleCopyInResponse(connection: { sendCopyFail(msg: string): void }) {
    connection.sendCopyFail('COPY FROM STDIN is not supported by the spec runner')
  }
  handleCopyData() {}
}

/** libpq's notice text (default verbosity; CONTEXT only for errors). */
export function formatNotice(m: Record<string, unknown>, isError: boolean): string {
  let s = `${m.severity as string}:  ${m.message as string}`
  if (m.position && !isError) s += ` at character ${m.position as string}`
  s += '\n'
  if (m.detail) s += `DETAIL:  ${m.detail as string}\n`
  if (m.hint) s += `HINT:  ${m.hint as string}\n`
  if (m.internalQuery) s += `QUERY:  ${m.internalQuery as string}\n`
  if (isError && m.where) s += `CONTEXT:  ${m.where as string}\n`
  return s
}

export class LibpqConn {
  private arrived: Msg[] = []
  private inbuf: Msg[] = []
  private status: 'idle' | 'busy' | 'ready' = 'idle'
  private building: PqResult | null = null
  private held: PqResult | null = null
  private wake: (() => void) | null = null
  private dead = false
  readonly notifies: { channel: string; payload: string; processId: number }[] = []
  totalNotices = 0
  readonly pid: number
  /** Called with each NOTICE/WARNING as libpq would hand it to the notice processor. */
  onNotice: (text: string) => void = () => {}

  private constructor(readonly client: pg.Client) {
    this.pid = (client as unknown as { processID: number }).processID
  }

  static async connect(config: pg.ClientConfig): Promise<LibpqConn> {
    const client = new pg.Client(config)
    // Errors reach us as messages; an 'error' event without a listener would end the process.
    client.on('error', () => {})
    await client.connect()
    const c = new LibpqConn(client)
    const connection = (
      client as unknown as {
        connection: import('node:events').EventEmitter & { stream: import('node:events').EventEmitter }
      }
    ).connection
    connection.on('message', (m: Msg) => c.arrive(m))
    connection.stream.on('close', () => c.arrive({ name: '__closed' }))
    return c
  }

  private arrive(m: Msg) {
    if (m.name === 'parameterStatus' || m.name === 'backendKeyData') return
    this.arrived.push(m)
    const w = this.wake
    this.wake = null
    w?.()
  }

  get isDead() {
    return this.dead
  }

  /** PQsendQuery. */
  sendQuery(sql: string): boolean {
    if (this.dead) return false
    this.status = 'busy'
    this.building = null
    this.held = null
    this.client.query(new RawQuery(sql) as unknown as pg.QueryConfig)
    return true
  }

  /** PQconsumeInput: what the socket holds, into libpq's buffer. */
  consumeInput() {
    if (this.arrived.length) {
      this.inbuf.push(...this.arrived)
      this.arrived = []
    }
  }

  /** Wait until something arrives or `ms` pass (the tester's select()); true when something arrived. */
  waitInput(ms: number): Promise<boolean> {
    if (this.arrived.length) return Promise.resolve(true)
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null
        resolve(this.arrived.length > 0)
      }, ms)
      this.wake = () => {
        clearTimeout(timer)
        resolve(true)
      }
    })
  }

  private newResult(status: PqResult['status']): PqResult {
    return { status, fields: [], rows: [], command: '', error: null, errorText: null }
  }

  /** libpq's pqParseInput3, as far as the tester's use of it goes. */
  private parse() {
    while (this.inbuf.length) {
      const m = this.inbuf[0]
      if (m.name === 'notification') {
        this.inbuf.shift()
        this.notifies.push({
          channel: m.channel as string,
          payload: m.payload as string,
          processId: m.processId as number,
        })
        continue
      }
      if (m.name === 'notice') {
        this.inbuf.shift()
        this.totalNotices++
        this.onNotice(formatNotice(m, false))
        continue
      }
      if (this.status !== 'busy') {
        if (this.status === 'ready') return
        // Idle: an error here (a FATAL as the server ends the session) goes to the notice processor.
        this.inbuf.shift()
        if (m.name === 'error') this.onNotice(formatNotice(m, true))
        else if (m.name === '__closed') this.dead = true
        continue
      }
      this.inbuf.shift()
      switch (m.name) {
        case 'rowDescription':
          this.building = this.newResult('TUPLES_OK')
          this.building.fields = (m.fields as { name: string }[]).map((f) => f.name)
          break
        case 'dataRow':
          this.building?.rows.push(m.fields as (string | null)[])
          break
        case 'commandComplete':
          this.held = this.building ?? this.newResult('COMMAND_OK')
          this.held.command = m.text as string
          this.building = null
          this.status = 'ready'
          break
        case 'emptyQuery':
          this.held = this.newResult('EMPTY_QUERY')
          this.status = 'ready'
          break
        case 'error': {
          const r = this.newResult('FATAL_ERROR')
          r.error = {
            severity: m.severity as string,
            message: m.message as string,
            detail: m.detail as string | undefined,
            hint: m.hint as string | undefined,
            where: m.where as string | undefined,
            internalQuery: m.internalQuery as string | undefined,
            code: m.code as string | undefined,
          }
          this.building = null
          this.held = r
          this.status = 'ready'
          break
        }
        case 'readyForQuery':
          this.status = 'idle'
          break
        case '__closed': {
          // The server went away mid-query: libpq reports it as one more error result.
          this.dead = true
          const r = this.newResult('FATAL_ERROR')
          r.errorText = `${CLOSED_TEXT}\n`
          this.held = r
          this.status = 'ready'
          this.inbuf = []
          break
        }
        default:
          break
      }
    }
  }

  /** PQisBusy. */
  isBusy(): boolean {
    this.parse()
    return this.status === 'busy'
  }

  /** PQgetResult: the next result, waiting for it if need be; null when the query is done. */
  async getResult(): Promise<PqResult | null> {
    for (;;) {
      this.parse()
      if (this.status === 'ready') {
        const r = this.held!
        this.held = null
        this.status = this.dead ? 'idle' : 'busy'
        return r
      }
      if (this.status === 'idle') return null
      await this.waitInput(1000)
      this.consumeInput()
    }
  }

  /** PQexec: send, read every result, return the last. */
  async exec(sql: string): Promise<PqResult | null> {
    if (!this.sendQuery(sql)) {
      const r = this.newResult('FATAL_ERROR')
      r.errorText = 'no connection to the server\n'
      return r
    }
    let last: PqResult | null = null
    for (let r = await this.getResult(); r; r = await this.getResult()) last = r
    return last
  }

  async close() {
    await this.client.end().catch(() => {})
  }
}

/** PQerrorMessage-like text of an error result (what the tester prints for a failed setup). */
export function errorMessageOf(r: PqResult): string {
  if (r.error) return formatNotice(r.error as unknown as Record<string, unknown>, true)
  return r.errorText ?? ''
}
