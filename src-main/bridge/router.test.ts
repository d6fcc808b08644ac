import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Services } from '../services'
import { testServices } from '../test-support/services'
import { createHandlers } from './handlers'
import { createRouter, type Router } from './router'

describe('the bridge router', () => {
  let services: Services
  let call: Router
  beforeAll(async () => {
    services = await testServices()
    call = createRouter(createHandlers(services))
  })
  afterAll(() => services.dispose())

  it('rejects unknown methods and non-string method names', async () => {
    expect(await call('fs.readFile', {})).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'UNKNOWN_METHOD' }),
    })
    expect(await call({ evil: true }, {})).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'UNKNOWN_METHOD' }),
    })
    expect(await call('__proto__', {})).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'UNKNOWN_METHOD' }),
    })
    expect(await call('toString', {})).toEqual({
      ok: false,
      error: expect.objectContaining({ code: 'UNKNOWN_METHOD' }),
    })
  })

  it('rejects malformed input with a structured error naming the field', async () => {
    const r = await call('query.run', { handle: 'h', sql: 42 })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('BAD_REQUEST')
    expect(r.error.message).toMatch(/sql/)
    expect(await call('connections.open', 'not an object')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    expect(await call('connections.save', { name: 'x', config: { engine: 'mysql' } })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    })
    expect(await call('app.info', { unexpected: 1 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
  })

  it('app.pickPath says the web host has no native dialog, and passes a host dialog its request and answer', async () => {
    expect(await call('app.pickPath', { mode: 'open', title: 'Open a model' })).toEqual({
      ok: true,
      value: { native: false, path: null },
    })
    const asked: unknown[] = []
    const host = await testServices({
      transport: 'electron',
      pickPath: async (req) => (asked.push(req), req.mode === 'save' ? `${req.defaultPath}` : null),
    })
    try {
      const hostCall = createRouter(createHandlers(host))
      const save = {
        mode: 'save',
        title: 'Save the model as',
        defaultPath: '/tmp/m.schemist.json',
        filters: [{ name: 'Schemist model', extensions: ['json'] }],
      }
      expect(await hostCall('app.pickPath', save)).toEqual({
        ok: true,
        value: { native: true, path: '/tmp/m.schemist.json' },
      })
      expect(await hostCall('app.pickPath', { mode: 'open', title: 'Open' })).toEqual({
        ok: true,
        value: { native: true, path: null },
      })
      expect(asked).toEqual([save, { mode: 'open', title: 'Open' }])
      // A filter that could smuggle a pattern into the dialog is refused before the host sees it.
      expect(
        await hostCall('app.pickPath', {
          mode: 'open',
          title: 'x',
          filters: [{ name: 'x', extensions: ['json;rm -rf'] }],
        }),
      ).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
      expect(asked).toHaveLength(2)
    } finally {
      await host.dispose()
    }
  })

  it('answers service errors as data, never by throwing', async () => {
    expect(await call('query.run', { handle: 'no-such-handle', sql: 'SELECT 1' })).toMatchObject({
      ok: false,
      error: { code: 'NOT_FOUND' },
    })
    expect(await call('connections.remove', { id: 'sample' })).toMatchObject({
      ok: false,
      error: { code: 'BAD_REQUEST' },
    })
  })

  it('opens the bundled sample, runs SQL and introspects through the contract', async () => {
    const info = await call('app.info', {})
    expect(info).toMatchObject({
      ok: true,
      value: { transport: 'web', secretStorage: 'memory', sampleConnectionId: 'sample' },
    })
    const opened = await call('connections.open', { id: 'sample' })
    if (!opened.ok) throw new Error(opened.error.message)
    const handle = (opened.value as { handle: string }).handle
    const r = await call('query.run', { handle, sql: 'SELECT login FROM users ORDER BY id', queryId: 'q1' })
    expect(r).toMatchObject({ ok: true, value: { rows: [['ivan'], ['olga'], ['petr'], ['anna']] } })
    const bad = await call('query.run', { handle, sql: 'SELECT * FROM no_such_table' })
    expect(bad).toMatchObject({
      ok: false,
      error: { code: 'SQL_ERROR', message: expect.stringMatching(/no such table/) },
    })
    const schema = await call('schema.introspect', { handle })
    expect(schema.ok && (schema.value as { tables: unknown[] }).tables.length).toBe(12)
  })
})
