import { afterEach, describe, expect, it } from 'vitest'
import { loadSample } from '../sample/load-sample'
import { freshPgDatabase, sqliteConfig } from '../test-support/databases'
import type { Driver } from './driver'
import { openDriver } from './open-driver'

describe.each(['sqlite', 'postgres'] as const)('EXPLAIN on %s', (engine) => {
  let d: Driver
  afterEach(async () => d?.close())

  it('returns the plan as a tree, and ANALYZE of an UPDATE changes nothing', async () => {
    const config = engine === 'sqlite' ? sqliteConfig() : await freshPgDatabase()
    d = await openDriver(config)
    await loadSample(d)
    const plan = await d.dialect.explain(
      d,
      'SELECT u.login, count(p.id) FROM users u JOIN posts p ON p.user_id = u.id GROUP BY u.login',
      false,
      () => openDriver(config),
    )
    const labels: string[] = []
    const walk = (n: typeof plan.root) => (labels.push(n.label), n.children.forEach(walk))
    walk(plan.root)
    expect(labels.join(' | ')).toMatch(/posts|users/i)
    const analyzed = await d.dialect.explain(d, "UPDATE users SET name = 'changed' WHERE id = 1", true, () =>
      openDriver({ ...config, create: false } as typeof config),
    )
    expect((await d.query('SELECT name FROM users WHERE id = 1')).rows[0][0]).toBe('Иван')
    if (engine === 'postgres') {
      expect(analyzed.analyzed).toBe(true)
      expect(analyzed.executionMs).toEqual(expect.any(Number))
      expect(analyzed.root.label).toMatch(/^Update on users/)
    } else expect(analyzed.note).toMatch(/SQLite does not time plans/)
  })
})
