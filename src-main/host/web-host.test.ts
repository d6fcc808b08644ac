import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import WebSocket from 'ws'
import { createHandlers } from '../bridge/handlers'
import { createRouter } from '../bridge/router'
import type { Services } from '../services'
import { testServices } from '../test-support/services'
import { decodeReplyFrame } from '../../src-shared/columnar-reply'
import { startWebHost, type WebHost } from './web-host'

function connect(url: string, origin?: string): Promise<{ ws: WebSocket } | { status: number }> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, origin ? { origin } : {})
    ws.once('open', () => resolve({ ws }))
    ws.once('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0 }))
    ws.once('error', () => resolve({ status: -1 }))
  })
}

function nextReply(
  ws: WebSocket,
): Promise<{ type: string; id: number | null; envelope: { ok: boolean; error?: { code: string } } }> {
  return new Promise((resolve) => {
    const on = (data: WebSocket.RawData) => {
      const m = JSON.parse(String(data))
      if (m.type === 'reply') {
        ws.off('message', on)
        resolve(m)
      }
    }
    ws.on('message', on)
  })
}

describe('the WebSocket host', () => {
  let services: Services
  let host: WebHost
  beforeAll(async () => {
    services = await testServices()
    const staticDir = mkdtempSync(join(tmpdir(), 'schemist-static-'))
    writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>Schemist</title>')
    host = await startWebHost({ router: createRouter(createHandlers(services)), events: services.events, staticDir })
  })
  afterAll(async () => {
    await host.close()
    await services.dispose()
  })

  const origin = () => `http://127.0.0.1:${host.port}`
  const bridge = (token: string) => `ws://127.0.0.1:${host.port}/bridge?token=${encodeURIComponent(token)}`

  it('listens on the loopback interface only', () => {
    expect((host.server.address() as { address: string }).address).toBe('127.0.0.1')
  })

  it('refuses clients without the token or with a wrong one', async () => {
    expect(await connect(`ws://127.0.0.1:${host.port}/bridge`, origin())).toEqual({ status: 401 })
    expect(await connect(bridge('guess'), origin())).toEqual({ status: 401 })
    expect(await connect(bridge(host.token.slice(0, -1)), origin())).toEqual({ status: 401 })
  })

  it('refuses clients from another origin, or with no origin, even with the token', async () => {
    expect(await connect(bridge(host.token), 'https://evil.example')).toEqual({ status: 403 })
    expect(await connect(bridge(host.token), `http://127.0.0.1:${host.port + 1}`)).toEqual({ status: 403 })
    expect(await connect(bridge(host.token))).toEqual({ status: 403 })
  })

  it('serves the bridge to an authenticated same-origin client, and answers malformed messages with an error', async () => {
    const r = await connect(bridge(host.token), origin())
    if (!('ws' in r)) throw new Error(`refused: ${r.status}`)
    const { ws } = r
    ws.send('this is not json')
    expect((await nextReply(ws)).envelope).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    ws.send(JSON.stringify([1, 2, 3]))
    expect((await nextReply(ws)).envelope).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    ws.send(JSON.stringify({ id: 7, method: 'app.info', input: {} }))
    const ok = await nextReply(ws)
    expect(ok).toMatchObject({ id: 7, envelope: { ok: true } })
    ws.send(JSON.stringify({ id: 8, method: 'query.run', input: { handle: 1 } }))
    expect(await nextReply(ws)).toMatchObject({ id: 8, envelope: { ok: false, error: { code: 'BAD_REQUEST' } } })
    ws.close()
  })

  it('sends replies with tables as binary columnar frames to a client that asks, equal to their JSON', async () => {
    const open = async (frames: string) => {
      const r = await connect(`${bridge(host.token)}${frames}`, origin())
      if (!('ws' in r)) throw new Error(`refused: ${r.status}`)
      return r.ws
    }
    const plain = await open('')
    const columnar = await open('&frames=columnar')
    const call = (ws: WebSocket, id: number, method: string, input: unknown) =>
      new Promise<{ binary: boolean; reply: { envelope: { ok: boolean; value?: unknown } } }>((resolve) => {
        const on = (data: WebSocket.RawData, binary: boolean) => {
          const m = binary ? decodeReplyFrame(data as Buffer) : JSON.parse(String(data))
          if (m.type !== 'reply' || m.id !== id) return
          ws.off('message', on)
          resolve({ binary, reply: m })
        }
        ws.on('message', on)
        ws.send(JSON.stringify({ id, method, input }))
      })
    const opened = await call(plain, 1, 'connections.open', { id: 'sample' })
    const { handle } = opened.reply.envelope.value as { handle: string }
    const requests: [string, unknown][] = [
      ['data.page', { handle, table: { schema: null, name: 'users' }, limit: 50 }],
      [
        'query.run',
        { handle, sql: "SELECT id, 'x' || id AS label, NULL AS empty, 1.5 AS half, x'00ff' AS bytes FROM users" },
      ],
      ['query.run', { handle, sql: 'SELECT 1 WHERE 0' }],
      // More than 16 rows of numbers, text and NULLs: the SQLite worker sends them as columns,
      // and the frame is written from those.
      [
        'query.run',
        {
          handle,
          sql: "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 40) SELECT i, 'r ' || i AS label, CASE WHEN i % 3 = 0 THEN NULL ELSE i * 0.5 END AS half FROM n",
        },
      ],
    ]
    for (const [i, [method, input]] of requests.entries()) {
      const a = await call(plain, 10 + i, method, input)
      const b = await call(columnar, 10 + i, method, input)
      expect(a.binary).toBe(false)
      expect([method, b.binary, a.reply.envelope]).toMatchObject([method, true, { ok: true }])
      expect(a.reply.envelope.ok).toBe(true)
      expect({ ...b.reply.envelope, value: { ...(b.reply.envelope.value as object), durationMs: 0 } }).toEqual({
        ...a.reply.envelope,
        value: { ...(a.reply.envelope.value as object), durationMs: 0 },
      })
    }
    // Errors and replies without tables stay JSON on the columnar socket too.
    expect((await call(columnar, 20, 'query.run', { handle, sql: 'SELECT * FROM nowhere' })).binary).toBe(false)
    expect((await call(columnar, 21, 'app.info', {})).binary).toBe(false)
    plain.close()
    columnar.close()
  })

  it('serves static files with a CSP and never outside its folder', async () => {
    const res = await fetch(`http://127.0.0.1:${host.port}/`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-security-policy')).toMatch(/script-src 'self'/)
    const escape = await fetch(`http://127.0.0.1:${host.port}/..%2f..%2fetc%2fpasswd`)
    expect([403, 404]).toContain(escape.status)
  })
})
