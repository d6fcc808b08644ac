import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createHandlers } from '../bridge/handlers'
import { createRouter } from '../bridge/router'
import type { Services } from '../services'
import { testServices } from '../test-support/services'
import { startWebHost, type WebHost } from './web-host'

describe("the web host's file routes", () => {
  let services: Services
  let host: WebHost
  const dir = mkdtempSync(join(tmpdir(), 'schemist-files-'))
  beforeAll(async () => {
    services = await testServices()
    host = await startWebHost({
      router: createRouter(createHandlers(services)),
      events: services.events,
      staticDir: dir,
      filesDir: dir,
      maxUpload: 1024,
    })
  })
  afterAll(async () => {
    await host.close()
    await services.dispose()
  })
  const base = () => `http://127.0.0.1:${host.port}`
  const upload = (body: string, headers: Record<string, string>) =>
    fetch(`${base()}/upload`, { method: 'POST', body, headers })

  it("an upload needs the token and this host's origin, keeps only a safe file name, and refuses what is too big", async () => {
    expect((await upload('x', { origin: base(), 'x-schemist-name': 'a.csv' })).status).toBe(401)
    expect(
      (await upload('x', { origin: 'http://evil.example', 'x-schemist-token': host.token, 'x-schemist-name': 'a.csv' }))
        .status,
    ).toBe(403)
    const ok = await upload('id\n1\n', {
      origin: base(),
      'x-schemist-token': host.token,
      'x-schemist-name': encodeURIComponent('../../etc/passwd'),
    })
    expect(ok.status).toBe(200)
    const { path } = (await ok.json()) as { path: string }
    expect(path.startsWith(join(dir, 'uploads'))).toBe(true)
    expect(path.endsWith('/passwd')).toBe(true)
    expect(readFileSync(path, 'utf8')).toBe('id\n1\n')
    expect(
      (await upload('x'.repeat(2048), { origin: base(), 'x-schemist-token': host.token, 'x-schemist-name': 'big.csv' }))
        .status,
    ).toBe(413)
  })

  it('the files of a folder go into one upload folder at their relative paths, never outside it', async () => {
    const h = (rel: string, batch?: string) => ({
      origin: base(),
      'x-schemist-token': host.token,
      'x-schemist-name': 'x.py',
      'x-schemist-relpath': encodeURIComponent(rel),
      ...(batch ? { 'x-schemist-batch': batch } : {}),
    })
    const first = (await (await upload('A = 1\n', h('shop/__init__.py'))).json()) as {
      path: string
      batch: string
      root: string
    }
    const second = (await (await upload('B = 2\n', h('shop/models/users.py', first.batch))).json()) as {
      path: string
      batch: string
      root: string
    }
    expect(second.batch).toBe(first.batch)
    expect(first.path).toBe(join(first.root, 'shop', '__init__.py'))
    expect(readFileSync(join(first.root, 'shop', 'models', 'users.py'), 'utf8')).toBe('B = 2\n')
    // Climbing out is not possible: the dots are dropped.
    const sneaky = (await (await upload('C\n', h('../../../outside.py', first.batch))).json()) as { path: string }
    expect(sneaky.path).toBe(join(first.root, 'outside.py'))
    // An unknown batch starts a new folder rather than writing somewhere named by the client.
    const fresh = (await (await upload('D\n', h('a.py', 'not-a-real-batch'))).json()) as { batch: string }
    expect(fresh.batch).not.toBe('not-a-real-batch')
  })

  it('a download needs the token, is handed out once, and names only files under downloads/', async () => {
    mkdirSync(join(dir, 'downloads', 'abcdefgh1234'), { recursive: true })
    writeFileSync(join(dir, 'downloads', 'abcdefgh1234', 'out.csv'), 'a,b\n')
    expect((await fetch(`${base()}/download/abcdefgh1234/out.csv`)).status).toBe(401)
    expect((await fetch(`${base()}/download/abcdefgh1234/..%2F..%2Fsecret?token=${host.token}`)).status).toBe(404)
    const r = await fetch(`${base()}/download/abcdefgh1234/out.csv?token=${host.token}`)
    expect(r.status).toBe(200)
    expect(r.headers.get('content-disposition')).toMatch(/attachment/)
    expect(await r.text()).toBe('a,b\n')
    // Removed once sent (just after the response ends).
    await expect.poll(() => existsSync(join(dir, 'downloads', 'abcdefgh1234'))).toBe(false)
    expect((await fetch(`${base()}/download/abcdefgh1234/out.csv?token=${host.token}`)).status).toBe(404)
  })
})
