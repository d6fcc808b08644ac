import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { SavedConnections } from './saved-connections'
import { SecretStore } from './secret-store'

const pgConfig = {
  engine: 'postgres' as const,
  host: 'h',
  port: 5432,
  user: 'u',
  password: 'top-secret',
  database: 'd',
  sslMode: 'prefer' as const,
}

describe('saved connections', () => {
  it('never writes a password to disk without an encryptor, but remembers it for the run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemist-saved-'))
    const store = new SavedConnections(dir, new SecretStore(dir, null))
    const saved = await store.save({ name: 'prod', config: pgConfig, rememberPassword: true })
    expect(saved.passwordStorage).toBe('memory')
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'utf8')).not.toContain('top-secret')
    expect((await store.resolve(saved.id)).config).toMatchObject({ password: 'top-secret' })
    // A new run (fresh objects on the same files) has the entry but not the password.
    const again = new SavedConnections(dir, new SecretStore(dir, null))
    expect((await again.resolve(saved.id)).config).not.toHaveProperty('password', 'top-secret')
  })

  it('stores only ciphertext with an encryptor, and reads it back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemist-saved-'))
    const enc = {
      encrypt: (s: string) => Buffer.from(s).reverse().toString('base64'),
      decrypt: (c: string) => Buffer.from(c, 'base64').reverse().toString(),
    }
    const store = new SavedConnections(dir, new SecretStore(dir, enc))
    const saved = await store.save({ name: 'prod', config: pgConfig, rememberPassword: true })
    expect(saved.passwordStorage).toBe('encrypted')
    for (const f of readdirSync(dir)) expect(readFileSync(join(dir, f), 'utf8')).not.toContain('top-secret')
    const again = new SavedConnections(dir, new SecretStore(dir, enc))
    expect((await again.resolve(saved.id)).config).toMatchObject({ password: 'top-secret' })
    await again.remove(saved.id)
    expect(await again.list()).toEqual([])
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([])
  })
})
