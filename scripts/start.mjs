#!/usr/bin/env node
// `npm start`: build, then run Electron where its binary is present or can be fetched, and the
// web host otherwise. Either way Schemist opens on the bundled sample database.
import { spawn, spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { join } from 'node:path'

const require = createRequire(import.meta.url)
const root = import.meta.dirname
const sh = (cmd, args, opts = {}) => spawnSync(cmd, args, { stdio: 'inherit', ...opts })

if (sh('npx', ['electron-vite', 'build']).status !== 0) process.exit(1)

function electronBinary() {
  const dir = join(root, '..', 'node_modules', 'electron')
  if (!existsSync(dir)) return null
  if (!existsSync(join(dir, 'path.txt')) && !process.env.SCHEMIST_WEB) {
    // First start: electron's own install (kept off during npm install) fetches the binary.
    console.log('Fetching the Electron binary (first start)…')
    const r = sh(process.execPath, [join(dir, 'install.js')], { timeout: 120_000, stdio: 'pipe' })
    if (r.status !== 0) {
      console.log('Electron could not be downloaded here; starting the web host instead.\n')
      return null
    }
  }
  try {
    return require('electron')
  } catch {
    return null
  }
}

const electron = process.env.SCHEMIST_WEB ? null : electronBinary()
if (electron) {
  // better-sqlite3 must match Electron's ABI while Electron runs, and Node's afterwards.
  const version = require('electron/package.json').version
  const rebuilt =
    sh('npm', ['rebuild', 'better-sqlite3', '--runtime=electron', `--target=${version}`, '--build-from-source'])
      .status === 0
  if (rebuilt) {
    const child = spawn(electron, ['.'], { stdio: 'inherit' })
    child.on('exit', (code) => {
      sh('npm', ['rebuild', 'better-sqlite3'])
      process.exit(code ?? 0)
    })
  } else {
    console.log('Could not rebuild better-sqlite3 for Electron; starting the web host instead.\n')
    startWeb()
  }
} else startWeb()

function startWeb() {
  const child = spawn(process.execPath, [join(root, '..', 'out', 'main', 'web-host.js')], { stdio: 'inherit' })
  const stop = () => child.kill('SIGTERM')
  process.on('SIGINT', stop)
  process.on('SIGTERM', stop)
  child.on('exit', (code) => process.exit(code ?? 0))
}
