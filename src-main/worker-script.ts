import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'
import { Worker } from 'node:worker_threads'
import { AppError } from '../src-shared/errors'

/**
 * Start one of main's worker scripts: the built bundle's `<name>.js` next to the main bundle, or
 * (tests, the CLI from source) the TypeScript source through tsx's require hook, since a worker
 * does not inherit the parent's loader. `dir` is the caller's `__dirname`: the bundle's
 * directory once built, the source file's directory before.
 */
export function spawnWorkerScript(name: string, dir: string): Worker {
  for (const d of [dir, join(dir, '..')]) {
    const js = join(d, `${name}.js`)
    if (existsSync(js)) return new Worker(js)
  }
  const ts = join(dir, `${name}.ts`)
  if (!existsSync(ts)) throw new AppError('INTERNAL', `Worker script ${name} not found near ${dir}`)
  const tsxApi = createRequire(join(dir, 'index.js')).resolve('tsx/cjs/api')
  return new Worker(`require(${JSON.stringify(tsxApi)}).register(); require(${JSON.stringify(ts)})`, { eval: true })
}
