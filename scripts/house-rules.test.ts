import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ESLint } from 'eslint'
import * as prettier from 'prettier'
import { describe, expect, it } from 'vitest'

// The house's rules catch what they are for: each case is a violation written on purpose.
describe('ESLint refuses imports across the layers', () => {
  const eslint = new ESLint({ cwd: process.cwd() })
  const messagesFor = async (filePath: string, code: string) => {
    const [r] = await eslint.lintText(code, { filePath })
    return r.messages.map((m) => `${m.ruleId}: ${m.message}`)
  }

  it('the renderer never imports main', async () => {
    const m = await messagesFor(
      'src-renderer/features/x/Bad.tsx',
      "import { openDriver } from '../../../src-main/db/open-driver'\nexport const x = openDriver\n",
    )
    expect(m.join('\n')).toMatch(/no-restricted-imports: .*never imports main/)
  })

  it('a feature never imports an engine folder: it goes through the registry', async () => {
    const m = await messagesFor(
      'src-main/tx/bad.ts',
      "import { PostgresDriver } from '../db/postgres/pg-driver'\nexport const x = PostgresDriver\n",
    )
    expect(m.join('\n')).toMatch(/through the registry/)
  })

  it("an engine's folder never imports another engine's, nor a feature", async () => {
    const m = await messagesFor(
      'src-main/db/sqlite/bad.ts',
      "import { postgresDialect } from '../postgres/pg-dialect'\nimport { runScenario } from '../../tx/scenario-runner'\nexport const x = [postgresDialect, runScenario]\n",
    )
    expect(m.join('\n')).toMatch(/another engine's/)
    expect(m.join('\n')).toMatch(/below the features/)
  })

  it('services never import the transport, and Electron stays at the shell', async () => {
    const m = await messagesFor(
      'src-main/orm/bad.ts',
      "import { app } from 'electron'\nimport { createHandlers } from '../bridge/handlers'\nexport const x = [app, createHandlers]\n",
    )
    expect(m.join('\n')).toMatch(/only by the shell/)
    expect(m.join('\n')).toMatch(/never import the transport/)
  })

  it('a file over 400 lines that is not on the debt list fails max-lines', async () => {
    const m = await messagesFor(
      'src-main/model/long.ts',
      Array.from({ length: 401 }, (_, i) => `export const v${i} = ${i}`).join('\n') + '\n',
    )
    expect(m.join('\n')).toMatch(/max-lines/)
  })

  it("a component never calls the bridge: it asks its feature's api.ts", async () => {
    const m = await messagesFor(
      'src-renderer/features/x/Bad.tsx',
      "import { call } from '../../bridge/client'\nexport const x = () => call('app.info', {})\n",
    )
    expect(m.join('\n')).toMatch(/Components do not call the bridge/)
  })

  it('the preload reads the names-only contract, never the schemas', async () => {
    const m = await messagesFor(
      'src-preload/bad.ts',
      "import { contract } from '../src-shared/contract'\nexport const x = contract\n",
    )
    expect(m.join('\n')).toMatch(/names only/)
  })

  it('the code as it stands passes', async () => {
    const m = await messagesFor(
      'src-main/tx/fine.ts',
      "import { openDriver } from '../db/open-driver'\nexport const x = openDriver\n",
    )
    expect(m).toEqual([])
  })
})

describe('Prettier and the house count', () => {
  it('prettier --check fails on code not in the house format', async () => {
    const options = { ...(await prettier.resolveConfig('src-main/x.ts')), filepath: 'src-main/x.ts' }
    expect(await prettier.check('const a = {b:1}\n', options)).toBe(false)
    expect(await prettier.check('const a = { b: 1 }\n', options)).toBe(true)
  })

  it('an engine-name comparison outside the engine folders fails the count; inside its folder it does not', () => {
    const root = mkdtempSync(join(tmpdir(), 'schemist-house-'))
    mkdirSync(join(root, 'scripts'))
    writeFileSync(
      join(root, 'scripts/house-limits.json'),
      JSON.stringify({ engineComparisons: 0, longFunctions: 0, longFiles: [], importCycles: 0 }),
    )
    for (const d of ['src-main/db/postgres', 'src-main/tx', 'src-shared', 'src-renderer', 'src-preload'])
      mkdirSync(join(root, d), { recursive: true })
    writeFileSync(join(root, 'src-main/db/postgres/ok.ts'), "export const f = (e: string) => e === 'postgres'\n")
    const run = () =>
      spawnSync(process.execPath, [join(process.cwd(), 'scripts/house-count.mjs')], { cwd: root, encoding: 'utf8' })
    const clean = run()
    expect(clean.stdout).toContain('engine-name comparisons outside src-main/db/<engine>/ and the registry: 0')
    writeFileSync(join(root, 'src-main/tx/bad.ts'), "export const f = (e: string) => e === 'postgres'\n")
    const dirty = run()
    expect(dirty.status).toBe(1)
    expect(dirty.stdout).toMatch(/comparisons .*: 1 .*over the ceiling/)
    expect(dirty.stdout).toContain('src-main/tx/bad.ts:1')
  })

  it('a runtime import cycle is counted; a type-only import back is not', () => {
    const root = mkdtempSync(join(tmpdir(), 'schemist-house-'))
    mkdirSync(join(root, 'scripts'))
    writeFileSync(
      join(root, 'scripts/house-limits.json'),
      JSON.stringify({ engineComparisons: 0, longFunctions: 0, longFiles: [], importCycles: 0 }),
    )
    for (const d of ['src-main/orm', 'src-shared', 'src-renderer', 'src-preload'])
      mkdirSync(join(root, d), { recursive: true })
    writeFileSync(
      join(root, 'src-main/orm/a.ts'),
      "import { b } from './b'\nexport class A {}\nexport const a = () => b\n",
    )
    writeFileSync(join(root, 'src-main/orm/b.ts'), "import type { A } from './a'\nexport const b = (x: A) => x\n")
    const run = () =>
      spawnSync(process.execPath, [join(process.cwd(), 'scripts/house-count.mjs')], { cwd: root, encoding: 'utf8' })
    expect(run().stdout).toContain('runtime import cycles between source files: 0')
    writeFileSync(join(root, 'src-main/orm/b.ts'), "import { A } from './a'\nexport const b = () => new A()\n")
    const cyclic = run()
    expect(cyclic.status).toBe(1)
    expect(cyclic.stdout).toContain('src-main/orm/a.ts <-> src-main/orm/b.ts')
  })

  it('DDL spelled outside the compiler fails the count; the compiler and engine folders may write it', () => {
    const root = mkdtempSync(join(tmpdir(), 'schemist-house-'))
    mkdirSync(join(root, 'scripts'))
    writeFileSync(join(root, 'scripts/house-limits.json'), JSON.stringify({ longFiles: [] }))
    for (const d of ['src-main/db/sqlite', 'src-main/normalize', 'src-shared', 'src-renderer', 'src-preload'])
      mkdirSync(join(root, d), { recursive: true })
    writeFileSync(
      join(root, 'src-main/db/sqlite/ok.ts'),
      'export const f = (t: string) => `ALTER TABLE ${t} RENAME TO x`\n',
    )
    const run = () =>
      spawnSync(process.execPath, [join(process.cwd(), 'scripts/house-count.mjs')], { cwd: root, encoding: 'utf8' })
    expect(run().stdout).toContain('DDL statements written outside the DDL compiler (src-main/db/): 0')
    writeFileSync(
      join(root, 'src-main/normalize/bad.ts'),
      'export const f = (t: string) => `CREATE TABLE ${t} (a int)`\n',
    )
    const dirty = run()
    expect(dirty.status).toBe(1)
    expect(dirty.stdout).toContain('src-main/normalize/bad.ts:1')
  })
})
