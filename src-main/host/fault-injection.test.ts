import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { connect as netConnect, type Socket } from 'node:net'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { createHandlers } from '../bridge/handlers'
import { createRouter } from '../bridge/router'
import type { Services } from '../services'
import { testServices } from '../test-support/services'
import { startWebHost, type WebHost } from './web-host'

// Faults a client can cause on purpose or by accident, each named after itself. After every one,
// the host must still answer, on the same socket where that makes sense and on a new one always.

type Reply = {
  type: string
  id: number | null
  envelope: { ok: boolean; value?: unknown; error?: { code: string; message: string } }
}

class Client {
  private next = 1
  private waiters = new Map<number, (r: Reply) => void>()
  closed: Promise<number>
  constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as Reply
      if (m.type === 'reply' && m.id !== null) this.waiters.get(m.id)?.(m)
    })
    this.closed = new Promise((r) => ws.once('close', (code) => r(code)))
  }
  call(method: string, input: unknown = {}): Promise<Reply['envelope']> {
    const id = this.next++
    return new Promise((resolve) => {
      this.waiters.set(id, (r) => resolve(r.envelope))
      this.ws.send(JSON.stringify({ id, method, input }))
    })
  }
  sendRaw(text: string) {
    this.ws.send(text)
  }
  /** A request whose input is given as JSON text (values too deep for JSON.stringify itself). */
  callText(method: string, inputJson: string): Promise<Reply['envelope']> {
    const id = this.next++
    return new Promise((resolve) => {
      this.waiters.set(id, (r) => resolve(r.envelope))
      this.ws.send(`{"id":${id},"method":${JSON.stringify(method)},"input":${inputJson}}`)
    })
  }
}

/** A raw TCP socket upgraded to the bridge, for frames no WebSocket library would send. */
function rawUpgrade(host: WebHost): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = netConnect(host.port, '127.0.0.1')
    s.on('error', reject)
    s.write(
      `GET /bridge?token=${host.token} HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nOrigin: http://127.0.0.1:${host.port}\r\n` +
        'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
    )
    s.once('data', (d) => (String(d).startsWith('HTTP/1.1 101') ? resolve(s) : reject(new Error(String(d)))))
  })
}

/** Sends raw bytes and resolves when the host has closed that socket. */
function sendAndAwaitClose(s: Socket, bytes: Buffer): Promise<void> {
  return new Promise((resolve) => {
    s.on('close', () => resolve())
    s.write(bytes)
  })
}

function rawHttp(host: WebHost, request: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = netConnect(host.port, '127.0.0.1')
    let out = ''
    s.on('data', (d) => (out += String(d)))
    s.on('end', () => resolve(out))
    s.on('close', () => resolve(out))
    s.on('error', reject)
    s.write(request)
  })
}

/** JSON text of a value nested `depth` deep: `open` + leaf + `close` repeated. */
function nestedJson(depth: number, open: string, leaf: string, close: string): string {
  return open.repeat(depth) + leaf + close.repeat(depth)
}

function nested(depth: number, leaf: unknown, wrap: (x: unknown) => unknown): unknown {
  let v = leaf
  for (let i = 0; i < depth; i++) v = wrap(v)
  return v
}

describe('fault injection: the web host survives what a client sends', () => {
  let services: Services
  let host: WebHost
  const logged: string[] = []
  beforeAll(async () => {
    services = await testServices()
    const staticDir = mkdtempSync(join(tmpdir(), 'schemist-static-'))
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Schemist</title>')
    host = await startWebHost({
      router: createRouter(createHandlers(services)),
      events: services.events,
      staticDir,
      clients: services.clients,
      maxPayload: 1024 * 1024,
      log: (m) => logged.push(m),
    })
  })
  afterAll(async () => {
    await host.close()
    await services.dispose()
  })

  const open = (client?: string) =>
    new Promise<Client>((resolve, reject) => {
      const ws = new WebSocket(
        `ws://127.0.0.1:${host.port}/bridge?token=${host.token}${client ? `&client=${client}` : ''}`,
        { origin: `http://127.0.0.1:${host.port}` },
      )
      ws.once('open', () => resolve(new Client(ws)))
      ws.once('error', reject)
    })

  async function stillAnswers() {
    const c = await open()
    expect(await c.call('app.info')).toMatchObject({ ok: true })
    c.ws.close()
  }

  it('a frame header declaring a payload over the limit closes that socket only', async () => {
    const s = await rawUpgrade(host)
    // FIN+text, masked, 64-bit length of 1 TiB, a mask key: 14 bytes, no payload needed.
    await sendAndAwaitClose(s, Buffer.from([0x81, 0xff, 0, 0, 1, 0, 0, 0, 0, 0, 1, 2, 3, 4]))
    await stillAnswers()
  })

  it('a text frame with invalid UTF-8 closes that socket only', async () => {
    const s = await rawUpgrade(host)
    const mask = [1, 2, 3, 4]
    const payload = Buffer.from([0xc3, 0x28, 0xa0, 0xa1])
    await sendAndAwaitClose(
      s,
      Buffer.concat([
        Buffer.from([0x81, 0x80 | payload.length, ...mask]),
        Buffer.from(payload.map((b, i) => b ^ mask[i % 4])),
      ]),
    )
    await stillAnswers()
  })

  it('an unmasked frame from a client closes that socket only', async () => {
    const s = await rawUpgrade(host)
    await sendAndAwaitClose(s, Buffer.from([0x81, 0x02, 0x7b, 0x7d]))
    await stillAnswers()
  })

  it('a frame with an unknown opcode closes that socket only', async () => {
    const s = await rawUpgrade(host)
    await sendAndAwaitClose(s, Buffer.from([0x83, 0x80, 1, 2, 3, 4]))
    await stillAnswers()
  })

  it('a message over the payload limit closes that socket (code 1009) and the host goes on', async () => {
    const c = await open()
    c.sendRaw('x'.repeat(2 * 1024 * 1024))
    expect(await c.closed).toBe(1009)
    await stillAnswers()
  })

  it('an input nested 5,000 deep is refused as a bad request on a socket that stays open', async () => {
    const c = await open()
    const where = nestedJson(5000, '{"op":"not","arg":', '{"op":"cmp","column":"id","cmp":"=","value":1}', '}')
    const r = await c.callText(
      'data.page',
      `{"handle":"h","table":{"schema":null,"name":"users"},"filter":${where},"limit":10}`,
    )
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    expect(r.error?.message).toMatch(/nested|Malformed/)
    expect(await c.call('app.info')).toMatchObject({ ok: true })
    c.ws.close()
  })

  it('params nested 10,000 deep are refused, and the SQLite connection answers the next statement', async () => {
    const c = await open()
    const opened = (await c.call('connections.open', { id: 'sample' })) as { ok: true; value: { handle: string } }
    const handle = opened.value.handle
    const r = await c.callText(
      'query.run',
      `{"handle":${JSON.stringify(handle)},"sql":"SELECT ?","params":[${nestedJson(10_000, '[', '1', ']')}]}`,
    )
    expect(r).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    expect(await c.call('query.run', { handle, sql: 'SELECT 42 AS x' })).toMatchObject({
      ok: true,
      value: { rows: [[42]] },
    })
    await c.call('connections.close', { handle })
    c.ws.close()
  })

  it('a deep value that reaches the router directly (as over Electron IPC) is refused before zod parses it', async () => {
    const call = createRouter(createHandlers(services))
    const where = nested(50_000, { op: 'cmp', column: 'id', cmp: '=', value: 1 }, (x) => ({ op: 'not', arg: x }))
    expect(
      await call('data.page', { handle: 'h', table: { schema: null, name: 'users' }, filter: where, limit: 10 }),
    ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
  })

  it('a request with a Host header of another name (DNS rebinding) is refused, page and bridge alike', async () => {
    const page = await rawHttp(host, `GET / HTTP/1.1\r\nHost: evil.example:${host.port}\r\nConnection: close\r\n\r\n`)
    expect(page).toMatch(/^HTTP\/1.1 421/)
    const upgrade = await rawHttp(
      host,
      `GET /bridge?token=${host.token} HTTP/1.1\r\nHost: evil.example\r\nOrigin: http://127.0.0.1:${host.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    )
    expect(upgrade).toMatch(/^HTTP\/1.1 421/)
    const ok = await rawHttp(host, `GET / HTTP/1.1\r\nHost: localhost:${host.port}\r\nConnection: close\r\n\r\n`)
    expect(ok).toMatch(/^HTTP\/1.1 200/)
  })

  it('a malformed percent-escape in a page path is a 400, not a 500', async () => {
    const r = await rawHttp(host, `GET /%E0%A4%A HTTP/1.1\r\nHost: 127.0.0.1:${host.port}\r\nConnection: close\r\n\r\n`)
    expect(r).toMatch(/^HTTP\/1.1 400/)
  })

  it('10,000 requests from one client are all answered while another client is served', async () => {
    const busy = await open()
    const other = await open()
    const all = Array.from({ length: 10_000 }, () => busy.call('app.info'))
    // The other client is answered while the flood is still being worked through.
    expect(await other.call('connections.list')).toMatchObject({ ok: true })
    const replies = await Promise.all(all)
    expect(replies.filter((r) => r.ok)).toHaveLength(10_000)
    busy.ws.close()
    other.ws.close()
  })

  it('a client that stops reading its replies is stopped being read from, and gets every reply once it reads again', async () => {
    let calls = 0
    const router = createRouter(createHandlers(services))
    const flow: boolean[] = []
    const small = await startWebHost({
      router: (m, i, c) => (calls++, router(m, i, c)),
      events: services.events,
      staticDir: mkdtempSync(join(tmpdir(), 'schemist-static-')),
      clients: services.clients,
      maxBufferedBytes: 64 * 1024,
      onFlow: (paused) => flow.push(paused),
    })
    try {
      const s = netConnect(small.port, '127.0.0.1')
      await new Promise<void>((resolve) => {
        s.write(
          `GET /bridge?token=${small.token} HTTP/1.1\r\nHost: 127.0.0.1:${small.port}\r\nOrigin: http://127.0.0.1:${small.port}\r\n` +
            'Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
        )
        s.once('data', () => resolve())
      })
      s.pause() // a reader that does not read
      const mask = [9, 8, 7, 6]
      const frame = (text: string) => {
        const p = Buffer.from(text)
        return Buffer.concat([
          Buffer.from([0x81, 0x80 | p.length]),
          Buffer.from(mask),
          Buffer.from(p.map((b, i) => b ^ mask[i % 4])),
        ])
      }
      const total = 3000
      // Each answer is the scenario library (tens of KB): 3,000 of them are far more than any buffer.
      for (let i = 1; i <= total; i++) s.write(frame(JSON.stringify({ id: i, method: 'tx.scenarios', input: {} })))
      await expect.poll(() => flow.includes(true), { timeout: 20_000 }).toBe(true)
      const handledWhilePaused = calls
      expect(handledWhilePaused).toBeLessThan(total)
      // Reading again: every reply arrives, none lost.
      const ids = new Set<number>()
      let buf = Buffer.alloc(0)
      s.on('data', (d: Buffer) => {
        buf = Buffer.concat([buf, d])
        for (;;) {
          if (buf.length < 2) return
          let len = buf[1] & 127
          let off = 2
          if (len === 126) {
            if (buf.length < 4) return
            len = buf.readUInt16BE(2)
            off = 4
          } else if (len === 127) {
            if (buf.length < 10) return
            len = Number(buf.readBigUInt64BE(2))
            off = 10
          }
          if (buf.length < off + len) return
          const m = JSON.parse(buf.subarray(off, off + len).toString()) as { type: string; id: number }
          if (m.type === 'reply') ids.add(m.id)
          buf = buf.subarray(off + len)
        }
      })
      s.resume()
      await expect.poll(() => ids.size, { timeout: 60_000 }).toBe(total)
      s.destroy()
    } finally {
      await small.close()
    }
  })
})

describe('fault injection: a client that goes away', () => {
  let services: Services
  let host: WebHost
  beforeAll(async () => {
    services = await testServices({ clientGraceMs: 400 })
    const staticDir = mkdtempSync(join(tmpdir(), 'schemist-static-'))
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Schemist</title>')
    host = await startWebHost({
      router: createRouter(createHandlers(services)),
      events: services.events,
      staticDir,
      clients: services.clients,
    })
  })
  afterAll(async () => {
    await host.close()
    await services.dispose()
  })

  const open = (client: string) =>
    new Promise<Client>((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${host.port}/bridge?token=${host.token}&client=${client}`, {
        origin: `http://127.0.0.1:${host.port}`,
      })
      ws.once('open', () => resolve(new Client(ws)))
      ws.once('error', reject)
    })
  const value = <T>(r: Reply['envelope']) => {
    if (!r.ok) throw new Error(`${r.error?.code}: ${r.error?.message}`)
    return r.value as T
  }

  it('a client that vanishes mid-transaction: its write lock is released after the grace period, and another client commits', async () => {
    const a = await open('client-vanishes-1')
    const ha = value<{ handle: string }>(await a.call('connections.open', { id: 'sample' })).handle
    value(await a.call('query.run', { handle: ha, sql: 'BEGIN IMMEDIATE' }))
    value(await a.call('query.run', { handle: ha, sql: "UPDATE cities SET name = name || ' (A)' WHERE id = 1" }))
    a.ws.terminate()
    const b = await open('client-stays-1')
    const hb = value<{ handle: string }>(await b.call('connections.open', { id: 'sample' })).handle
    // B waits on A's lock (busy timeout 5 s) until A's transaction is rolled back at 400 ms.
    value(await b.call('query.run', { handle: hb, sql: "UPDATE cities SET name = name || ' (B)' WHERE id = 1" }))
    const names = value<{ rows: string[][] }>(
      await b.call('query.run', { handle: hb, sql: 'SELECT name FROM cities WHERE id = 1' }),
    ).rows
    expect(names[0][0]).toMatch(/ \(B\)$/)
    expect(names[0][0]).not.toMatch(/\(A\)/)
    value(
      await b.call('query.run', { handle: hb, sql: "UPDATE cities SET name = replace(name, ' (B)', '') WHERE id = 1" }),
    )
    expect(services.clients.resources('client-vanishes-1')).toEqual([])
    b.ws.close()
  })

  it('a reload inside the grace period finds its connection again, with its open transaction', async () => {
    const first = await open('client-reloads-1')
    const h = value<{ handle: string }>(await first.call('connections.open', { id: 'sample' })).handle
    value(await first.call('query.run', { handle: h, sql: 'BEGIN' }))
    value(
      await first.call('query.run', {
        handle: h,
        sql: "INSERT INTO cities (name, longitude, latitude) VALUES ('kept across a reload', 0, 0)",
      }),
    )
    first.ws.close()
    await first.closed
    const again = await open('client-reloads-1')
    const listed = value<{ handle: string }[]>(await again.call('connections.listOpen'))
    expect(listed.map((c) => c.handle)).toEqual([h])
    // Past the grace period, nothing was released: the client came back in time.
    await expect
      .poll(() => services.clients.resources('client-reloads-1').length, { timeout: 2000, interval: 100 })
      .toBe(1)
    value(await again.call('query.run', { handle: h, sql: 'COMMIT' }))
    const rows = value<{ rows: unknown[][] }>(
      await again.call('query.run', {
        handle: h,
        sql: "SELECT count(*) FROM cities WHERE name = 'kept across a reload'",
      }),
    ).rows
    expect(rows).toEqual([[1]])
    value(await again.call('query.run', { handle: h, sql: "DELETE FROM cities WHERE name = 'kept across a reload'" }))
    again.ws.close()
  })

  it('requests a client queued but the host had not started are dropped when it goes', async () => {
    let started = 0
    const router = createRouter(createHandlers(services))
    const slow = await startWebHost({
      router: async (m, i, c) => {
        started++
        return router(m, i, c)
      },
      events: services.events,
      staticDir: mkdtempSync(join(tmpdir(), 'schemist-static-')),
      clients: services.clients,
      maxInFlight: 2,
    })
    try {
      const ws = new WebSocket(`ws://127.0.0.1:${slow.port}/bridge?token=${slow.token}&client=client-floods-1`, {
        origin: `http://127.0.0.1:${slow.port}`,
      })
      await new Promise((r) => ws.once('open', r))
      const c = new Client(ws)
      const h = value<{ handle: string }>(await c.call('connections.open', { id: 'sample' })).handle
      const heavy =
        'WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300000) SELECT count(*) FROM n'
      for (let i = 0; i < 500; i++) void c.call('query.run', { handle: h, sql: heavy })
      await expect.poll(() => started, { timeout: 10_000 }).toBeGreaterThanOrEqual(3)
      ws.terminate()
      await c.closed
      const after = started
      // The two that were running finish; none of the other ~500 starts.
      await expect.poll(() => services.clients.resources('client-floods-1').length, { timeout: 10_000 }).toBe(0)
      expect(started - after).toBeLessThanOrEqual(2)
      expect(started).toBeLessThan(20)
    } finally {
      await slow.close()
    }
  })
})
