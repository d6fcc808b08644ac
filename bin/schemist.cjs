#!/usr/bin/env node
// The `schemist` command: runs the built CLI (npm run build), or the TypeScript source via tsx.
const { existsSync } = require('node:fs')
const { join } = require('node:path')
const built = join(__dirname, '..', 'out', 'main', 'cli.js')
if (existsSync(built)) {
  require(built)
} else {
  const { spawnSync } = require('node:child_process')
  const r = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(__dirname, '..', 'src-main', 'cli', 'index.ts'), ...process.argv.slice(2)],
    { stdio: 'inherit', cwd: join(__dirname, '..') },
  )
  process.exit(r.status ?? 1)
}
