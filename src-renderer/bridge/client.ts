import type { BridgeApi } from '../../src-shared/api'
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../src-shared/contract'
import type { Envelope, ErrorInfo } from '../../src-shared/errors'

declare global {
  interface Window {
    api?: BridgeApi
  }
}

/** A failed bridge call, carrying the main process's error code and details. */
export class BridgeError extends Error {
  constructor(readonly info: ErrorInfo) {
    super(info.message)
    this.name = 'BridgeError'
  }
  get code() {
    return this.info.code
  }
}

/** The WebSocket transport: the same contract, for the renderer running in a browser. */
function webSocketApi(): BridgeApi {
  const token = new URLSearchParams(location.search).get('token') ?? sessionStorage.getItem('schemist-token') ?? ''
  sessionStorage.setItem('schemist-token', token)
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge?token=${encodeURIComponent(token)}`
  let nextId = 1
  const pending = new Map<number, (e: Envelope<unknown>) => void>()
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  let socket: Promise<WebSocket> | null = null

  const connect = () => {
    socket = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url)
      ws.onopen = () => resolve(ws)
      ws.onerror = () => reject(new BridgeError({ code: 'UNAUTHORIZED', message: 'Cannot reach the Schemist host. Open the URL it printed (with its token).' }))
      ws.onclose = () => {
        socket = null
        for (const [id, done] of pending) {
          done({ ok: false, error: { code: 'CONNECTION_LOST', message: 'Lost the connection to the Schemist host' } })
          pending.delete(id)
        }
      }
      ws.onmessage = (ev) => {
        const m = JSON.parse(String(ev.data)) as { type: 'reply'; id: number; envelope: Envelope<unknown> } | { type: 'event'; event: string; payload: unknown }
        if (m.type === 'reply') {
          pending.get(m.id)?.(m.envelope)
          pending.delete(m.id)
        } else for (const l of listeners.get(m.event) ?? []) l(m.payload)
      }
    })
    return socket
  }

  return {
    async invoke(method, input) {
      let ws: WebSocket
      try {
        ws = await (socket ?? connect())
      } catch (e) {
        socket = null
        return { ok: false, error: (e as BridgeError).info }
      }
      const id = nextId++
      return new Promise((resolve) => {
        pending.set(id, resolve as (e: Envelope<unknown>) => void)
        ws.send(JSON.stringify({ id, method, input }))
      })
    },
    on(event, listener) {
      void (socket ?? connect()).catch(() => {})
      const set = listeners.get(event) ?? new Set()
      set.add(listener as (p: unknown) => void)
      listeners.set(event, set)
      return () => set.delete(listener as (p: unknown) => void)
    },
  }
}

const api: BridgeApi = window.api ?? webSocketApi()
export const transport: 'electron' | 'web' = window.api ? 'electron' : 'web'

/** Call a contract method; resolves with its output or throws a BridgeError. */
export async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
  const r = await api.invoke(method, input)
  if (!r.ok) throw new BridgeError(r.error)
  return r.value
}

export function onEvent<E extends EventName>(event: E, listener: (p: EventPayload<E>) => void): () => void {
  return api.on(event, listener)
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e)
}
