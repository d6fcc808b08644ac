import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TestProject } from 'vitest/node'
import { Playground } from '../src-main/db/playground'
import { toPostgresUrl } from '../src-main/db/connection-parsers'
import { loadSample } from '../src-main/sample/load-sample'
import { MariadbServer, mariadbBinary, NO_MARIADB } from '../src-main/db/mariadb/mariadb-server'

declare module 'vitest' {
  export interface ProvidedContext {
    /** Superuser-less URL of the test cluster's sample database. */
    pgUrl: string
    /** The private MariaDB server's root connection (JSON), or why there is none. */
    mariadb: { config: string } | { missing: string }
  }
}

// One real PostgreSQL for the whole test run, started through the same Playground the app uses.
export default async function setup(project: TestProject) {
  const dataDir = mkdtempSync(join(tmpdir(), 'schemist-test-'))
  const pg = new Playground(dataDir, loadSample)
  await pg.start()
  const config = await pg.config()
  project.provide('pgUrl', toPostgresUrl(config, true))
  // A private MariaDB beside it, where the machine has the server (CI installs Debian's mariadb-server).
  const mariaDir = mkdtempSync(join(tmpdir(), 'schemist-mariadb-'))
  const maria = mariadbBinary() ? new MariadbServer(mariaDir) : null
  project.provide('mariadb', maria ? { config: JSON.stringify(await maria.start()) } : { missing: NO_MARIADB })
  return async () => {
    await maria?.stop()
    rmSync(mariaDir, { recursive: true, force: true })
    await pg.stop()
    rmSync(pg.current.dataDir, { recursive: true, force: true })
    rmSync(dataDir, { recursive: true, force: true })
  }
}
