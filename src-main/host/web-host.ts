import { createServer, type IncomingMessage, type Server } from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize, sep } from 'node:path'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { WebSocketServer, type WebSocket } from 'ws'
import type { EventBus } from '../bridge/event-bus'
import type { Router } from '../bridge/router'
import { CONTENT_SECURITY_POLICY } from '../security'

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
  '.ico': 'image/x-icon',
}

export interface WebHostOptions {
  router: Router
  events: EventBus
  /** The built renderer (out/renderer). */
  staticDir: string
  port?: number
  token?: string
  /** Largest message accepted from a client, in bytes. */
  maxPayload?: number
}

export interface WebHost {
  server: Server
  port: number
  token: string
  url: string
  close(): Promise<void>
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/**
 * Serves the built renderer and the bridge over WebSocket. It listens on 127.0.0.1 only, and a
 * client must present this run's random token and come from this host's own origin: any web
 * page the user visits can try to open a socket to a localhost port, and must be refused.
 */
export async function startWebHost(o: WebHostOptions): Promise<WebHost> {
  const token = o.token ?? randomBytes(24).toString('base64url')
  const server = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1')
      let rel = decodeURIComponent(url.pathname)
      if (rel === '/' || rel === '') rel = '/index.html'
      const file = normalize(join(o.staticDir, rel))
      if (!file.startsWith(normalize(o.staticDir) + sep)) {
        res.writeHead(403).end('Forbidden')
        return
      }
      const st = await stat(file).catch(() => null)
      if (!st?.isFile()) {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('Not found')
        return
      }
      res.writeHead(200, {
        'content-type': MIME[extname(file)] ?? 'application/octet-stream',
        'content-security-policy': CONTENT_SECURITY_POLICY,
        'x-content-type-options': 'nosniff',
        'referrer-policy': 'no-referrer',
        'cache-control': 'no-store',
      })
      res.end(await readFile(file))
    } catch {
      res.writeHead(500).end('Internal error')
    }
  })

  const wss = new WebSocketServer({ noServer: true, maxPayload: o.maxPayload ?? 64 * 1024 * 1024 })
  let port = 0

  const refuse = (socket: import('node:stream').Duplex, status: number, text: string) => {
    socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
    socket.destroy()
  }

  server.on('upgrade', (req: IncomingMessage, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    const allowedOrigins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`]
    if (url.pathname !== '/bridge') return refuse(socket, 404, 'Not Found')
    if (!sameToken(url.searchParams.get('token') ?? '', token)) return refuse(socket, 401, 'Unauthorized')
    if (!allowedOrigins.includes(req.headers.origin ?? '')) return refuse(socket, 403, 'Forbidden')
    wss.handleUpgrade(req, socket, head, (ws) => serveClient(ws))
  })

  function serveClient(ws: WebSocket) {
    const unsubscribe = o.events.subscribe((event, payload) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'event', event, payload }))
    })
    ws.on('close', unsubscribe)
    ws.on('message', async (data) => {
      let msg: { id?: unknown; method?: unknown; input?: unknown }
      try {
        msg = JSON.parse(String(data))
        if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) throw new Error('not an object')
      } catch {
        ws.send(JSON.stringify({ type: 'reply', id: null, envelope: { ok: false, error: { code: 'BAD_REQUEST', message: 'Malformed message: expected a JSON object {id, method, input}' } } }))
        return
      }
      const id = typeof msg.id === 'number' ? msg.id : null
      const envelope = await o.router(msg.method, msg.input)
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ type: 'reply', id, envelope }))
    })
  }

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
