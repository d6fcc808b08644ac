import { createServer, type IncomingMessage, type Server } from 'node:http'
import { randomBytes } from 'node:crypto'
import { WebSocketServer } from 'ws'
import type { EventBus } from '../events/event-bus'
import type { Router } from '../bridge/router'
import type { ClientRegistry } from '../clients/client-registry'
import { safeFileName } from '../clients/safe-file-name'
import { sameToken } from './same-token'
import { serveStatic } from './static-files'
import { serveFiles } from './host-files'
import { serveClient } from './bridge-socket'
export { safeFileName }

export interface WebHostOptions {
  router: Router
  events: EventBus
  /** The built renderer (out/renderer). */
  staticDir: string
  port?: number
  token?: string
  /** Largest message accepted from a client, in bytes. */
  maxPayload?: number
  /** Who owns what: a client's work is released some time after its socket closes. */
  clients?: ClientRegistry
  /** Requests of one client run at once; more wait in order (and are dropped if it goes). */
  maxInFlight?: number
  /** Reply bytes a client may leave unread before the host stops reading its requests. */
  maxBufferedBytes?: number
  /** Errors the host survived (a broken frame, a failed send), for its log. */
  log?: (message: string) => void
  /** Told when the host stops or starts reading a client because of its unread replies. */
  onFlow?: (paused: boolean) => void
  /**
   * Where files cross between the browser and the host (the data directory): uploads land in
   * `uploads/`, and what the app wrote to `downloads/` is handed to the browser, once.
   */
  filesDir?: string
  /** Largest upload accepted, in bytes. */
  maxUpload?: number
}

/** A client names itself with this (kept by the page across reloads); anything else gets a fresh id. */
const CLIENT_ID = /^[A-Za-z0-9_-]{8,64}$/

export interface WebHost {
  server: Server
  port: number
  token: string
  url: string
  close(): Promise<void>
}

/**
 * Serves the built renderer and the bridge over WebSocket. It listens on 127.0.0.1 only, and a
 * client must present this run's random token and come from this host's own origin: any web
 * page the user visits can try to open a socket to a localhost port, and must be refused.
 */
export async function startWebHost(o: WebHostOptions): Promise<WebHost> {
  const token = o.token ?? randomBytes(24).toString('base64url')
  const log = o.log ?? (() => {})
  const maxInFlight = o.maxInFlight ?? 16
  const maxBuffered = o.maxBufferedBytes ?? 16 * 1024 * 1024
  let port = 0
  // A page served from another name (a DNS-rebinding attack) is refused even before the token.
  const hostAllowed = (host: string | undefined) => host === `127.0.0.1:${port}` || host === `localhost:${port}`
  const server = createServer(async (req, res) => {
    try {
      if (!hostAllowed(req.headers.host)) {
        res.writeHead(421, { 'content-type': 'text/plain' }).end('Misdirected request')
        return
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      if (o.filesDir && (url.pathname === '/upload' || url.pathname.startsWith('/download/')))
        return void (await serveFiles(req, res, url, { dir: o.filesDir, token, port, maxUpload: o.maxUpload }))
      await serveStatic(o.staticDir, url, res)
    } catch {
      if (!res.headersSent) res.writeHead(500).end('Internal error')
      else res.destroy()
    }
  })
  server.on('clientError', (_e, socket) => socket.destroy())

  // Nothing the renderer sends comes near this; a bigger frame closes that socket (code 1009).
  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxPayload ?? 32 * 1024 * 1024 })
  wss.on('error', (e) => log(`WebSocket server: ${e.message}`))

  const refuse = (socket: import('node:stream').Duplex, status: number, text: string) => {
    socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    socket.destroy()
  }

  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const allowedOrigins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`]
    socket.on('error', () => socket.destroy())
    if (url.pathname !== '/bridge') return refuse(socket, 404, 'Not Found')
    if (!hostAllowed(req.headers.host)) return refuse(socket, 421, 'Misdirected Request')
    if (!sameToken(url.searchParams.get('token') ?? '', token)) return refuse(socket, 401, 'Unauthorized')
    if (!allowedOrigins.includes(req.headers.origin ?? '')) return refuse(socket, 403, 'Forbidden')
    const asked = url.searchParams.get('client') ?? ''
    const clientId = CLIENT_ID.test(asked) ? asked : randomBytes(12).toString('base64url')
    const columnar = url.searchParams.get('frames') === 'columnar'
    wss.handleUpgrade(req, socket, head, (ws) =>
      serveClient(ws, clientId, { ...o, log, maxInFlight, maxBuffered, columnar }),
    )
  })

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(o.port ?? 0, '127.0.0.1', () => resolve())
  })
  port = (server.address() as { port: number }).port
  return {
    server,
    port,
    token,
    url: `http://127.0.0.1:${port}/?token=${token}`,
    close: () =>
      new Promise<void>((resolve) => {
        for (const c of wss.clients) c.terminate()
        wss.close()
        server.close(() => resolve())
      }),
  }
}
