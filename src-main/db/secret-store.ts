import { readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { writeFileAtomic } from './atomic-write'

/**
 * Where saved passwords live. Electron passes an encryptor backed by `safeStorage` (the OS
 * keychain); without one (the web host) passwords stay in memory for this run only and are
 * never written to disk.
 */
export interface Encryptor {
  encrypt(plain: string): string
  decrypt(cipher: string): string
}

export class SecretStore {
  private memory = new Map<string, string>()
  private file: string

  constructor(
    dataDir: string,
    private readonly encryptor: Encryptor | null,
  ) {
    this.file = join(dataDir, 'secrets.json')
  }

  get kind(): 'encrypted' | 'memory' {
    return this.encryptor ? 'encrypted' : 'memory'
  }

  async get(id: string): Promise<string | undefined> {
    if (this.memory.has(id)) return this.memory.get(id)
    if (!this.encryptor) return undefined
    const all = await this.readAll()
    const c = all[id]
    if (c == null) return undefined
    const plain = this.encryptor.decrypt(c)
    this.memory.set(id, plain)
    return plain
  }

  async set(id: string, password: string): Promise<void> {
    this.memory.set(id, password)
    if (!this.encryptor) return
    const all = await this.readAll()
    all[id] = this.encryptor.encrypt(password)
    await writeFileAtomic(this.file, JSON.stringify(all, null, 2))
  }

  async remove(id: string): Promise<void> {
    this.memory.delete(id)
    if (!this.encryptor) return
    const all = await this.readAll()
    if (!(id in all)) return
    delete all[id]
    await writeFileAtomic(this.file, JSON.stringify(all, null, 2))
  }

  /** What went wrong reading the file, for the user to be told once. */
  readonly problems: string[] = []

  /** A missing file is empty; an unreadable one is moved aside and reported, never overwritten. */
  private async readAll(): Promise<Record<string, string>> {
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch {
      return {}
    }
    try {
      const v = JSON.parse(text) as unknown
      if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, string>
    } catch {
      // falls through to moving it aside
    }
    const aside = `${this.file}.bad-${new Date().toISOString().replace(/[:.]/g, '-')}`
    await rename(this.file, aside).catch(() => {})
    this.problems.push(
      `The saved passwords file could not be read, so it was moved aside to ${aside}; saved passwords will be asked for again.`,
    )
    return {}
  }
}
