import { rmSync } from 'node:fs'
import { join } from 'node:path'
import { SqliteDriver } from '../src-main/db/sqlite/sqlite-driver'
import { loadSample } from '../src-main/sample/load-sample'

// Regenerates resources/sample.sqlite from src-main/sample/sample-schema.ts.
async function main() {
  const path = join(__dirname, '..', 'resources', 'sample.sqlite')
  rmSync(path, { force: true })
  const d = await SqliteDriver.open({ engine: 'sqlite', path, create: true, readOnly: false })
  try {
    await loadSample(d)
    await d.query('VACUUM')
  } finally {
    await d.close()
  }
  console.log(`wrote ${path}`)
}
main().catch((e) => {
  console.error(e)
  process.exit(1)
})
