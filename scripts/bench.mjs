#!/usr/bin/env node
// `npm run bench -- <name>` runs bench/<name>.ts; with no name, lists the benchmarks.
//
// The bench and the worker scripts it starts are bundled first, as the app's own build bundles
// main: running TypeScript through tsx instead would charge our code (and not the libraries it is
// compared with) for tsx's keepNames, a defineProperty on every function made per call.
// `--source` runs bench/<name>.ts through tsx as it stands, to compare.
import { readdirSync, readFileSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { build } from 'esbuild'

// A benchmark says how to run it on its first line; the other files are its helpers.
const names = readdirSync('bench')
  .filter((f) => f.endsWith('.ts') && readFileSync(`bench/${f}`, 'utf8').startsWith('// npm run bench -- '))
  .map((f) => f.replace(/\.ts$/, ''))
const [name, ...args] = process.argv.slice(2)
if (!name || !names.includes(name)) {
  console.log(`usage: npm run bench -- <name> [--source]\nbenchmarks: ${names.join(', ') || '(none yet)'}`)
  process.exit(name ? 2 : 0)
}
const source = args.includes('--source')
const rest = args.filter((a) => a !== '--source')
const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-old-space-size=12288`.trim() }
let r
if (source) r = spawnSync('npx', ['tsx', `bench/${name}.ts`, ...rest], { stdio: 'inherit', env })
else {
  const outdir = 'out/bench'
  await build({
    entryPoints: {
      [name]: `bench/${name}.ts`,
      'sqlite-worker': 'src-main/db/sqlite/sqlite-worker.ts',
      'discover-worker': 'src-main/normalize/discover-worker.ts',
    },
    outdir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    sourcemap: 'linked',
    logLevel: 'warning',
  })
  // --expose-gc: a bench that reports peak memory collects first, so its figure starts from live data.
  r = spawnSync(process.execPath, ['--enable-source-maps', '--expose-gc', `${outdir}/${name}.js`, ...rest], {
    stdio: 'inherit',
    env,
  })
}
process.exit(r.status ?? 1)
