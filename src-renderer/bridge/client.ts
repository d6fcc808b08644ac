import type { BridgeApi } from '../../src-shared/api'
import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput } from '../../src-shared/contract'
import type { Envelope, ErrorInfo } from '../../src-shared/errors'
import { decodeReplyFrame } from '../../src-shared/columnar-reply'

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

/** Whether the renderer can reach its host: shown at once, and mended by reconnecting. */
export type HostStatus = { state: 'connected' } | { state: 'lost'; message: string; retryInMs: number }
const hostListeners = new Set<(s: HostStatus) => void>()
export function onHostStatus(listener: (s: HostStatus) => void): () => void {
  hostListeners.add(listener)
  return () => hostListeners.delete(listener)
}
const setHostStatus = (s: HostStatus) => hostListeners.forEach((l) => l(s))

/** This page's name for itself, kept across reloads so the host hands back its open work. */
function clientId(): string {
  let id = sessionStorage.getItem('schemist-client')
  if (!id || !/^[A-Za-z0-9_-]{8,64}$/.test(id)) {
    id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('')
    sessionStorage.setItem('schemist-client', id)
  }
  return id
}

/** The WebSocket transport: the same contract, for the renderer running in a browser. */
function webSocketApi(): BridgeApi {
  const token = new URLSearchParams(location.search).get('token') ?? sessionStorage.getItem('schemist-token') ?? ''
  sessionStorage.setItem('schemist-token', token)
  // The token leaves the address bar (and so history, bookmarks and screen shares) once read.
  if (new URLSearchParams(location.search).has('token')) {
    const u = new URL(location.href)
    u.searchParams.delete('token')
    history.replaceState(history.state, '', u.pathname + u.search + u.hash)
  }
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/bridge?token=${encodeURIComponent(token)}&client=${clientId()}&frames=columnar`
  let nextId = 1
  const pending = new Map<number, (e: Envelope<unknown>) => void>()
  const listeners = new Map<string, Set<(p: unknown) => void>>()
  let socket: Promise<WebSocket> | null = null
  let everOpen = false
  let retry: ReturnType<typeof setTimeout> | null = null
  let backoff = 250

  // A lost host is said at once; the page keeps trying, and a host that restarted (its token is
  // new) is told apart from one that is down by asking for the page itself.
  const lost = async () => {
    if (retry) return
    const up = await fetch('/', { cache: 'no-store' }).then(
      (r) => r.ok,
      () => false,
    )
    const message = up
      ? 'The Schemist host was restarted: open the address it printed (its token is new).'
      : 'The Schemist host is not answering; trying again.'
    setHostStatus({ state: 'lost', message, retryInMs: backoff })
    retry = setTimeout(() => {
      retry = null
      backoff = Math.min(backoff * 2, 5000)
      void (socket ?? connect()).catch(() => {})
    }, backoff)
  }

  const connect = () => {
    socket = new Promise<WebSocket>((resolve, reject) => {
      const ws = new WebSocket(url)
      // Replies with tables of cells come as binary columnar frames (see columnar-reply.ts).
      ws.binaryType = 'arraybuffer'
      ws.onopen = () => {
        everOpen = true
        backoff = 250
        setHostStatus({ state: 'connected' })
        resolve(ws)
      }
      ws.onerror = () =>
        reject(
          new BridgeError({
            code: 'UNAUTHORIZED',
            message: 'Cannot reach the Schemist host. Open the URL it printed (with its token).',
          }),
        )
      ws.onclose = () => {
        socket = null
        for (const [id, done] of pending) {
          done({ ok: false, error: { code: 'CONNECTION_LOST', message: 'Lost the connection to the Schemist host' } })
          pending.delete(id)
        }
        if (everOpen) void lost()
      }
      ws.onmessage = (ev) => {
        const data = ev.data as string | ArrayBuffer
        const m = (typeof data === 'string' ? JSON.parse(data) : decodeReplyFrame(new Uint8Array(data))) as
          | { type: 'reply'; id: number; envelope: Envelope<unknown> }
          | { type: 'event'; event: string; payload: unknown }
          | { type: 'hello' }
        if (m.type === 'reply') {
          pending.get(m.id)?.(m.envelope)
          pending.delete(m.id)
        } else if (m.type === 'event') for (const l of listeners.get(m.event) ?? []) l(m.payload)
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

/** Web mode: the run's token, for the host's file routes (downloads are plain links). */
function hostToken(): string {
  return sessionStorage.getItem('schemist-token') ?? ''
}

/** Web mode: let the browser download a file the host prepared (see files.downloadTarget). */
export function downloadFromHost(url: string) {
  const a = document.createElement('a')
  a.href = `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(hostToken())}`
  a.download = ''
  document.body.appendChild(a)
  a.click()
  a.remove()
}

/** Web mode: send a file from this computer to the host; resolves with where it is there. */
export async function uploadToHost(file: File): Promise<{ path: string; name: string; size: number }> {
  const r = await fetch('/upload', {
    method: 'POST',
    body: file,
    headers: { 'x-schemist-token': hostToken(), 'x-schemist-name': encodeURIComponent(file.name) },
  })
  const body = (await r.json().catch(() => ({}))) as { path?: string; name?: string; size?: number; error?: string }
  if (!r.ok || !body.path)
    throw new BridgeError({
      code: 'FILE_ERROR',
      message: `${file.name} could not be uploaded: ${body.error ?? r.statusText}`,
    })
  return { path: body.path, name: body.name ?? file.name, size: body.size ?? file.size }
}

/**
 * The files of a folder picked in the browser (a Python package), sent to the host into one
 * upload folder at their relative paths; returns the folder on the host that holds them.
 */
export async function uploadFolderToHost(
  files: File[],
  keep: (relativePath: string) => boolean,
): Promise<{ root: string; count: number }> {
  let batch: string | undefined
  let root: string | null = null
  let top: string | null = null
  let count = 0
  for (const f of files) {
    const rel = (f as File & { webkitRelativePath?: string }).webkitRelativePath || f.name
    if (!keep(rel)) continue
    const r = await fetch('/upload', {
      method: 'POST',
      body: f,
      headers: {
        'x-schemist-token': hostToken(),
        'x-schemist-name': encodeURIComponent(f.name),
        'x-schemist-relpath': encodeURIComponent(rel),
        ...(batch ? { 'x-schemist-batch': batch } : {}),
      },
    })
    const body = (await r.json().catch(() => ({}))) as { batch?: string; root?: string; error?: string }
    if (!r.ok || !body.batch || !body.root)
      throw new BridgeError({
        code: 'FILE_ERROR',
        message: `${rel} could not be uploaded: ${body.error ?? r.statusText}`,
      })
    batch = body.batch
    root = body.root
    top = top ?? (rel.includes('/') ? rel.split('/')[0] : null)
    count++
  }
  if (!root) throw new BridgeError({ code: 'BAD_REQUEST', message: 'The folder has no files to send' })
  // A picked folder arrives under its own name: that folder is the package.
  return { root: top ? `${root}/${top}` : root, count }
}
