import { afterEach, describe, expect, it } from 'vitest'
import { loadSample } from '../sample/load-sample'
import { freshConfig, TEST_ENGINES } from '../test-support/databases'
import type { Driver } from './driver'
import { openDriver } from './open-driver'

describe.each(TEST_ENGINES)('EXPLAIN on %s', (engine) => {
  let d: Driver
  afterEach(async () => d?.close())

  it('returns the plan as a tree, and ANALYZE of an UPDATE changes nothing', async () => {
    const config = await freshConfig(engine)
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
    // MariaDB's JSON plan names a table by its alias (u, p) and its access type.
    expect(labels.join(' | ')).toMatch(engine === 'mariadb' ? /\bu · \w+.*\bp · \w+/ : /posts|users/i)
    const analyzed = await d.dialect.explain(d, "UPDATE users SET name = 'changed' WHERE id = 1", true, () =>
      openDriver({ ...config, create: false } as typeof config),
    )
    expect((await d.query('SELECT name FROM users WHERE id = 1')).rows[0][0]).toBe('Иван')
    if (engine === 'postgres') {
      expect(analyzed.analyzed).toBe(true)
      expect(analyzed.executionMs).toEqual(expect.any(Number))
      expect(analyzed.root.label).toMatch(/^Update on users/)
    } else if (engine === 'mariadb') {
      // ANALYZE FORMAT=JSON ran it (rolled back): the table's node has measured rows.
      expect(analyzed.analyzed).toBe(true)
      const nodes: (typeof plan.root)[] = []
      const all = (n: typeof plan.root) => (nodes.push(n), n.children.forEach(all))
      all(analyzed.root)
      expect(nodes.find((n) => /^users/.test(n.label))?.actualRows).toBe(1)
    } else expect(analyzed.note).toMatch(/SQLite does not time plans/)
  })
})
