import { randomBytes } from 'node:crypto'
import type { PostgresConfig } from '../../../src-shared/connection'
import type { Driver } from '../driver'
import { PostgresDriver } from './pg-driver'

/**
 * A scratch database on a PostgreSQL server (the bundled playground, in the app): created under
 * a random name, and dropped with FORCE, so a connection left in it cannot keep it alive.
 */
export async function postgresScratchDatabase(
  server: PostgresConfig,
): Promise<{ driver: Driver; drop: () => Promise<void> }> {
  const scratch = `schemist_import_${randomBytes(6).toString('hex')}`
  const admin = await PostgresDriver.open({ ...server, database: 'postgres' })
  try {
    await admin.query(`CREATE DATABASE ${scratch}`)
    let driver: Driver
    try {
      driver = await PostgresDriver.open({ ...server, database: scratch })
    } catch (e) {
      await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`).catch(() => {})
      throw e
    }
    return {
      driver,
      drop: async () => {
        await driver.close().catch(() => {})
        await admin.query(`DROP DATABASE IF EXISTS ${scratch} WITH (FORCE)`).catch(() => {})
        await admin.close()
      },
    }
  } catch (e) {
    await admin.close()
    throw e
  }
}
