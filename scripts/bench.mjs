#!/usr/bin/env node
// `npm run bench -- <name>` runs bench/<name>.ts; with no name, lists the benchmarks.
import { readdirSync } from 'node:fs'
import { spawnSync } from 'node:child_process'

const names = readdirSync('bench')
  .filter((f) => f.endsWith('.ts') && !f.includes('.lib.'))
  .map((f) => f.replace(/\.ts$/, ''))
const [name, ...rest] = process.argv.slice(2)
if (!name || !names.includes(name)) {
  console.log(`usage: npm run bench -- <name>\nbenchmarks: ${names.join(', ') || '(none yet)'}`)
  process.exit(name ? 2 : 0)
}
const r = spawnSync('npx', ['tsx', `bench/${name}.ts`, ...rest], {
  stdio: 'inherit',
  env: { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=12288`.trim() },
})
process.exit(r.status ?? 1)
