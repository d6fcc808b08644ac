import { readFile } from 'node:fs/promises'
import { join, resolve } from 'node:path'
import { AppError } from '../../src-shared/errors'
import { parseModelDocument, type ModelDocument } from '../../src-shared/model/document'
import { writeFileAtomic } from '../db/atomic-write'

const MAX_RECENT = 10

/**
 * Model documents on disk: open, save (written to a temporary file and renamed, so a crash or a
 * full disk never leaves half a model), and the list of recently used files.
 */
export class ModelFiles {
  private readonly recentPath: string

  constructor(dataDir: string) {
    this.recentPath = join(dataDir, 'recent-models.json')
  }

  async open(path: string): Promise<{ path: string; doc: ModelDocument }> {
    const full = resolve(path)
    const doc = await readModelFile(full)
    await this.remember(full)
    return { path: full, doc }
  }

  async save(path: string, doc: ModelDocument): Promise<{ path: string }> {
    const full = resolve(path)
    await writeFileAtomic(full, JSON.stringify(doc, null, 2) + '\n', 0o644)
    await this.remember(full)
    return { path: full }
  }

  async recent(): Promise<string[]> {
    try {
      const list = JSON.parse(await readFile(this.recentPath, 'utf8'))
      return Array.isArray(list) ? list.filter((x): x is string => typeof x === 'string') : []
    } catch {
      return []
    }
  }

  private async remember(path: string): Promise<void> {
    const list = [path, ...(await this.recent()).filter((p) => p !== path)].slice(0, MAX_RECENT)
    await writeFileAtomic(this.recentPath, JSON.stringify(list, null, 2))
  }
}

/** A text file's contents, or an error that says what is wrong. */
export async function readTextFile(path: string | undefined): Promise<string> {
  if (!path) throw new AppError('BAD_REQUEST', 'Give a file or its text')
  try {
    return await readFile(path, 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    throw new AppError(
      code === 'ENOENT' ? 'FILE_NOT_FOUND' : 'BAD_REQUEST',
      code === 'ENOENT' ? `No file at ${path}` : `Cannot read ${path}: ${(e as Error).message}`,
    )
  }
}

/** A saved model document, checked: not JSON, not a model, damaged, or from a newer Schemist each say so. */
export async function readModelFile(path: string | undefined): Promise<ModelDocument> {
  const text = await readTextFile(path)
  let json: unknown
  try {
    json = JSON.parse(text)
  } catch {
    throw new AppError('BAD_REQUEST', `${path} is not JSON, so it is not a Schemist model.`)
  }
  try {
    return parseModelDocument(json)
  } catch (e) {
    throw new AppError('BAD_REQUEST', `${path}: ${(e as Error).message}`)
  }
}
