import { readFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { serverOf } from '../../src-shared/engines'
import { z } from 'zod'
import { AppError } from '../../src-shared/errors'
import { savedConnectionSchema, type ConnectionConfig, type SavedConnection } from '../../src-shared/connection'
import { writeFileAtomic } from './atomic-write'
import type { SecretStore } from './secret-store'

const fileSchema = z.object({ version: z.literal(1), connections: z.array(z.unknown()) })

function entryName(raw: unknown): string {
  const r = raw as { name?: unknown; id?: unknown } | null
  return typeof r?.name === 'string' ? `"${r.name}"` : typeof r?.id === 'string' ? r.id : 'an unnamed entry'
}

/** Saved connections in `connections.json` under the data directory, passwords kept apart. */
export class SavedConnections {
  private readonly file: string
  private cache: SavedConnection[] | null = null
  /** Entries this version cannot read (a newer version's, or edited by hand): kept in the file as they are. */
  private unreadable: unknown[] = []
  /** What went wrong reading the file, for the user to be told once. */
  readonly problems: string[] = []

  constructor(
    dataDir: string,
    private readonly secrets: SecretStore,
  ) {
    this.file = join(dataDir, 'connections.json')
  }

  /**
   * Entries are checked one by one: one that does not fit (say an `sslMode` this version does
   * not know) is kept in the file untouched and reported, never a reason to lose the others. A
   * file that is not readable JSON is moved aside to `connections.json.bad-<time>` and reported,
   * never overwritten.
   */
  async list(): Promise<SavedConnection[]> {
    if (this.cache) return this.cache
    let text: string
    try {
      text = await readFile(this.file, 'utf8')
    } catch {
      this.cache = []
      return this.cache
    }
    const parsed = (() => {
      try {
        return fileSchema.safeParse(JSON.parse(text))
      } catch {
        return null
      }
    })()
    if (!parsed?.success) {
      const aside = `${this.file}.bad-${new Date().toISOString().replace(/[:.]/g, '-')}`
      await rename(this.file, aside).catch(() => {})
      this.problems.push(
        `The saved connections file could not be read, so it was moved aside to ${aside} (nothing in it was deleted); the list starts empty.`,
      )
      this.cache = []
      return this.cache
    }
    const good: SavedConnection[] = []
    for (const raw of parsed.data.connections) {
      const entry = savedConnectionSchema.safeParse(raw)
      if (entry.success) good.push(entry.data)
      else {
        this.unreadable.push(raw)
        const why = entry.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`).join('; ')
        this.problems.push(
          `The saved connection ${entryName(raw)} could not be read (${why}); it is kept in ${this.file} as it was.`,
        )
      }
    }
    this.cache = good
    return this.cache
  }

  async get(id: string): Promise<SavedConnection> {
    const c = (await this.list()).find((x) => x.id === id)
    if (!c) throw new AppError('NOT_FOUND', `No saved connection with id ${id}`)
    return c
  }

  /** The config with its password filled in from the secret store. */
  async resolve(id: string): Promise<{ saved: SavedConnection; config: ConnectionConfig }> {
    const saved = await this.get(id)
    const server = serverOf(saved.config)
    if (!server) return { saved, config: saved.config }
    const password = await this.secrets.get(id)
    return { saved, config: { ...server, password: password ?? server.password } }
  }

  async save(input: {
    id?: string
    name: string
    config: ConnectionConfig
    rememberPassword: boolean
    builtin?: SavedConnection['builtin']
  }): Promise<SavedConnection> {
    const list = [...(await this.list())]
    const id = input.id ?? randomUUID()
    const { config } = input
    let passwordStorage: SavedConnection['passwordStorage'] = 'none'
    let stored: ConnectionConfig = config
    const server = serverOf(config)
    if (server) {
      const { password, ...rest } = server
      stored = rest as ConnectionConfig
      if (password && input.rememberPassword) {
        await this.secrets.set(id, password)
        passwordStorage = this.secrets.kind
      } else if (!input.rememberPassword) {
        await this.secrets.remove(id)
      } else {
        // An update without a new password keeps the one already stored.
        const prev = list.find((c) => c.id === id)
        passwordStorage = prev?.passwordStorage ?? 'none'
      }
    }
    const existing = list.findIndex((c) => c.id === id)
    const entry: SavedConnection = {
      id,
      name: input.name,
      config: stored,
      passwordStorage,
      ...(input.builtin ? { builtin: input.builtin } : {}),
    }
    if (existing >= 0) list[existing] = { ...list[existing], ...entry }
    else list.push(entry)
    await this.write(list)
    return entry
  }

  async remove(id: string): Promise<void> {
    const list = await this.list()
    const c = list.find((x) => x.id === id)
    if (!c) throw new AppError('NOT_FOUND', `No saved connection with id ${id}`)
    if (c.builtin === 'sample') throw new AppError('BAD_REQUEST', 'The bundled sample database cannot be removed')
    await this.secrets.remove(id)
    await this.write(list.filter((x) => x.id !== id))
  }

  private async write(list: SavedConnection[]) {
    this.cache = list
    await writeFileAtomic(
      this.file,
      JSON.stringify({ version: 1, connections: [...list, ...this.unreadable] }, null, 2),
    )
  }
}
