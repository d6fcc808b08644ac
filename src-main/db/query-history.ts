import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { HistoryEntry } from '../../src-shared/plan'
import { writeFileAtomic } from './atomic-write'

const KEEP = 200

/** The statements run on each saved connection, newest first, in `history/<id>.json`. */
export class QueryHistory {
  private cache = new Map<string, HistoryEntry[]>()
  private timers = new Map<string, NodeJS.Timeout>()

  constructor(
    private readonly dataDir: string,
    private readonly onError: (message: string) => void = () => {},
  ) {}

  private file(id: string) {
    return join(this.dataDir, 'history', `${id.replace(/[^A-Za-z0-9_-]/g, '_')}.json`)
  }

  async list(id: string): Promise<HistoryEntry[]> {
    let l = this.cache.get(id)
    if (!l) {
      try {
        l = JSON.parse(await readFile(this.file(id), 'utf8')) as HistoryEntry[]
      } catch {
        l = []
      }
      this.cache.set(id, l)
    }
    return l
  }

  async add(id: string, e: HistoryEntry): Promise<void> {
    const l = await this.list(id)
    if (l[0]?.sql !== e.sql) l.unshift(e)
    else l[0] = e
    if (l.length > KEEP) l.length = KEEP
    // Written a moment later, so a burst of statements is one write.
    clearTimeout(this.timers.get(id))
    // History is best effort: a folder that cannot be written costs the history, never the host.
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id)
        writeFileAtomic(this.file(id), JSON.stringify(l)).catch((e: Error) =>
          this.onError(`Query history not saved: ${e.message}`),
        )
      }, 300),
    )
  }

  async flush(): Promise<void> {
    for (const [id, t] of this.timers) {
      clearTimeout(t)
      await writeFileAtomic(this.file(id), JSON.stringify(this.cache.get(id) ?? [])).catch((e: Error) =>
        this.onError(`Query history not saved: ${e.message}`),
      )
    }
    this.timers.clear()
  }
}
