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
    expect(await call('fs.readFile', {})).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNKNOWN_METHOD' }) })
    expect(await call({ evil: true }, {})).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNKNOWN_METHOD' }) })
    expect(await call('__proto__', {})).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNKNOWN_METHOD' }) })
    expect(await call('toString', {})).toEqual({ ok: false, error: expect.objectContaining({ code: 'UNKNOWN_METHOD' }) })
  })

  it('rejects malformed input with a structured error naming the field', async () => {
    const r = await call('query.run', { handle: 'h', sql: 42 })
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error.code).toBe('BAD_REQUEST')
    expect(r.error.message).toMatch(/sql/)
    expect(await call('connections.open', 'not an object')).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    expect(await call('connections.save', { name: 'x', config: { engine: 'mysql' } })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
    expect(await call('app.info', { unexpected: 1 })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
  })

  it('answers service errors as data, never by throwing', async () => {
    expect(await call('query.run', { handle: 'no-such-handle', sql: 'SELECT 1' })).toMatchObject({ ok: false, error: { code: 'NOT_FOUND' } })
    expect(await call('connections.remove', { id: 'sample' })).toMatchObject({ ok: false, error: { code: 'BAD_REQUEST' } })
  })

  it('opens the bundled sample, runs SQL and introspects through the contract', async () => {
    const info = await call('app.info', {})
    expect(info).toMatchObject({ ok: true, value: { transport: 'web', secretStorage: 'memory', sampleConnectionId: 'sample' } })
    const opened = await call('connections.open', { id: 'sample' })
    if (!opened.ok) throw new Error(opened.error.message)
    const handle = (opened.value as { handle: string }).handle
    const r = await call('query.run', { handle, sql: 'SELECT login FROM users ORDER BY id', queryId: 'q1' })
    expect(r).toMatchObject({ ok: true, value: { rows: [['ivan'], ['olga'], ['petr'], ['anna']] } })
    const bad = await call('query.run', { handle, sql: 'SELECT * FROM no_such_table' })
    expect(bad).toMatchObject({ ok: false, error: { code: 'SQL_ERROR', message: expect.stringMatching(/no such table/) } })
    const schema = await call('schema.introspect', { handle })
    expect(schema.ok && (schema.value as { tables: unknown[] }).tables.length).toBe(12)
  })
})
