import { createServer, type IncomingMessage, type Server } from 'node:http'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readFile, rm, stat } from 'node:fs/promises'
import { basename, dirname, extname, join, normalize, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { WebSocketServer, type WebSocket } from 'ws'
import type { EventBus } from '../events/event-bus'
import type { Router } from '../bridge/router'
import { jsonTextDepth, MAX_INPUT_DEPTH } from '../bridge/input-bounds'
import type { ClientRegistry } from '../clients/client-registry'
import { CONTENT_SECURITY_POLICY } from '../security'
import { safeFileName } from '../clients/safe-file-name'
export { safeFileName }

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
        return void (await files(req, res, url))
      let rel: string
      try {
        rel = decodeURIComponent(url.pathname)
      } catch {
        res.writeHead(400, { 'content-type': 'text/plain' }).end('Bad request')
        return
      }
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
      if (!res.headersSent) res.writeHead(500).end('Internal error')
      else res.destroy()
    }
  })
  server.on('clientError', (_e, socket) => socket.destroy())

  /**
   * Files in web mode. A download is a file the app put under downloads/<id>/ (an export, a
   * database snapshot), fetched by the browser with the run's token and removed once sent. An
   * upload is a POST of the raw bytes (same origin, token in a header), stored under uploads/<id>/
   * and answered with its path on the host, which the bridge methods then take.
   */
  async function files(req: IncomingMessage, res: import('node:http').ServerResponse, url: URL) {
    const dir = o.filesDir!
    const json = (status: number, body: unknown) =>
      res
        .writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
        .end(JSON.stringify(body))
    if (req.method === 'GET' && url.pathname.startsWith('/download/')) {
      if (!sameToken(url.searchParams.get('token') ?? '', token)) return json(401, { error: 'Unauthorized' })
      const m = /^\/download\/([A-Za-z0-9-]{8,64})\/([^/]+)$/.exec(url.pathname)
      if (!m) return json(404, { error: 'Not found' })
      const file = join(dir, 'downloads', m[1], safeFileName(decodeURIComponent(m[2])))
      const st = await stat(file).catch(() => null)
      if (!st?.isFile()) return json(404, { error: 'Not found (a download is handed out once)' })
      res.writeHead(200, {
        'content-type': 'application/octet-stream',
        'content-length': String(st.size),
        'content-disposition': `attachment; filename*=UTF-8''${encodeURIComponent(basename(file))}`,
        'cache-control': 'no-store',
        'x-content-type-options': 'nosniff',
      })
      await pipeline(createReadStream(file), res).catch(() => {})
      await rm(join(dir, 'downloads', m[1]), { recursive: true, force: true })
      return
    }
    if (req.method === 'POST' && url.pathname === '/upload') {
      const allowedOrigins = [`http://127.0.0.1:${port}`, `http://localhost:${port}`]
      if (!sameToken(String(req.headers['x-schemist-token'] ?? ''), token)) return json(401, { error: 'Unauthorized' })
      if (!allowedOrigins.includes(req.headers.origin ?? '')) return json(403, { error: 'Forbidden' })
      const max = o.maxUpload ?? 1024 * 1024 * 1024
      const declared = Number(req.headers['content-length'] ?? NaN)
      if (Number.isFinite(declared) && declared > max)
        return json(413, { error: `The file is larger than ${Math.round(max / 1048576)} MB` })
      // Files of one folder (a Python package) go into one upload folder, at their relative paths.
      const batch = String(req.headers['x-schemist-batch'] ?? '')
      const reuse =
        /^[A-Za-z0-9-]{8,24}$/.test(batch) &&
        (await stat(join(dir, 'uploads', batch)).then(
          (x) => x.isDirectory(),
          () => false,
        ))
      const id = reuse ? batch : randomBytes(9).toString('base64url').replace(/_/g, '-')
      const rel = decodeURIComponent(String(req.headers['x-schemist-relpath'] ?? ''))
        .split(/[\\/]+/)
        .filter((x) => x && x !== '.' && x !== '..')
        .map(safeFileName)
      if (rel.length > 16) return json(400, { error: 'The folder is nested too deeply' })
      const name = rel.length
        ? rel[rel.length - 1]
        : safeFileName(decodeURIComponent(String(req.headers['x-schemist-name'] ?? 'upload')))
      const folder = join(dir, 'uploads', id)
      const path = join(folder, ...rel.slice(0, -1), name)
      await mkdir(dirname(path), { recursive: true })
      let size = 0
      try {
        req.on('data', (b: Buffer) => {
          size += b.length
          if (size > max) req.destroy(new Error('too large'))
        })
        await pipeline(req, createWriteStream(path, { flags: 'wx' }))
      } catch (e) {
        if (reuse) await rm(path, { force: true })
        else await rm(folder, { recursive: true, force: true })
        return json(size > max ? 413 : 400, {
          error:
            size > max
              ? `The file is larger than ${Math.round(max / 1048576)} MB`
              : `The upload did not arrive whole: ${(e as Error).message}`,
        })
      }
      return json(200, { path, name, size, batch: id, root: folder })
    }
    return json(405, { error: 'Method not allowed' })
  }

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
    wss.handleUpgrade(req, socket, head, (ws) => serveClient(ws, clientId))
  })

  function serveClient(ws: WebSocket, clientId: string) {
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

    const send = (obj: unknown) => {
      if (closed || ws.readyState !== ws.OPEN) return
      let text: string
      try {
        text = JSON.stringify(obj)
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
      reply(id, envelope)
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
