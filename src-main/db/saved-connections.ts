import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { randomUUID } from 'node:crypto'
import { z } from 'zod'
import { AppError } from '../../src-shared/errors'
import { savedConnectionSchema, type ConnectionConfig, type SavedConnection } from '../../src-shared/connection'
import { writeFileAtomic } from './atomic-write'
import type { SecretStore } from './secret-store'

const fileSchema = z.object({ version: z.literal(1), connections: z.array(savedConnectionSchema) })

/** Saved connections in `connections.json` under the data directory, passwords kept apart. */
export class SavedConnections {
  private readonly file: string
  private cache: SavedConnection[] | null = null

  constructor(
    dataDir: string,
    private readonly secrets: SecretStore,
  ) {
    this.file = join(dataDir, 'connections.json')
  }

  async list(): Promise<SavedConnection[]> {
    if (this.cache) return this.cache
    try {
      const parsed = fileSchema.safeParse(JSON.parse(await readFile(this.file, 'utf8')))
      this.cache = parsed.success ? parsed.data.connections : []
    } catch {
      this.cache = []
    }
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
    if (saved.config.engine !== 'postgres') return { saved, config: saved.config }
    const password = await this.secrets.get(id)
    return { saved, config: { ...saved.config, password: password ?? saved.config.password } }
  }

  async save(input: { id?: string; name: string; config: ConnectionConfig; rememberPassword: boolean; builtin?: SavedConnection['builtin'] }): Promise<SavedConnection> {
    const list = [...(await this.list())]
    const id = input.id ?? randomUUID()
    const { config } = input
    let passwordStorage: SavedConnection['passwordStorage'] = 'none'
    let stored: ConnectionConfig = config
    if (config.engine === 'postgres') {
      const { password, ...rest } = config
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
    const entry: SavedConnection = { id, name: input.name, config: stored, passwordStorage, ...(input.builtin ? { builtin: input.builtin } : {}) }
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
    await writeFileAtomic(this.file, JSON.stringify({ version: 1, connections: list }, null, 2))
  }
}
