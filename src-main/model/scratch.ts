import { mkdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import type { ModelDocument } from '../../src-shared/model/document'
import { openDriver } from '../db/open-driver'
import { fileConfig } from '../../src-shared/engines'
import { applyModel } from './apply-model'

/** Where scratch databases live under the app's data folder; emptied when the app starts. */
export const scratchDir = (dataDir: string) => join(dataDir, 'scratch')

export async function clearScratch(dataDir: string): Promise<void> {
  await rm(scratchDir(dataDir), { recursive: true, force: true })
}

/** A new SQLite file holding the model's tables (no rows), to try the model out without touching a real database. */
export async function createScratchDatabase(dataDir: string, doc: ModelDocument): Promise<string> {
  await mkdir(scratchDir(dataDir), { recursive: true })
  const slug =
    doc.name
      .replace(/[^\w-]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 40) || 'model'
  const path = join(scratchDir(dataDir), `${slug}-${randomBytes(4).toString('hex')}.sqlite`)
  const d = await openDriver(fileConfig('sqlite', path, true))
  try {
    await applyModel(d, doc)
  } catch (e) {
    await d.close()
    await rm(path, { force: true })
    throw e
  }
  await d.close()
  return path
}
