import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import type { PlaygroundStatus } from '../../../src-shared/contract'
import { loadSample } from '../../sample/load-sample'
import { mariadbMissing } from '../../test-support/databases'
import { MariadbDriver } from './mariadb-driver'
import { MariadbPlayground } from './mariadb-playground'

const missing = mariadbMissing()
/** Whether the table the test made is there. */
const NOTE =
  "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'schemist' AND table_name = 'playground_note'"

describe.skipIf(missing)(`the MariaDB playground${missing ? ` (skipped: ${missing})` : ''}`, () => {
  const dir = mkdtempSync(join(tmpdir(), 'schemist-mariadb-playground-'))
  const p = new MariadbPlayground(dir, loadSample)
  afterAll(async () => {
    await p.stop()
    rmSync(dir, { recursive: true, force: true })
  })
  const count = async (sql: string) => {
    const d = await MariadbDriver.open(await p.config())
    try {
      return Number((await d.query(sql)).rows[0][0])
    } finally {
      await d.close()
    }
  }

  it('starts a private server with the sample, keeps its data and password across a restart, and resets', async () => {
    const seen: PlaygroundStatus['state'][] = []
    p.onStatus((s) => seen.push(s.state))
    expect(p.current).toMatchObject({ engine: 'mariadb', state: 'stopped', available: true })
    const st = await p.start()
    expect(st).toMatchObject({ state: 'running', message: null })
    expect(seen).toContain('starting')
    const cfg = await p.config()
    expect(cfg).toMatchObject({ host: '127.0.0.1', database: 'schemist', port: st.port })
    // root has a password of its own, kept only in a file the user alone reads.
    expect(cfg.password).toBeTruthy()
    expect(statSync(join(dir, 'playground-mariadb', 'playground.json')).mode & 0o077).toBe(0)
    await expect(MariadbDriver.open({ ...cfg, password: undefined })).rejects.toThrow(/password|denied/i)
    expect(await count('SELECT count(*) FROM users')).toBeGreaterThan(0)

    const d = await MariadbDriver.open(cfg)
    await d.query('CREATE TABLE playground_note (id int PRIMARY KEY)')
    await d.close()
    await p.stop()
    expect(p.current.state).toBe('stopped')
    await p.start()
    expect(await count(NOTE)).toBe(1)

    await p.reset()
    expect(p.current.state).toBe('running')
    expect(await count(NOTE)).toBe(0)
    expect(await count('SELECT count(*) FROM users')).toBeGreaterThan(0)
  }, 180_000)
})
