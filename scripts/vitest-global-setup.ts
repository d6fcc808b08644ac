import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { Playground } from '../src-main/db/playground'
import { toPostgresUrl } from '../src-main/db/connection-parsers'
import { loadSample } from '../src-main/sample/load-sample'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser-less URL of the test cluster's sample database. */
    pgUrl: string
  }
}

// One real PostgreSQL for the whole test run, started through the same Playground the app uses.
export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'schemist-test-'))
  const pg = new Playground(dataDir, loadSample)
  await pg.start()
  const config = await pg.config()
  project.provide('pgUrl', toPostgresUrl(config, true))
  return async () => {
    await pg.stop()
    rmSync(pg.current.dataDir, { recursive: true, force: true })
    rmSync(dataDir, { recursive: true, force: true })
  }
}
