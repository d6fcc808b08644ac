#!/usr/bin/env node
// The house's own numbers (issue 24), counted on the source and run in `npm test`:
// - engine-name comparisons outside the dialect folders (src-main/db/<engine>/) and the shared
//   registry (src-shared/engines.ts): code that asks `engine === 'postgres'` instead of a capability;
// - source files over 400 lines; functions over 120 lines (counted on the TypeScript AST);
// - DDL written outside the DDL compiler: a CREATE/ALTER/DROP of a table, index, view or schema
//   built from interpolated names anywhere but src-main/db/ (the compiler and the engines'
//   overrides); everything else says what it wants as schema operations (src-shared/model/schema-ops.ts).
// Tests and test support are not counted. Each number may not rise above its ceiling in
// scripts/house-limits.json (a ratchet: lower the ceiling when a number falls); the target is 0.
// `--json` prints the findings; `--list` names every offender; `--tighten` lowers the ceilings.
import { existsSync as exists, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join, relative, sep } from 'node:path'
import ts from 'typescript'

const ROOT = process.cwd()
const DIRS = ['src-main', 'src-shared', 'src-renderer', 'src-preload']
const ENGINE_NAMES = ['sqlite', 'postgres', 'mariadb', 'mysql']
const MAX_FILE_LINES = 400
const MAX_FUNCTION_LINES = 120

function* sources(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name)
    if (e.isDirectory()) {
      if (e.name === 'node_modules' || e.name === 'test-support') continue
      yield* sources(p)
    } else if (/\.(ts|tsx)$/.test(e.name) && !/\.(test|spec)\.tsx?$/.test(e.name) && !e.name.endsWith('.d.ts')) yield p
  }
}

const rel = (p) => relative(ROOT, p).split(sep).join('/')
/** Where engine names may be compared: each engine's own folder, and the registry. */
const mayNameEngines = (file) => /^src-main\/db\/[a-z]+\//.test(file) || file === 'src-shared/engines.ts'

const names = ENGINE_NAMES.join('|')
const comparison = new RegExp(
  String.raw`(?:[!=]==?\s*['"\x60](?:${names})['"\x60])|(?:['"\x60](?:${names})['"\x60]\s*[!=]==?)|(?:case\s+['"\x60](?:${names})['"\x60]\s*:)`,
)

/** A DDL statement spelled in a template literal with interpolated names. */
const ddlText = /(CREATE (UNIQUE )?(TABLE|INDEX|VIEW|SCHEMA)|ALTER TABLE|DROP (TABLE|INDEX|VIEW|SCHEMA))\b[^`]*\$\{/
const mayWriteDdl = (file) => file.startsWith('src-main/db/')

const found = { engineComparisons: [], ddlOutsideCompiler: [], longFiles: [], longFunctions: [], importCycles: [] }
/** Runtime imports (type-only ones are erased) between our files, for the cycle count. */
const graph = new Map()
const resolveImport = (from, spec) => {
  if (!spec.startsWith('.')) return null
  const base = join(from, '..', spec)
  for (const c of [base + '.ts', base + '.tsx', join(base, 'index.ts')]) if (exists(c)) return rel(c)
  return null
}
for (const dir of DIRS) {
  for (const path of sources(join(ROOT, dir))) {
    const file = rel(path)
    const text = readFileSync(path, 'utf8')
    const lines = text.split('\n')
    const count = lines.length - (text.endsWith('\n') ? 1 : 0)
    if (count > MAX_FILE_LINES) found.longFiles.push({ file, lines: count })
    if (!mayNameEngines(file))
      lines.forEach(
        (l, i) =>
          comparison.test(l) &&
          !/^\s*(\/\/|\*)/.test(l) &&
          found.engineComparisons.push({ file, line: i + 1, text: l.trim().slice(0, 120) }),
      )
    if (!mayWriteDdl(file))
      lines.forEach(
        (l, i) =>
          ddlText.test(l) &&
          !/^\s*(\/\/|\*)/.test(l) &&
          found.ddlOutsideCompiler.push({ file, line: i + 1, text: l.trim().slice(0, 120) }),
      )
    const sf = ts.createSourceFile(
      path,
      text,
      ts.ScriptTarget.Latest,
      true,
      path.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS,
    )
    const deps = []
    for (const st of sf.statements) {
      if (!ts.isImportDeclaration(st) && !ts.isExportDeclaration(st)) continue
      if (!st.moduleSpecifier || !ts.isStringLiteral(st.moduleSpecifier)) continue
      if (ts.isImportDeclaration(st)) {
        const c = st.importClause
        if (c?.isTypeOnly) continue
        const named = c?.namedBindings && ts.isNamedImports(c.namedBindings) ? c.namedBindings.elements : null
        if (c && !c.name && named && named.length > 0 && named.every((e) => e.isTypeOnly)) continue
      } else if (st.isTypeOnly) continue
      const target = resolveImport(path, st.moduleSpecifier.text)
      if (target) deps.push(target)
    }
    graph.set(file, deps)
    const visit = (node) => {
      if (ts.isFunctionLike(node) && 'body' in node && node.body) {
        const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line
        const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line
        if (end - start + 1 > MAX_FUNCTION_LINES) {
          const name =
            node.name && ts.isIdentifier(node.name)
              ? node.name.text
              : ts.isVariableDeclaration(node.parent) && ts.isIdentifier(node.parent.name)
                ? node.parent.name.text
                : ts.isPropertyAssignment(node.parent)
                  ? node.parent.name.getText(sf)
                  : '(anonymous)'
          found.longFunctions.push({ file, line: start + 1, name, lines: end - start + 1 })
        }
      }
      ts.forEachChild(node, visit)
    }
    visit(sf)
  }
}

// Strongly connected components of the runtime import graph (Tarjan): each with more than one
// file is a cycle, where module initialisation order starts to matter.
{
  let index = 0
  const idx = new Map(),
    low = new Map(),
    stack = [],
    on = new Set()
  const strong = (v) => {
    ;(idx.set(v, index), low.set(v, index++), stack.push(v), on.add(v))
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue
      if (!idx.has(w)) (strong(w), low.set(v, Math.min(low.get(v), low.get(w))))
      else if (on.has(w)) low.set(v, Math.min(low.get(v), idx.get(w)))
    }
    if (low.get(v) === idx.get(v)) {
      const scc = []
      let w
      do ((w = stack.pop()), on.delete(w), scc.push(w))
      while (w !== v)
      if (scc.length > 1) found.importCycles.push({ file: scc.sort().join(' <-> ') })
    }
  }
  for (const v of graph.keys()) if (!idx.has(v)) strong(v)
}

const limits = JSON.parse(readFileSync(join(ROOT, 'scripts/house-limits.json'), 'utf8'))
const rows = [
  ['engineComparisons', `engine-name comparisons outside src-main/db/<engine>/ and the registry`],
  ['ddlOutsideCompiler', 'DDL statements written outside the DDL compiler (src-main/db/)'],
  ['longFiles', `files over ${MAX_FILE_LINES} lines`],
  ['longFunctions', `functions over ${MAX_FUNCTION_LINES} lines`],
  ['importCycles', 'runtime import cycles between source files'],
]
if (process.argv.includes('--json')) console.log(JSON.stringify(found, null, 2))
let over = 0
for (const [key, label] of rows) {
  const n = found[key].length
  // longFiles is a list: every file over the limit must be on it (a new one is not allowed to join).
  const listed = Array.isArray(limits[key]) ? new Set(limits[key]) : null
  const ceiling = listed ? listed.size : (limits[key] ?? 0)
  const newcomers = listed ? found[key].filter((f) => !listed.has(f.file)) : []
  const bad = n > ceiling || newcomers.length > 0
  if (bad) over++
  console.log(`house: ${label}: ${n} (ceiling ${ceiling}, target 0)${bad ? '  <- over the ceiling' : ''}`)
  const cured = listed ? [...listed].filter((f) => !found[key].some((x) => x.file === f)) : []
  if (cured.length)
    console.log(`  now under the limit, take off the list in scripts/house-limits.json: ${cured.join(', ')}`)
  if (bad || process.argv.includes('--list'))
    for (const f of found[key])
      console.log(
        `  ${f.file}${f.line ? `:${f.line}` : ''}${f.name ? ` ${f.name}` : ''}${f.lines ? ` (${f.lines} lines)` : ''}${f.text ? `  ${f.text}` : ''}`,
      )
}
// --tighten: lower the ceilings to where the numbers are now (never raise them).
if (process.argv.includes('--tighten') && !over) {
  const next = { ...limits }
  for (const [key] of rows) {
    if (Array.isArray(limits[key])) next[key] = limits[key].filter((f) => found[key].some((x) => x.file === f))
    else next[key] = Math.min(limits[key], found[key].length)
  }
  writeFileSync(join(ROOT, 'scripts/house-limits.json'), JSON.stringify(next, null, 2) + '\n')
  console.log('house: ceilings lowered to the current numbers in scripts/house-limits.json')
}
process.exit(over ? 1 : 0)
