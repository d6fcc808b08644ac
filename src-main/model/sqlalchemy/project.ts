import { readdir, readFile, stat } from 'node:fs/promises'
import { basename, dirname, join, relative, sep } from 'node:path'
import { AppError } from '../../../src-shared/errors'
import type { ImportNote } from '../../../src-shared/model/import-report'
import { parseModule, type Py, type PyModule, type Stmt } from './python-ast'

/**
 * A Python project as modules with names, and what a name means in a module: a class or a
 * value defined in the project (followed through imports, relative or absolute, aliases and
 * star imports), or something imported from outside it (`sqlalchemy.String`), which keeps its
 * dotted path. Nothing is executed; a name nobody defines stays a bare name, which is how a
 * snippet without its imports is still read.
 */

export interface Source {
  file: string
  code: string
  module: string
  isPackage: boolean
}

const SKIP_DIRS = new Set([
  '__pycache__',
  'node_modules',
  'venv',
  '.venv',
  'env',
  '.env',
  'site-packages',
  '.tox',
  '.git',
  '.hg',
  '.mypy_cache',
  '.pytest_cache',
  'build',
  'dist',
])
const MAX_FILES = 2000
const MAX_BYTES = 2 * 1024 * 1024

/**
 * The .py files under the given paths, named as Python would import them: a folder that is a
 * package (has __init__.py) keeps its own name as the first part, so `from shop.models import
 * User` works when the user picks `shop/`.
 */
export async function collectSources(paths: string[], skipped: ImportNote[]): Promise<Source[]> {
  const out: Source[] = []
  const seen = new Set<string>()
  const add = async (file: string, module: string, isPackage: boolean) => {
    if (seen.has(file)) return
    seen.add(file)
    if (out.length >= MAX_FILES) {
      skipped.push({ file, line: null, message: `not read: more than ${MAX_FILES} Python files` })
      return
    }
    const size = (await stat(file)).size
    if (size > MAX_BYTES) {
      skipped.push({
        file,
        line: null,
        message: `not read: ${Math.round(size / 1024)} KB is larger than a model module (${MAX_BYTES / 1024 / 1024} MB at most)`,
      })
      return
    }
    out.push({ file, code: await readFile(file, 'utf8'), module, isPackage })
  }
  const walk = async (dir: string, base: string) => {
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch (e) {
      throw new AppError('FILE_ERROR', `Cannot read the folder ${dir}: ${(e as Error).message}`)
    }
    entries.sort((a, b) => a.name.localeCompare(b.name))
    for (const e of entries) {
      const full = join(dir, e.name)
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.') && /^[A-Za-z_][A-Za-z0-9_]*$/.test(e.name))
          await walk(full, base)
      } else if (e.isFile() && e.name.endsWith('.py')) {
        const rel = relative(base, full).slice(0, -3).split(sep)
        const isPackage = rel[rel.length - 1] === '__init__'
        if (isPackage) rel.pop()
        await add(full, rel.join('.') || basename(dir), isPackage)
      }
    }
  }
  for (const p of paths) {
    let st
    try {
      st = await stat(p)
    } catch {
      throw new AppError('FILE_ERROR', `${p} does not exist`)
    }
    if (st.isDirectory()) {
      const isPackage = await stat(join(p, '__init__.py')).then(
        (s) => s.isFile(),
        () => false,
      )
      await walk(p, isPackage ? dirname(p) : p)
    } else {
      const isInit = basename(p) === '__init__.py'
      const isPackageFile = await stat(join(dirname(p), '__init__.py')).then(
        (s) => s.isFile(),
        () => false,
      )
      // A file inside a package is named as that package's module, so its relative imports work.
      const name = basename(p).replace(/\.py$/i, '')
      const pkg = isPackageFile ? basename(dirname(p)) : ''
      await add(p, isInit ? pkg || 'models' : pkg ? `${pkg}.${name}` : name, isInit)
    }
  }
  if (!out.length) throw new AppError('BAD_REQUEST', `No Python files in ${paths.join(', ')}`)
  return out
}

export interface ClassInfo {
  name: string
  mod: PyModule
  stmt: Extract<Stmt, { k: 'class' }>
  qual: string
}

export type Sym =
  | { k: 'class'; cls: ClassInfo }
  | { k: 'value'; value: Py; mod: PyModule; name: string; at: number }
  | { k: 'module'; mod: PyModule }
  /** From outside the project, or defined nowhere: the dotted path as written or imported. */
  | { k: 'external'; path: string }
  /** An attribute of a class or a value: `User.id`, `users.c.id`. */
  | { k: 'member'; owner: Extract<Sym, { k: 'class' } | { k: 'value' }>; path: string[] }

type Binding =
  | { k: 'class'; stmt: Extract<Stmt, { k: 'class' }> }
  | { k: 'assign'; stmt: Extract<Stmt, { k: 'assign' }> }
  | { k: 'module'; module: string }
  | { k: 'from'; module: string; name: string }

export class Project {
  readonly modules = new Map<string, PyModule>()
  private scopes = new Map<PyModule, { names: Map<string, Binding>; stars: string[] }>()
  private classes = new Map<Extract<Stmt, { k: 'class' }>, ClassInfo>()

  constructor(sources: Source[]) {
    for (const s of sources) this.modules.set(s.module, parseModule(s.code, s.file, s.module, s.isPackage))
  }

  allClasses(): ClassInfo[] {
    const out: ClassInfo[] = []
    for (const mod of this.modules.values())
      for (const s of mod.body) if (s.k === 'class') out.push(this.classInfo(mod, s))
    return out
  }

  classInfo(mod: PyModule, stmt: Extract<Stmt, { k: 'class' }>): ClassInfo {
    let c = this.classes.get(stmt)
    if (!c) {
      c = { name: stmt.name, mod, stmt, qual: `${mod.name}.${stmt.name}` }
      this.classes.set(stmt, c)
    }
    return c
  }

  /** The absolute module a `from ..x import` names, seen from `mod`. */
  private absolute(mod: PyModule, module: string, level: number): string {
    if (level === 0) return module
    const parts = mod.name.split('.')
    if (!mod.isPackage) parts.pop()
    for (let i = 1; i < level; i++) parts.pop()
    return [...parts, ...(module ? [module] : [])].filter(Boolean).join('.')
  }

  /** A module of the project by its absolute name; failing that, the one the name ends with. */
  findModule(name: string): PyModule | undefined {
    const exact = this.modules.get(name)
    if (exact) return exact
    let best: PyModule | undefined
    for (const [n, m] of this.modules) if (name.endsWith(`.${n}`) && (!best || n.length > best.name.length)) best = m
    return best
  }

  private scope(mod: PyModule) {
    let s = this.scopes.get(mod)
    if (s) return s
    s = { names: new Map<string, Binding>(), stars: [] }
    for (const st of mod.body) {
      if (st.k === 'class') s.names.set(st.name, { k: 'class', stmt: st })
      else if (st.k === 'assign') s.names.set(st.target, { k: 'assign', stmt: st })
      else if (st.k === 'import') {
        if (st.alias) s.names.set(st.alias, { k: 'module', module: st.module })
        else s.names.set(st.module.split('.')[0], { k: 'module', module: st.module.split('.')[0] })
      } else if (st.k === 'from') {
        const abs = this.absolute(mod, st.module, st.level)
        if (st.names === '*') s.stars.push(abs)
        else for (const n of st.names) s.names.set(n.alias ?? n.name, { k: 'from', module: abs, name: n.name })
      }
    }
    this.scopes.set(mod, s)
    return s
  }

  /** What `name` (one identifier) means at the top level of `mod`. */
  lookup(mod: PyModule, name: string, depth = 0): Sym | null {
    if (depth > 40) return null
    const s = this.scope(mod)
    const b = s.names.get(name)
    if (b) return this.bound(mod, b, name, depth)
    for (const star of s.stars) {
      const m = this.findModule(star)
      const r = m && m !== mod ? this.lookup(m, name, depth + 1) : null
      if (r) return r
    }
    return null
  }

  private bound(mod: PyModule, b: Binding, name: string, depth: number): Sym {
    switch (b.k) {
      case 'class':
        return { k: 'class', cls: this.classInfo(mod, b.stmt) }
      case 'assign': {
        // `Model = Base`: an alias is what it names.
        const v = b.stmt.value
        if (v?.k === 'name' && v.v !== name) {
          const r = this.resolve(mod, v.v, depth + 1)
          if (r.k !== 'external') return r
        }
        return { k: 'value', value: v ?? { at: b.stmt.at, k: 'none' }, mod, name, at: b.stmt.at }
      }
      case 'module': {
        const m = this.findModule(b.module)
        return m ? { k: 'module', mod: m } : { k: 'external', path: b.module }
      }
      case 'from': {
        const m = this.findModule(b.module)
        if (m) {
          const sub = this.modules.get(`${m.name}.${b.name}`)
          const r = m !== mod || b.name !== name ? this.lookup(m, b.name, depth + 1) : null
          if (r) return r
          if (sub) return { k: 'module', mod: sub }
        }
        return { k: 'external', path: `${b.module}.${b.name}` }
      }
    }
  }

  /** What a dotted name means in `mod`: `sa.String`, `User.id`, `models.users.User`. */
  resolve(mod: PyModule, dotted: string, depth = 0): Sym {
    const parts = dotted.split('.')
    let cur: Sym = this.lookup(mod, parts[0], depth) ?? { k: 'external', path: parts[0] }
    for (let i = 1; i < parts.length; i++) {
      const p = parts[i]
      if (cur.k === 'module') {
        const m: PyModule = cur.mod
        const sub = this.modules.get(`${m.name}.${p}`)
        cur =
          this.lookup(m, p, depth + 1) ?? (sub ? { k: 'module', mod: sub } : { k: 'external', path: `${m.name}.${p}` })
      } else if (cur.k === 'external') cur = { k: 'external', path: `${cur.path}.${p}` }
      else if (cur.k === 'member') cur = { ...cur, path: [...cur.path, p] }
      else cur = { k: 'member', owner: cur, path: [p] }
    }
    return cur
  }

  /** The expression a name or call resolves to, when it is a name (`String`, `sa.String`, `MyEnum`). */
  resolvePy(mod: PyModule, p: Py): Sym | null {
    if (p.k === 'name') return this.resolve(mod, p.v)
    return null
  }
}

/** The last part of an outside name (`sqlalchemy.orm.Mapped` -> `Mapped`), which is how SQLAlchemy's names are recognised. */
export const lastPart = (path: string) => path.slice(path.lastIndexOf('.') + 1)
