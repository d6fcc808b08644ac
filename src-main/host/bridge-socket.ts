import type { WebSocket } from 'ws'
import { jsonTextDepth, MAX_INPUT_DEPTH } from '../bridge/input-bounds'
import { COLUMNAR_FIELDS, encodeReplyFrame } from '../../src-shared/columnar-reply'
import type { MethodName } from '../../src-shared/contract'
import type { Envelope } from '../../src-shared/errors'
import type { WebHostOptions } from './web-host'

type ClientOptions = Pick<WebHostOptions, 'router' | 'events' | 'clients' | 'onFlow'> & {
  log: (message: string) => void
  maxInFlight: number
  maxBuffered: number
  /** The client reads binary columnar frames (`frames=columnar`): replies with tables go so. */
  columnar?: boolean
}

/**
 * A reply with tables of cells, for a client that reads them as one binary columnar frame: no
 * JSON of each cell written here and read there. Anything the frame cannot carry goes as JSON.
 */
function columnarFrame(method: unknown, id: number | null, envelope: Envelope<unknown>, log: (m: string) => void) {
  const fields =
    typeof method === 'string' && envelope.ok && Object.hasOwn(COLUMNAR_FIELDS, method)
      ? COLUMNAR_FIELDS[method as MethodName]
      : undefined
  if (!fields) return undefined
  try {
    return encodeReplyFrame(id, envelope, fields) ?? undefined
  } catch (e) {
    log(`a ${method} reply went as JSON: ${(e as Error).message}`)
    return undefined
  }
}

/**
 * One page's socket: requests run in order, at most `maxInFlight` at once; replies and events go
 * back on it; a client that does not read its replies stops being read from.
 */
export function serveClient(ws: WebSocket, clientId: string, o: ClientOptions) {
  const { log, maxInFlight, maxBuffered } = o
  const resumed = o.clients?.attach(clientId).resumed ?? 0
  let buffered = 0
  let paused = false
  let closed = false
  let running = 0
  const waiting: string[] = []

  // A protocol error (oversize or unmasked frame, bad UTF-8 or opcode) ends this socket only;
  // without a listener `ws` would throw it at the process.
  ws.on('error', (e) => {
    log(`client ${clientId}: ${e.message}`)
    ws.terminate()
  })

  const send = (obj: unknown, frame?: Uint8Array) => {
    if (closed || ws.readyState !== ws.OPEN) return
    let text: string | Uint8Array
    try {
      text = frame ?? JSON.stringify(obj)
    } catch (e) {
      text = JSON.stringify({
        type: 'reply',
        id: (obj as { id?: unknown }).id ?? null,
        envelope: {
          ok: false,
          error: { code: 'INTERNAL', message: `The reply could not be encoded: ${(e as Error).message}` },
        },
      })
    }
    buffered += text.length
    ws.send(text, () => {
      buffered -= text.length
      flowControl()
    })
    flowControl()
  }

  // Backpressure: a client that does not read its replies stops being read from, so replies
  // never pile up without bound; its socket's own buffers then push back on it.
  function flowControl() {
    const full = buffered > maxBuffered
    if (full && !paused) {
      paused = true
      ws.pause()
      o.onFlow?.(true)
    } else if (!full && paused && !closed) {
      paused = false
      ws.resume()
      o.onFlow?.(false)
      pumpQueue()
    }
  }

  const reply = (id: number | null, envelope: unknown) => send({ type: 'reply', id, envelope })
  const replyTo = (method: unknown, id: number | null, envelope: Envelope<unknown>) =>
    send({ type: 'reply', id, envelope }, o.columnar ? columnarFrame(method, id, envelope, log) : undefined)

  async function handle(text: string) {
    let msg: { id?: unknown; method?: unknown; input?: unknown }
    // Too deep to be worth parsing: refused from its text, answered under the id the client
    // put first (as ours does) so the caller's promise still settles.
    if (jsonTextDepth(text) > MAX_INPUT_DEPTH + 2) {
      const id = /^\s*\{\s*"id"\s*:\s*(\d{1,15})\s*,/.exec(text)
      reply(id ? Number(id[1]) : null, {
        ok: false,
        error: { code: 'BAD_REQUEST', message: `Input nested too deeply: more than ${MAX_INPUT_DEPTH} levels` },
      })
      return
    }
    try {
      msg = JSON.parse(text)
      if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw new Error('not an object')
    } catch (e) {
      reply(null, {
        ok: false,
        error: {
          code: 'BAD_REQUEST',
          message: `Malformed message (${(e as Error).message}): expected a JSON object {id, method, input}`,
        },
      })
      return
    }
    const id = typeof msg.id === 'number' ? msg.id : null
    const envelope = await o.router(msg.method, msg.input, { clientId })
    replyTo(msg.method, id, envelope)
  }

  function pumpQueue() {
    while (!closed && !paused && running < maxInFlight && waiting.length) {
      const text = waiting.shift()!
      running++
      handle(text)
        .catch((e) => log(`client ${clientId}: ${(e as Error).message}`))
        .finally(() => {
          running--
          pumpQueue()
        })
    }
  }

  const unsubscribe = o.events.subscribe((event, payload) => send({ type: 'event', event, payload }))
  ws.on('close', () => {
    closed = true
    // Requests not yet started are dropped: nobody is left to read their answers.
    waiting.length = 0
    unsubscribe()
    o.clients?.detach(clientId)
  })
  ws.on('message', (data) => {
    waiting.push(String(data))
    pumpQueue()
  })
  send({ type: 'hello', clientId, resumed })
}
