import type { NeutralType, ReferentialAction } from '../../../src-shared/schema'
import { REFERENTIAL_ACTIONS } from '../../../src-shared/schema'
import { LOAD_STRATEGIES } from '../../../src-shared/orm'
import {
  blankTable,
  emptyModel,
  newId,
  type ModelColumn,
  type ModelDocument,
  type ModelForeignKey,
  type ModelTable,
} from '../../../src-shared/model/document'
import type { ImportNote, ImportReport } from '../../../src-shared/model/import-report'
import { newColumn } from '../../../src-shared/model/edit'
import { autoLayout } from '../../../src-shared/model/layout'
import { tableNameFor } from '../../../src-shared/naming'
import { AppError } from '../../../src-shared/errors'
import { parseExpression, type Py, type PyModule } from './python-ast'
import { lastPart, type ClassInfo, type Project, type Sym } from './project'
import { CHAR_TYPES, DECLARED_ATTR, MAPPED, NATIVE_TYPES, PY_TYPES, SA_TYPES } from './sa-types'

/**
 * What SQLAlchemy would build from a project's declarations, read without running them:
 * declarative classes (with their mixins, the DeclarativeBase subclass's own columns,
 * `declared_attr` bodies that are one return, `Annotated` aliases and `type_annotation_map`),
 * `Table(...)` objects, `__table_args__`, `index=` and `unique=`, foreign keys written as
 * strings, `Table.c` columns or class attributes, enums, TypeDecorators, naming conventions,
 * single- and joined-table inheritance, and relationships onto the keys they travel. What it
 * cannot resolve is said in the report with its file and line; nothing becomes a made-up type.
 */

interface Attr {
  name: string
  annotation: Py | null
  value: Py | null
  at: number
  cls: ClassInfo
  /** A `declared_attr` function whose body is not one return: computed, so not read. */
  computed: boolean
}

type TypeResult =
  | {
      type: NeutralType
      length?: number
      scale?: number
      native?: string
      enum?: { values: string[]; name: string | null; native: boolean; from: string }
    }
  | { unresolved: string }

type FkTarget =
  | { k: 'str'; path: string }
  | { k: 'classattr'; cls: ClassInfo; attr: string }
  | { k: 'tablevar'; sym: Extract<Sym, { k: 'value' }>; column: string }

interface FkSpec {
  columns: string[]
  targets: FkTarget[]
  name: string | null
  onDelete: ReferentialAction
  onUpdate: ReferentialAction
  at: number
  mod: PyModule
}

interface Meta {
  convention: Record<string, string>
  schema: string | null
}

interface Build {
  table: ModelTable
  mod: PyModule
  at: number
  cls: ClassInfo | null
  /** A Table(...) assigned to a module-level name. */
  variable: Extract<Sym, { k: 'value' }> | null
  meta: Meta
  /** Attribute name -> column name (`Column("user_name", ...)` under `name`). */
  attrs: Map<string, string>
  fks: FkSpec[]
  /** Columns typed by the column their foreign key points at. */
  typeFromFk: Set<string>
  /** Columns whose autoincrement= is written out (not SQLAlchemy's "auto"). */
  autoExplicit: Set<string>
  /** Unnamed constraints and indexes, named by the metadata's convention at the end. */
  unnamed: { uniques: Set<object>; indexes: Set<object>; checks: Set<object>; fks: Set<object> }
}

interface Rel {
  owner: ClassInfo
  attr: string
  target: ClassInfo | null
  targetText: string
  list: boolean | null
  kw: Record<string, Py>
  at: number
}

declare const CALL: unique symbol

const DEFAULT_CONVENTION: Record<string, string> = { ix: 'ix_%(column_0_label)s' }
const quoteSql = (n: string) => (/^[a-z_][a-z0-9_]*$/.test(n) ? n : `"${n.replaceAll('"', '""')}"`)
const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`

export function readProject(project: Project, name: string): { doc: ModelDocument; report: ImportReport } {
  const approximated: ImportNote[] = []
  const skipped: ImportNote[] = []
  const note = (list: ImportNote[], mod: PyModule | null, at: number | null, message: string) =>
    list.push({ file: mod?.file ?? null, line: mod && at != null ? mod.line(at) : null, message })
  const approx = (mod: PyModule, at: number, m: string) => note(approximated, mod, at, m)
  const skip = (mod: PyModule, at: number, m: string) => note(skipped, mod, at, m)
  const counts = {
    enums: 0,
    decorators: 0,
    aliases: new Set<string>(),
    single: 0,
    joined: 0,
    rels: 0,
    conventions: new Set<string>(),
  }

  const classes = project.allClasses()
  const str = (p: Py | undefined) => (p && p.k === 'str' ? p.v : undefined)
  const bool = (p: Py | undefined) => (p && p.k === 'bool' ? p.v : undefined)
  const num = (p: Py | undefined) => (p && p.k === 'num' ? p.v : undefined)
  /** What a name or call's callee names: the project's own symbol, or the last part of an outside name. */
  const symOf = (mod: PyModule, p: Py): Sym | null =>
    p.k === 'name' ? project.resolve(mod, p.v) : p.k === 'call' ? symOf(mod, p.fn) : null
  const outside = (s: Sym | null) => (s?.k === 'external' ? lastPart(s.path) : null)
  // The guard's type carries a brand so that a false answer does not narrow `p` (it may still be another call).
  const calls = (
    mod: PyModule,
    p: Py | null | undefined,
    ...names: string[]
  ): p is Extract<Py, { k: 'call' }> & { readonly [CALL]: true } =>
    !!p && p.k === 'call' && names.includes(outside(symOf(mod, p.fn)) ?? '')

  // ---- classes: their bases, method resolution order and kind --------------------------------

  const basesMemo = new Map<ClassInfo, Sym[]>()
  const bases = (c: ClassInfo): Sym[] => {
    let b = basesMemo.get(c)
    if (!b) {
      b = c.stmt.bases.map(
        (p) => (p.k === 'sub' ? symOf(c.mod, p.base) : symOf(c.mod, p)) ?? { k: 'external', path: '?' },
      )
      basesMemo.set(c, b)
    }
    return b
  }
  const mroMemo = new Map<ClassInfo, ClassInfo[]>()
  /** Python's C3 linearization over the project's classes (outside bases end the chain). */
  const mro = (c: ClassInfo, seen = new Set<ClassInfo>()): ClassInfo[] => {
    const memo = mroMemo.get(c)
    if (memo) return memo
    if (seen.has(c)) return [c]
    seen.add(c)
    const parents = bases(c).flatMap((s) => (s.k === 'class' ? [s.cls] : []))
    const seqs = [...parents.map((p) => [...mro(p, seen)]), [...parents]]
    const out = [c]
    for (;;) {
      const live = seqs.filter((s) => s.length)
      if (!live.length) break
      const head = live.map((s) => s[0]).find((h) => !live.some((s) => s.indexOf(h) > 0))
      // Inconsistent hierarchies (Python refuses them) fall back to depth-first order.
      const pick = head ?? live[0][0]
      out.push(pick)
      for (const s of live) if (s[0] === pick) s.shift()
    }
    mroMemo.set(c, out)
    return out
  }
  const outsidePaths = (c: ClassInfo) =>
    mro(c).flatMap((k) => bases(k).flatMap((s) => (s.k === 'external' ? [s.path] : [])))
  // Python's enum.Enum, not SQLAlchemy's Enum type.
  const isEnumClass = (c: ClassInfo) =>
    outsidePaths(c).some(
      (p) =>
        ['Enum', 'IntEnum', 'StrEnum', 'Flag', 'IntFlag'].includes(lastPart(p)) &&
        !p.startsWith('sqlalchemy') &&
        !p.startsWith('sa.'),
    )
  const isTypeDecorator = (c: ClassInfo) => outsidePaths(c).some((p) => lastPart(p) === 'TypeDecorator')

  const legacyRoot = (s: Sym) => s.k === 'value' && calls(s.mod, s.value, 'declarative_base', 'generate_base')
  const isRoot = (c: ClassInfo) =>
    bases(c).some((s) => ['DeclarativeBase', 'DeclarativeBaseNoMeta'].includes(outside(s) ?? ''))
  const declMemo = new Map<ClassInfo, boolean>()
  const inDeclarative = (c: ClassInfo): boolean => {
    const m = declMemo.get(c)
    if (m != null) return m
    declMemo.set(c, false)
    const r = isRoot(c) || bases(c).some((s) => legacyRoot(s) || (s.k === 'class' && inDeclarative(s.cls)))
    declMemo.set(c, r)
    return r
  }

  const attrsMemo = new Map<ClassInfo, Attr[]>()
  const ownAttrs = (c: ClassInfo): Attr[] => {
    let out = attrsMemo.get(c)
    if (out) return out
    out = []
    for (const s of c.stmt.body) {
      if (s.k === 'assign')
        out.push({ name: s.target, annotation: s.annotation, value: s.value, at: s.at, cls: c, computed: false })
      else if (s.k === 'def' && s.decorators.some((d) => DECLARED_ATTR.test(d)))
        out.push({ name: s.name, annotation: s.returns, value: s.ret, at: s.at, cls: c, computed: s.ret == null })
    }
    attrsMemo.set(c, out)
    return out
  }
  const own = (c: ClassInfo, n: string) => ownAttrs(c).find((a) => a.name === n)
  /** An attribute as Python finds it: the first class in the MRO that defines it. */
  const lookupAttr = (c: ClassInfo, n: string): Attr | undefined => {
    for (const k of mro(c)) {
      const a = own(k, n)
      if (a) return a
    }
    return undefined
  }
  const abstract = (c: ClassInfo) => bool(own(c, '__abstract__')?.value ?? undefined) === true

  // Mapped classes: in the declarative hierarchy, neither the base nor abstract, with a table.
  const mappedSet = new Set<ClassInfo>()
  const tableOwner = new Map<ClassInfo, ClassInfo>() // single-table inheritance: class -> the class whose table it shares
  const isMapped = (c: ClassInfo) => mappedSet.has(c)
  const declaredTablename = (c: ClassInfo) => {
    const a = lookupAttr(c, '__tablename__')
    return a && (a.value == null || a.value.k !== 'str' || a.cls === c) ? a : undefined
  }
  // Parents before children, so a child can tell whether its parent is mapped.
  const ordered = [...classes].sort((a, b) => mro(a).length - mro(b).length)
  for (const c of ordered) {
    if (!inDeclarative(c) || isRoot(c) || abstract(c)) continue
    const parent = mro(c)
      .slice(1)
      .find((k) => mappedSet.has(k))
    const ownName = own(c, '__tablename__')
    const ownTable = own(c, '__table__')
    const hasOwnKey = ownAttrs(c).some((a) => a.value && a.value.k === 'call' && bool(a.value.kw.primary_key) === true)
    if (
      parent &&
      !ownName &&
      !ownTable &&
      !(declaredTablename(c) && hasOwnKey && declaredTablename(c)!.value?.k !== 'str')
    ) {
      mappedSet.add(c)
      tableOwner.set(c, tableOwner.get(parent) ?? parent)
      counts.single++
      continue
    }
    if (ownName || ownTable || declaredTablename(c)) {
      mappedSet.add(c)
      if (parent) counts.joined++
    } else if (!parent)
      skip(
        c.mod,
        c.stmt.at,
        `${c.name} has no __tablename__ or __table__ (and is not __abstract__): SQLAlchemy would refuse it; not read`,
      )
  }

  // ---- metadata, naming conventions --------------------------------------------------------

  const rootOf = (c: ClassInfo): { cls: ClassInfo | null; legacy: Extract<Sym, { k: 'value' }> | null } => {
    for (const k of mro(c)) {
      if (isRoot(k)) return { cls: k, legacy: null }
      for (const b of bases(k)) if (b.k === 'value' && legacyRoot(b)) return { cls: null, legacy: b }
    }
    return { cls: null, legacy: null }
  }
  const dictOf = (mod: PyModule, p: Py | undefined, depth = 0): { entries: [Py, Py][]; mod: PyModule } | null => {
    if (!p || depth > 5) return null
    if (p.k === 'dict') return { entries: p.entries, mod }
    if (p.k === 'name') {
      const s = project.resolve(mod, p.v)
      if (s.k === 'value') return dictOf(s.mod, s.value, depth + 1)
    }
    if (calls(mod, p, 'dict'))
      return { entries: Object.entries(p.kw).map(([k, v]) => [{ at: v.at, k: 'str', v: k }, v]), mod }
    return null
  }
  const metaFromCall = (mod: PyModule, p: Py | undefined, label: string, depth = 0): Meta | null => {
    if (!p || depth > 5) return null
    if (p.k === 'name') {
      const s = project.resolve(mod, p.v)
      if (s.k === 'value') return metaFromCall(s.mod, s.value, label, depth + 1)
      if (s.k === 'member' && s.owner.k === 'class' && s.path.join('.') === 'metadata') return metaOfClass(s.owner.cls)
      if (s.k === 'member' && s.owner.k === 'value' && s.path.join('.') === 'metadata')
        return metaFromCall(s.owner.mod, s.owner.value, label, depth + 1)
      return null
    }
    if (calls(mod, p, 'registry')) return metaFromCall(mod, p.kw.metadata, label, depth + 1)
    if (calls(mod, p, 'declarative_base'))
      return metaFromCall(mod, p.kw.metadata, label, depth + 1) ?? { convention: DEFAULT_CONVENTION, schema: null }
    if (!calls(mod, p, 'MetaData')) return null
    const d = dictOf(mod, p.kw.naming_convention)
    const convention: Record<string, string> = {}
    if (d) {
      counts.conventions.add(label)
      for (const [k, v] of d.entries) {
        const key = str(k) ?? (k.k === 'name' ? lastPart(k.v) : null)
        const val = str(v)
        if (key && val) convention[key] = val
        else
          approx(
            d.mod,
            k.at,
            `a naming convention entry the importer cannot read (${k.k === 'name' ? k.v : 'a computed key or value'}); constraints it names keep no name`,
          )
      }
    }
    return { convention: d ? convention : DEFAULT_CONVENTION, schema: str(p.kw.schema) ?? null }
  }
  const metaMemo = new Map<ClassInfo, Meta>()
  function metaOfClass(c: ClassInfo): Meta {
    let m = metaMemo.get(c)
    if (m) return m
    const root = rootOf(c)
    m = { convention: DEFAULT_CONVENTION, schema: null }
    if (root.cls) {
      const md = lookupAttr(root.cls, 'metadata')
      const reg = lookupAttr(root.cls, 'registry')
      m =
        (md && metaFromCall(md.cls.mod, md.value ?? undefined, `${root.cls.name}.metadata`)) ??
        (reg && metaFromCall(reg.cls.mod, reg.value ?? undefined, `${root.cls.name}.registry`)) ??
        m
    } else if (root.legacy) m = metaFromCall(root.legacy.mod, root.legacy.value, root.legacy.name) ?? m
    metaMemo.set(c, m)
    return m
  }

  // ---- type_annotation_map and annotations --------------------------------------------------

  /** A key for an annotation type: an alias or class of the project by its qualified name, anything else by its last name. */
  const typeKey = (mod: PyModule, p: Py): string | null => {
    if (p.k !== 'name') return null
    const s = project.resolve(mod, p.v)
    if (s.k === 'value') return `value:${s.mod.name}.${s.name}`
    if (s.k === 'class') return `class:${s.cls.qual}`
    if (s.k === 'external') return lastPart(s.path)
    return null
  }
  const typeMapMemo = new Map<ClassInfo, Map<string, { p: Py; mod: PyModule }>>()
  const typeMapOf = (c: ClassInfo) => {
    const root = rootOf(c).cls
    if (!root) return new Map<string, { p: Py; mod: PyModule }>()
    let m = typeMapMemo.get(root)
    if (!m) {
      m = new Map()
      const a = lookupAttr(root, 'type_annotation_map')
      const d = a?.value ? dictOf(a.cls.mod, a.value) : null
      for (const [k, v] of d?.entries ?? []) {
        const key = typeKey(d!.mod, k)
        if (key) m.set(key, { p: v, mod: d!.mod })
        else
          approx(
            d!.mod,
            k.at,
            'a type_annotation_map key the importer cannot name; columns annotated with it get the default type',
          )
      }
      typeMapMemo.set(root, m)
    }
    return m
  }

  interface Ann {
    mapped: boolean
    optional: boolean
    collection: boolean
    /** The Python type inside, e.g. `int`, `"User"`, an alias name. */
    type: Py | null
    typeMod: PyModule
    /** An `Annotated[...]` alias (named or inline): its own mapped_column and key. */
    alias: { key: string | null; inner: Py; extras: Py[]; mod: PyModule } | null
  }
  const annotation = (mod: PyModule, p: Py | null): Ann | null => {
    if (!p) return null
    const out: Ann = { mapped: false, optional: false, collection: false, type: null, typeMod: mod, alias: null }
    let cur: Py | null = p.k === 'str' ? parseExpression(p.v, p.at) : p
    const head = (q: Py) =>
      q.k === 'sub' ? (outside(symOf(mod, q.base)) ?? (q.base.k === 'name' ? lastPart(q.base.v) : null)) : null
    for (let guard = 0; cur && guard < 12; guard++) {
      if (cur.k === 'str') {
        cur = parseExpression(cur.v, cur.at)
        continue
      }
      const h = head(cur)
      if (cur.k === 'sub' && h && MAPPED.has(h)) {
        out.mapped = true
        cur = cur.items[0] ?? null
      } else if (cur.k === 'or' && cur.items.some((x) => x.k === 'none')) {
        out.optional = true
        const rest: Py[] = cur.items.filter((x) => x.k !== 'none')
        cur = rest.length === 1 ? rest[0] : { at: cur.at, k: 'or', items: rest }
      } else if (cur.k === 'sub' && h === 'Optional') {
        out.optional = true
        cur = cur.items[0] ?? null
      } else if (cur.k === 'sub' && h === 'Union' && cur.items.some((x) => x.k === 'none')) {
        out.optional = true
        const rest: Py[] = cur.items.filter((x) => x.k !== 'none')
        cur = rest.length === 1 ? rest[0] : null
      } else if (
        cur.k === 'sub' &&
        h &&
        [
          'list',
          'List',
          'set',
          'Set',
          'Sequence',
          'Collection',
          'MutableSet',
          'Iterable',
          'AppenderQuery',
          'WriteOnlyCollection',
        ].includes(h)
      ) {
        out.collection = true
        cur = cur.items[0] ?? null
      } else if (cur.k === 'sub' && h === 'Annotated') {
        out.alias = out.alias ?? { key: null, inner: cur.items[0], extras: cur.items.slice(1), mod }
        cur = cur.items[0] ?? null
      } else if (cur.k === 'name' && !out.alias) {
        const s = project.resolve(mod, cur.v)
        if (s.k === 'value' && s.value.k === 'sub' && head(s.value) === 'Annotated') {
          counts.aliases.add(s.name)
          out.alias = {
            key: `value:${s.mod.name}.${s.name}`,
            inner: s.value.items[0],
            extras: s.value.items.slice(1),
            mod: s.mod,
          }
          mod = s.mod
          cur = s.value.items[0] ?? null
        } else break
      } else break
    }
    out.type = cur
    out.typeMod = mod
    return out
  }

  // ---- types --------------------------------------------------------------------------------

  const enumMembers = (c: ClassInfo, byValue: boolean): string[] =>
    c.stmt.body.flatMap((s) =>
      s.k === 'assign' && !s.target.startsWith('_') && s.value && s.value.k !== 'call'
        ? [byValue && s.value.k === 'str' ? s.value.v : s.target]
        : s.k === 'assign' && !s.target.startsWith('_') && calls(c.mod, s.value, 'auto')
          ? [s.target]
          : [],
    )

  const enumType = (mod: PyModule, args: Py[], kw: Record<string, Py>, at: number): TypeResult => {
    const first = args[0]
    const s = first ? symOf(mod, first) : null
    const byValue = kw.values_callable != null
    let values: string[]
    let enumName = str(kw.name) ?? null
    let from: string
    if (s?.k === 'class' && isEnumClass(s.cls)) {
      values = enumMembers(s.cls, byValue)
      enumName = enumName ?? s.cls.name.toLowerCase()
      from = s.cls.name
      if (byValue) approx(mod, at, `Enum(${s.cls.name}, values_callable=...) is read as the members' string values`)
    } else if (args.every((a) => a.k === 'str') && args.length) {
      values = args.map((a) => (a as { v: string }).v)
      from = `Enum(${values.map((v) => JSON.stringify(v)).join(', ')})`
    } else return { unresolved: `Enum(${first?.k === 'name' ? first.v : '…'}) (its members could not be read)` }
    counts.enums++
    const length = num(kw.length) ?? Math.max(1, ...values.map((v) => v.length))
    return { type: 'varchar', length, enum: { values, name: enumName, native: bool(kw.native_enum) !== false, from } }
  }

  const spelled = (t: TypeResult): string =>
    'unresolved' in t
      ? 'text'
      : (t.native ??
        (t.length != null
          ? `${t.type === 'numeric' ? 'numeric' : 'varchar'}(${t.length}${t.scale != null ? `,${t.scale}` : ''})`
          : t.type))

  function saType(mod: PyModule, p: Py, depth = 0): TypeResult {
    if (depth > 8) return { unresolved: 'a type defined in terms of itself' }
    // Integer().with_variant(BigInteger(), "postgresql"): the main type.
    if (p.k === 'call' && p.fn.k === 'attr') {
      if (p.fn.name === 'with_variant')
        approx(mod, p.at, 'with_variant(...): the type for other engines is read; the variant is not kept')
      return saType(mod, p.fn.base, depth + 1)
    }
    const callee = p.k === 'call' ? p.fn : p
    const args = p.k === 'call' ? p.args : []
    const kw = p.k === 'call' ? p.kw : {}
    if (callee.k !== 'name') return { unresolved: 'a type expression' }
    const s = project.resolve(mod, callee.v)
    if (s.k === 'class') {
      const c = s.cls
      if (isTypeDecorator(c)) {
        const impl = lookupAttr(c, 'impl')
        if (!impl?.value) return { unresolved: `${c.name} (a TypeDecorator without impl)` }
        counts.decorators++
        // TypeDecorator passes its constructor's arguments to impl when impl is a class.
        const implPy: Py = impl.value.k === 'name' && p.k === 'call' ? { ...p, fn: impl.value } : impl.value
        return saType(impl.cls.mod, implPy, depth + 1)
      }
      if (isEnumClass(c)) return enumType(mod, [callee], kw, p.at)
      // A UserDefinedType that spells itself: get_col_spec returns a literal, or what it was given.
      if (outsidePaths(c).some((x) => lastPart(x) === 'UserDefinedType')) {
        const spec = c.stmt.body.find((x) => x.k === 'def' && x.name === 'get_col_spec')
        const ret = spec && spec.k === 'def' ? spec.ret : null
        if (ret?.k === 'str') return { type: 'unknown', native: ret.v }
        if (ret?.k === 'name' && ret.v.startsWith('self.') && args[0]?.k === 'str')
          return { type: 'unknown', native: args[0].v }
        return { unresolved: `${c.name} (a UserDefinedType whose spelling is computed)` }
      }
      return { unresolved: `${c.name} (a class of the project that is not a TypeDecorator)` }
    }
    if (s.k === 'value')
      return s.value.k === 'call' || s.value.k === 'name' ? saType(s.mod, s.value, depth + 1) : { unresolved: callee.v }
    const n = s.k === 'external' ? lastPart(s.path) : lastPart(callee.v)
    if (n === 'Enum' || n === 'ENUM') return enumType(mod, args, kw, p.at)
    if (n === 'ARRAY') {
      const item = args[0] ? saType(mod, args[0], depth + 1) : { unresolved: 'ARRAY()' }
      if ('unresolved' in item) return item
      return { type: 'unknown', native: `${spelled(item)}[]` }
    }
    const t = SA_TYPES[n]
    if (t) {
      const out: TypeResult = { type: t === 'timestamp' && bool(kw.timezone) ? 'timestamptz' : t }
      const length = num(args[0]) ?? num(kw.length) ?? num(kw.precision)
      if ((t === 'varchar' || t === 'numeric') && length != null) out.length = length
      const scale = num(args[1]) ?? num(kw.scale)
      if (t === 'numeric' && scale != null) out.scale = scale
      return out
    }
    if (NATIVE_TYPES[n]) return { type: 'unknown', native: NATIVE_TYPES[n] }
    if (CHAR_TYPES.has(n)) {
      const length = num(args[0]) ?? num(kw.length)
      return { type: 'unknown', native: length != null ? `char(${length})` : 'char' }
    }
    return { unresolved: callee.v }
  }

  /** `Mapped[X]`'s X as SQLAlchemy types it: the base's type_annotation_map, then Python's defaults. */
  function annotatedType(c: ClassInfo, a: Ann): TypeResult | 'relationship' | null {
    const map = typeMapOf(c)
    if (a.alias?.key) {
      const hit = map.get(a.alias.key)
      if (hit) return saType(hit.mod, hit.p)
    }
    const t = a.type
    if (!t) return null
    if (t.k === 'sub') {
      const h = outside(symOf(a.typeMod, t.base)) ?? (t.base.k === 'name' ? lastPart(t.base.v) : '')
      if (h === 'Literal' && t.items.every((x) => x.k === 'str')) {
        counts.enums++
        const values = t.items.map((x) => (x as { v: string }).v)
        return {
          type: 'varchar',
          length: Math.max(1, ...values.map((v) => v.length)),
          enum: {
            values,
            name: null,
            native: false,
            from: `Literal[${values.map((v) => JSON.stringify(v)).join(', ')}]`,
          },
        }
      }
      const key = typeKey(a.typeMod, t.base)
      const hit = key ? map.get(key) : undefined
      if (hit) return saType(hit.mod, hit.p)
      return { unresolved: `${t.base.k === 'name' ? t.base.v : '?'}[...]` }
    }
    if (t.k !== 'name') return null
    const key = typeKey(a.typeMod, t)
    const hit = key ? map.get(key) : undefined
    if (hit) return saType(hit.mod, hit.p)
    const s = project.resolve(a.typeMod, t.v)
    if (s.k === 'class') {
      if (isEnumClass(s.cls)) return enumType(a.typeMod, [t], {}, t.at)
      if (inDeclarative(s.cls)) return 'relationship'
      if (isTypeDecorator(s.cls)) return saType(a.typeMod, t)
      return { unresolved: `${s.cls.name} (a class of the project SQLAlchemy has no type for)` }
    }
    const n = s.k === 'external' ? lastPart(s.path) : lastPart(t.v)
    const d = PY_TYPES[n]
    if (d) return 'type' in d ? { type: d.type } : { type: 'unknown', native: d.native }
    // A class mapped by name only (a string annotation of a class not found): a relationship's side.
    if (/^[A-Z]/.test(n) && classes.some((k) => k.name === n && isMapped(k))) return 'relationship'
    return { unresolved: t.v }
  }

  // ---- columns ------------------------------------------------------------------------------

  const action = (p: Py | undefined): ReferentialAction => {
    const v = str(p)?.toUpperCase()
    return (REFERENTIAL_ACTIONS as readonly string[]).includes(v ?? '') ? (v as ReferentialAction) : 'NO ACTION'
  }
  /** A foreign key's target: "table.col", a class attribute, or a Table's `.c.col`. */
  const fkTarget = (mod: PyModule, p: Py | undefined): FkTarget | null => {
    if (!p) return null
    if (p.k === 'str') return { k: 'str', path: p.v }
    if (p.k === 'lambda') return fkTarget(mod, p.body)
    if (p.k === 'sub' && p.items[0]?.k === 'str') {
      const base = fkTarget(mod, p.base)
      if (base?.k === 'tablevar' && base.column === '') return { ...base, column: p.items[0].v }
      return null
    }
    if (p.k !== 'name') return null
    const s = project.resolve(mod, p.v)
    if (s.k === 'member' && s.owner.k === 'class' && s.path.length === 1)
      return { k: 'classattr', cls: s.owner.cls, attr: s.path[0] }
    if (s.k === 'member' && s.owner.k === 'value' && s.path[0] === 'c')
      return { k: 'tablevar', sym: s.owner, column: s.path[1] ?? '' }
    if (s.k === 'member' && s.owner.k === 'value' && s.path[0] === 'columns')
      return { k: 'tablevar', sym: s.owner, column: s.path[1] ?? '' }
    return null
  }

  const SQL_NOW = 'CURRENT_TIMESTAMP'
  const sqlDefault = (mod: PyModule, p: Py, what: string): string | null => {
    if (p.k === 'str') return sqlString(p.v)
    if (p.k === 'num') return String(p.v)
    if (p.k === 'bool') return p.v ? 'TRUE' : 'FALSE'
    if (p.k === 'call') {
      const fn = p.fn.k === 'name' ? p.fn.v : ''
      const last = lastPart(fn)
      if (/(^|\.)func\.(now|current_timestamp)$/.test(fn) || fn === 'func.now' || fn === 'func.current_timestamp')
        return SQL_NOW
      if (last === 'text' && p.args[0]?.k === 'str') return p.args[0].v
      if (last === 'true' || last === 'false') return last.toUpperCase()
      if (last === 'literal' && p.args[0]) return sqlDefault(mod, p.args[0], what)
      if (/(^|\.)func\.\w+$/.test(fn) && p.args.length === 0) return `${last}()`
    }
    skip(
      mod,
      p.at,
      `${what} the importer cannot read as SQL (${p.k === 'call' && p.fn.k === 'name' ? `${p.fn.v}(...)` : p.k === 'name' ? p.v : 'an expression'}): not kept`,
    )
    return null
  }

  interface ColumnRead {
    col: ModelColumn
    fks: FkSpec[]
    index: boolean
    unique: boolean
    autoExplicit: boolean
    typeFromFk: boolean
    checks: { name: string | null; expression: string }[]
    sortOrder: number
    enumNote: { from: string; name: string | null; native: boolean } | null
  }

  /** One column from `mapped_column(...)`/`Column(...)` and its annotation; null when it is not a column. */
  function readColumn(
    owner: ClassInfo | null,
    mod: PyModule,
    attr: string | null,
    call: Extract<Py, { k: 'call' }> | null,
    ann: Ann | null,
    at: number,
  ): ColumnRead | null {
    // The alias's mapped_column first, the column's own arguments over it.
    const aliasCall = ann?.alias?.extras.find((e) => calls(ann.alias!.mod, e, 'mapped_column')) as
      Extract<Py, { k: 'call' }> | undefined
    const parts: { p: Extract<Py, { k: 'call' }>; mod: PyModule }[] = [
      ...(aliasCall ? [{ p: aliasCall, mod: ann!.alias!.mod }] : []),
      ...(call ? [{ p: call, mod }] : []),
    ]
    const kw: Record<string, Py> = {}
    const kwMod = new Map<string, PyModule>()
    for (const { p, mod: m } of parts)
      for (const [k, v] of Object.entries(p.kw)) {
        kw[k] = v
        kwMod.set(k, m)
      }
    let colName = attr ?? ''
    let explicit: { p: Py; mod: PyModule } | null = null
    const fks: FkSpec[] = []
    const checks: ColumnRead['checks'] = []
    for (const { p, mod: m } of parts)
      for (const a of p.args) {
        if (a.k === 'str' && a === p.args[0]) {
          colName = a.v
          continue
        }
        if (calls(m, a, 'ForeignKey')) {
          const target = fkTarget(m, a.args[0])
          if (!target) {
            skip(
              m,
              a.at,
              `ForeignKey(${a.args[0]?.k === 'name' ? a.args[0].v : '…'}) on ${colName}: its target could not be resolved; the foreign key is left out`,
            )
            continue
          }
          fks.push({
            columns: [colName],
            targets: [target],
            name: str(a.kw.name) ?? null,
            onDelete: action(a.kw.ondelete),
            onUpdate: action(a.kw.onupdate),
            at: a.at,
            mod: m,
          })
          continue
        }
        if (calls(m, a, 'CheckConstraint')) {
          const e = str(a.args[0])
          if (e) checks.push({ name: str(a.kw.name) ?? null, expression: e })
          continue
        }
        if (calls(m, a, 'Sequence', 'Identity', 'Computed', 'FetchedValue')) {
          approx(
            m,
            a.at,
            `${colName}: ${outside(symOf(m, a.fn))}(...) is not kept by the model (the column is read without it)`,
          )
          continue
        }
        explicit = explicit ?? { p: a, mod: m }
      }

    let typed: TypeResult | null = null
    if (explicit) typed = saType(explicit.mod, explicit.p)
    else if (ann && owner) {
      const r = annotatedType(owner, ann)
      if (r === 'relationship') return null
      typed = r
    }
    let typeFromFk = false
    if (!typed && fks.length) typeFromFk = true
    const tr: TypeResult =
      typed ??
      (typeFromFk ? { type: 'integer' } : { unresolved: 'no type (neither a type argument nor a Mapped[] annotation)' })
    let c: ModelColumn
    if ('unresolved' in tr) {
      approx(mod, at, `${colName}: type ${tr.unresolved} could not be resolved; read as text`)
      c = newColumn(colName, 'text', {})
    } else {
      c = newColumn(colName, tr.type, { nativeType: tr.native ?? '' })
      if (tr.length != null) c.length = tr.length
      if (tr.scale != null) c.scale = tr.scale
    }
    const pk = bool(kw.primary_key) ?? false
    c.primaryKey = pk ? 1 : 0
    // Mapped[X] is NOT NULL, Mapped[X | None] nullable, nullable= wins; a bare Column is nullable.
    c.nullable = bool(kw.nullable) ?? (pk ? false : ann?.mapped ? ann.optional : true)
    const unique = bool(kw.unique) ?? false
    const index = bool(kw.index) ?? false
    c.unique = unique && !index
    const auto = kw.autoincrement
    c.autoincrement = auto?.k === 'bool' ? auto.v : false
    const autoExplicit = auto?.k === 'bool'
    if (kw.server_default)
      c.serverDefault = sqlDefault(kwMod.get('server_default')!, kw.server_default, `${colName}: server_default`)
    if (kw.default) {
      const d = kw.default
      if (d.k === 'str' || d.k === 'num' || d.k === 'bool') c.appDefault = d.v
      else if (d.k === 'none') c.appDefault = null
      else
        skip(
          kwMod.get('default')!,
          d.at,
          `${colName}: default computed in Python (${d.k === 'name' ? d.v : d.k === 'call' && d.fn.k === 'name' ? `${d.fn.v}(...)` : d.k === 'lambda' ? 'a lambda' : 'an expression'}) is not kept; the model keeps literal defaults`,
        )
    }
    if (kw.onupdate) {
      const o = kw.onupdate
      const fn = o.k === 'name' ? o.v : o.k === 'call' && o.fn.k === 'name' ? o.fn.v : ''
      if (
        /(^|\.)(now|utcnow|current_timestamp)$/.test(fn) ||
        (o.k === 'lambda' && /now/.test(JSON.stringify(o.body)))
      ) {
        c.onUpdate = SQL_NOW
        if (!/func\./.test(fn))
          approx(
            kwMod.get('onupdate')!,
            o.at,
            `${colName}: onupdate=${fn || 'a lambda'} (the time, set by Python) is kept as CURRENT_TIMESTAMP set by the database on every update`,
          )
      } else {
        const v = sqlDefault(kwMod.get('onupdate')!, o, `${colName}: onupdate`)
        if (v) c.onUpdate = v
      }
    }
    const comment = str(kw.comment)
    if (comment) c.comment = comment
    let enumNote: ColumnRead['enumNote'] = null
    if (!('unresolved' in tr) && tr.enum) {
      checks.push({ name: null, expression: `${quoteSql(colName)} IN (${tr.enum.values.map(sqlString).join(', ')})` })
      enumNote = { from: tr.enum.from, name: tr.enum.name, native: tr.enum.native }
    }
    return {
      col: c,
      fks,
      index,
      unique,
      autoExplicit,
      typeFromFk,
      checks,
      sortOrder: num(kw.sort_order) ?? 0,
      enumNote,
    }
  }

  // ---- tables -------------------------------------------------------------------------------

  const doc = emptyModel(name)
  const builds: Build[] = []
  const byClass = new Map<ClassInfo, Build>()
  const byVariable = new Map<string, Build>()
  const rels: Rel[] = []
  let derivedNames = 0

  const newBuild = (o: {
    name: string
    className: string
    schema: string | null
    mod: PyModule
    at: number
    cls: ClassInfo | null
    variable: Build['variable']
    meta: Meta
  }): Build => {
    const table = blankTable({ name: o.name, className: o.className, columns: [], schema: o.schema })
    const b: Build = {
      table,
      mod: o.mod,
      at: o.at,
      cls: o.cls,
      variable: o.variable,
      meta: o.meta,
      attrs: new Map(),
      fks: [],
      typeFromFk: new Set(),
      autoExplicit: new Set(),
      unnamed: { uniques: new Set(), indexes: new Set(), checks: new Set(), fks: new Set() },
    }
    builds.push(b)
    return b
  }

  const addColumnTo = (b: Build, r: ColumnRead, attr: string | null, mod: PyModule, at: number) => {
    if (b.table.columns.some((c) => c.name === r.col.name)) {
      skip(mod, at, `${b.table.name}.${r.col.name} is declared twice; the first is kept`)
      return
    }
    b.table.columns.push(r.col)
    if (attr) b.attrs.set(attr, r.col.name)
    if (r.typeFromFk) b.typeFromFk.add(r.col.name)
    if (r.autoExplicit) b.autoExplicit.add(r.col.name)
    for (const f of r.fks) b.fks.push(f)
    if (r.index) {
      const ix = { name: '', columns: [r.col.name], unique: r.unique, where: null as string | null }
      b.table.indexes.push(ix)
      b.unnamed.indexes.add(ix)
    }
    for (const ck of r.checks) {
      b.table.checks.push(ck)
      if (!ck.name) b.unnamed.checks.add(ck)
    }
    if (r.enumNote)
      approx(
        mod,
        at,
        `${b.table.name}.${r.col.name}: ${r.enumNote.from} is read as ${typeLabelOf(r.col)} with a CHECK of its ${r.enumNote.from.startsWith('Literal') || r.enumNote.from.startsWith('Enum(') ? 'values' : 'names'}${r.enumNote.native ? `; on PostgreSQL SQLAlchemy would create the type ${r.enumNote.name ?? 'of the enum'} instead` : ''}`,
      )
  }
  const typeLabelOf = (c: ModelColumn) => (c.length != null ? `${c.type}(${c.length})` : c.type)

  /** Table(...) arguments after the name and metadata: columns and constraints. */
  function tableItems(b: Build, mod: PyModule, items: Py[]) {
    for (const a of items) {
      if (calls(mod, a, 'Column', 'mapped_column')) {
        const r = readColumn(null, mod, null, a, null, a.at)
        if (r) addColumnTo(b, r, r.col.name, mod, a.at)
      } else constraint(b, mod, a)
    }
  }

  /** Column names given to a constraint: strings, class attributes, `table.c.x`. */
  const constraintColumns = (b: Build, mod: PyModule, items: Py[]): (string | null)[] =>
    items.map((x) => {
      if (x.k === 'str') return b.attrs.get(x.v) ?? x.v
      if (x.k === 'name') {
        const t = fkTarget(mod, x)
        if (t?.k === 'classattr') return byClass.get(t.cls)?.attrs.get(t.attr) ?? t.attr
        if (t?.k === 'tablevar') return t.column
        if (b.attrs.has(x.v)) return b.attrs.get(x.v)!
        if (!x.v.includes('.')) return x.v
      }
      return null
    })

  function constraint(b: Build, mod: PyModule, a: Py) {
    if (a.k !== 'call') {
      if (a.k !== 'dict') skip(mod, a.at, `${b.table.name}: a table argument the importer cannot read; left out`)
      return
    }
    const kind = outside(symOf(mod, a.fn)) ?? ''
    const cols = (xs: Py[]) => constraintColumns(b, mod, xs)
    if (kind === 'UniqueConstraint') {
      const cs = cols(a.args)
      if (cs.some((x) => x == null))
        return skip(mod, a.at, `${b.table.name}: a UniqueConstraint on an expression is left out`)
      const u = { name: str(a.kw.name) ?? null, columns: cs as string[] }
      b.table.uniques.push(u)
      if (!u.name) b.unnamed.uniques.add(u)
    } else if (kind === 'CheckConstraint') {
      const e = str(a.args[0]) ?? (calls(mod, a.args[0], 'text') ? str(a.args[0].args[0]) : undefined)
      if (!e)
        return skip(
          mod,
          a.at,
          `${b.table.name}: a CheckConstraint written as a Python expression is left out (write it as a string to keep it)`,
        )
      const ck = { name: str(a.kw.name) ?? null, expression: e }
      b.table.checks.push(ck)
      if (!ck.name) b.unnamed.checks.add(ck)
    } else if (kind === 'Index') {
      const ixName = str(a.args[0])
      const cs = cols(a.args.slice(1))
      if (cs.some((x) => x == null) || !cs.length)
        return skip(
          mod,
          a.at,
          `${b.table.name}: index ${ixName ?? ''} on an expression is left out (the model keeps indexes on columns)`,
        )
      const where = a.kw.sqlite_where ?? a.kw.postgresql_where
      const ix = {
        name: ixName ?? '',
        columns: cs as string[],
        unique: bool(a.kw.unique) ?? false,
        where: where && calls(mod, where, 'text') ? (str(where.args[0]) ?? null) : null,
      }
      if (where && !ix.where)
        approx(
          mod,
          where.at,
          `${b.table.name}: the WHERE of index ${ixName} is a Python expression; the index is kept whole`,
        )
      b.table.indexes.push(ix)
      if (!ixName) b.unnamed.indexes.add(ix)
    } else if (kind === 'PrimaryKeyConstraint') {
      const cs = cols(a.args)
      cs.forEach((n, i) => {
        const c = b.table.columns.find((x) => x.name === n)
        if (c) {
          c.primaryKey = i + 1
          c.nullable = false
        }
      })
      // Also keys written before their columns: applied again once all columns are in.
      pendingPk.push({ b, cols: cs.filter((x): x is string => !!x) })
      if (str(a.kw.name)) b.table.primaryKeyName = str(a.kw.name)!
    } else if (kind === 'ForeignKeyConstraint') {
      const local = a.args[0]?.k === 'seq' ? cols(a.args[0].items) : []
      const remote = a.args[1]?.k === 'seq' ? a.args[1].items.map((x) => fkTarget(mod, x)) : []
      if (local.some((x) => !x) || remote.some((x) => !x) || !local.length)
        return skip(
          mod,
          a.at,
          `${b.table.name}: a ForeignKeyConstraint whose columns could not be resolved is left out`,
        )
      b.fks.push({
        columns: local as string[],
        targets: remote as FkTarget[],
        name: str(a.kw.name) ?? null,
        onDelete: action(a.kw.ondelete),
        onUpdate: action(a.kw.onupdate),
        at: a.at,
        mod,
      })
    } else skip(mod, a.at, `${b.table.name}: ${kind || 'a call'}(...) in the table arguments is not read`)
  }
  const pendingPk: { b: Build; cols: string[] }[] = []

  function tableArgs(b: Build, mod: PyModule, p: Py | null) {
    if (!p) return
    const items = p.k === 'seq' ? p.items : [p]
    for (const x of items) {
      if (x.k === 'dict') {
        for (const [k, v] of x.entries) {
          const key = str(k)
          if (key === 'schema') b.table.schema = str(v) ?? b.table.schema
          else if (key === 'comment') b.table.comment = str(v)
          else if (
            key &&
            !/^(sqlite|postgresql|mysql|mariadb|mssql|oracle)_|^(extend_existing|keep_existing|info)$/.test(key)
          )
            skip(mod, k.at, `${b.table.name}: table option ${key} is not kept`)
        }
      } else constraint(b, mod, x)
    }
  }

  // Module-level Table(...) objects.
  for (const mod of project.modules.values()) {
    for (const s of mod.body) {
      if (s.k !== 'assign' || !calls(mod, s.value, 'Table')) continue
      const v = s.value
      const tname = str(v.args[0])
      if (!tname) {
        skip(mod, s.at, `Table ${s.target}: its name is not a string; not read`)
        continue
      }
      const meta = metaFromCall(mod, v.args[1], `${s.target}'s metadata`) ?? {
        convention: DEFAULT_CONVENTION,
        schema: null,
      }
      const sym = project.resolve(mod, s.target)
      const b = newBuild({
        name: tname,
        className: s.target,
        schema: str(v.kw.schema) ?? meta.schema,
        mod,
        at: s.at,
        cls: null,
        variable: sym.k === 'value' ? sym : null,
        meta,
      })
      b.table.nameLocked = true
      tableItems(b, mod, v.args.slice(2))
      if (str(v.kw.comment)) b.table.comment = str(v.kw.comment)
      byVariable.set(`${mod.name}.${s.target}`, b)
    }
  }

  // Mapped classes, parents first.
  const mapped = ordered.filter(isMapped)
  for (const c of mapped) {
    if (tableOwner.has(c)) continue
    const meta = metaOfClass(c)
    const tableAttr = own(c, '__table__')
    if (tableAttr?.value) {
      const v = tableAttr.value
      if (calls(c.mod, v, 'Table')) {
        const b = newBuild({
          name: str(v.args[0]) ?? c.name,
          className: c.name,
          schema: str(v.kw.schema) ?? meta.schema,
          mod: c.mod,
          at: c.stmt.at,
          cls: c,
          variable: null,
          meta,
        })
        tableItems(b, c.mod, v.args.slice(2))
        byClass.set(c, b)
      } else if (v.k === 'name') {
        const s = project.resolve(c.mod, v.v)
        const b = s.k === 'value' ? byVariable.get(`${s.mod.name}.${s.name}`) : undefined
        if (b) {
          b.cls = c
          b.table.className = c.name
          byClass.set(c, b)
        } else skip(c.mod, tableAttr.at, `${c.name}.__table__ names a table the importer cannot find`)
      }
      continue
    }
    // The table's name: a string, or a declared_attr the importer can follow.
    const tn = declaredTablename(c)!
    let tname: string
    if (tn.value?.k === 'str') tname = tn.value.v
    else {
      const body = tn.value
      const txt = body ? JSON.stringify(body) : ''
      if (body && /"cls\.__name__\.lower"/.test(txt)) {
        tname = c.name.toLowerCase()
        derivedNames++
      } else if (body && body.k === 'name' && body.v === 'cls.__name__') tname = c.name
      else {
        tname = tableNameFor(c.name, 'snake_plural')
        approx(
          tn.cls.mod,
          tn.at,
          `${c.name}: __tablename__ is computed by code the importer does not run; named ${tname}`,
        )
      }
    }
    const b = newBuild({
      name: tname,
      className: c.name,
      schema: meta.schema,
      mod: c.mod,
      at: c.stmt.at,
      cls: c,
      variable: null,
      meta,
    })
    byClass.set(c, b)
  }
  for (const [c, parent] of tableOwner) {
    const b = byClass.get(parent)
    if (b) byClass.set(c, b)
  }

  // Columns and relationships of each mapped class: its own attributes, then its mixins' and
  // its base's (not a mapped parent's: those are the parent's table).
  for (const c of mapped) {
    const b = byClass.get(c)
    if (!b) continue
    if (own(c, '__table__')) continue
    const chain: ClassInfo[] = []
    for (const k of mro(c)) {
      if (k !== c && isMapped(k)) break
      chain.push(k)
    }
    const seen = new Set<string>()
    const reads: { r: ColumnRead; attr: string; mod: PyModule; at: number; inherited: boolean }[] = []
    for (const k of chain) {
      for (const a of ownAttrs(k)) {
        if (seen.has(a.name)) continue
        seen.add(a.name)
        if (
          a.name.startsWith('__') ||
          ['metadata', 'registry', 'type_annotation_map', 'impl', 'cache_ok'].includes(a.name)
        )
          continue
        if (a.computed) {
          skip(
            k.mod,
            a.at,
            `${c.name}.${a.name}: a declared_attr whose body is more than one return is not run; left out`,
          )
          continue
        }
        const mod = k.mod
        const v = a.value
        const ann = annotation(mod, a.annotation)
        if (v && calls(mod, v, 'relationship', 'dynamic_loader')) {
          rels.push(relOf(c, a, v, ann))
          continue
        }
        if (
          v &&
          calls(
            mod,
            v,
            'column_property',
            'synonym',
            'composite',
            'association_proxy',
            'query_expression',
            'hybrid_property',
          )
        ) {
          skip(mod, a.at, `${c.name}.${a.name}: ${outside(symOf(mod, v.fn))}(...) is computed by the ORM, not a column`)
          continue
        }
        let call: Extract<Py, { k: 'call' }> | null = null
        if (v && calls(mod, v, 'mapped_column', 'Column')) call = v
        else if (v && calls(mod, v, 'deferred') && v.args[0] && calls(mod, v.args[0], 'mapped_column', 'Column'))
          call = v.args[0]
        else if (v) continue // a class constant, a method reference, ...
        if (!call && !ann?.mapped) {
          if (
            a.annotation &&
            !(a.annotation.k === 'sub' && a.annotation.base.k === 'name' && /ClassVar$/.test(a.annotation.base.v))
          )
            skip(mod, a.at, `${c.name}.${a.name}: an annotation without Mapped[] is not mapped`)
          continue
        }
        const r = readColumn(c, mod, a.name, call, ann, a.at)
        if (!r) {
          if (!call)
            skip(
              mod,
              a.at,
              `${c.name}.${a.name}: a relationship annotation without relationship(); SQLAlchemy would refuse it`,
            )
          continue
        }
        reads.push({ r, attr: a.name, mod, at: a.at, inherited: k !== c })
      }
    }
    // SQLAlchemy's order: the class's own columns, then inherited ones, then sort_order. The
    // model shows an inherited primary key first, as the designer's Base does.
    const hasOwnKey = reads.some((x) => !x.inherited && x.r.col.primaryKey)
    const ordered2 = reads
      .map((x, i) => ({ ...x, i }))
      .sort(
        (x, y) =>
          x.r.sortOrder - y.r.sortOrder ||
          (!hasOwnKey && x.inherited && x.r.col.primaryKey && !(y.inherited && y.r.col.primaryKey)
            ? -1
            : !hasOwnKey && y.inherited && y.r.col.primaryKey && !(x.inherited && x.r.col.primaryKey)
              ? 1
              : x.i - y.i),
      )
    for (const x of ordered2) addColumnTo(b, x.r, x.attr, x.mod, x.at)
    // The designer's Base: the table inherits exactly id, created_at and updated_at from the base.
    const inheritedNames = reads
      .filter((x) => x.inherited)
      .map((x) => x.r.col.name)
      .sort()
    if (JSON.stringify(inheritedNames) === JSON.stringify(['created_at', 'id', 'updated_at'])) b.table.base = true
    if (tableOwner.has(c)) continue
    const ta = lookupAttr(c, '__table_args__')
    if (ta && !ta.computed && !(ta.cls !== c && isMapped(ta.cls))) tableArgs(b, ta.cls.mod, ta.value)
    else if (ta?.computed)
      skip(ta.cls.mod, ta.at, `${c.name}.__table_args__ is computed by code the importer does not run; left out`)
  }
  for (const { b, cols } of pendingPk)
    cols.forEach((n, i) => {
      const c = b.table.columns.find((x) => x.name === n)
      if (c) {
        c.primaryKey = i + 1
        c.nullable = false
      }
    })

  // Module-level Index("name", User.email) and Index(..., users.c.x).
  for (const mod of project.modules.values()) {
    for (const s of mod.body) {
      const v = s.k === 'expr' ? s.value : s.k === 'assign' ? s.value : null
      if (!v || !calls(mod, v, 'Index')) continue
      const targets = v.args.slice(1).map((x) => fkTarget(mod, x))
      const owners = new Set(
        targets.map((t) =>
          t?.k === 'classattr'
            ? byClass.get(t.cls)
            : t?.k === 'tablevar'
              ? byVariable.get(`${t.sym.mod.name}.${t.sym.name}`)
              : undefined,
        ),
      )
      const [b] = [...owners]
      if (owners.size !== 1 || !b) {
        skip(
          mod,
          s.at,
          `Index ${str(v.args[0]) ?? ''}: its columns (or expression) could not be tied to one table; left out`,
        )
        continue
      }
      constraint(b, mod, v)
    }
  }

  // ---- foreign keys -------------------------------------------------------------------------

  const tableOfTarget = (
    t: FkTarget,
  ): { schema: string | null; table: string; column: string; build: Build | null } | null => {
    if (t.k === 'str') {
      const parts = t.path.split('.')
      if (parts.length < 2) return null
      const column = parts.pop()!
      const table = parts.pop()!
      const schema = parts.length ? parts.join('.') : null
      const build = builds.find((x) => x.table.name === table && (schema == null || x.table.schema === schema)) ?? null
      return { schema: schema ?? null, table, column, build }
    }
    if (t.k === 'classattr') {
      const b = byClass.get(t.cls)
      if (!b) return null
      return { schema: b.table.schema, table: b.table.name, column: b.attrs.get(t.attr) ?? t.attr, build: b }
    }
    const b = byVariable.get(`${t.sym.mod.name}.${t.sym.name}`)
    return b ? { schema: b.table.schema, table: b.table.name, column: t.column, build: b } : null
  }
  for (const b of builds) {
    for (const f of b.fks) {
      const targets = f.targets.map(tableOfTarget)
      if (targets.some((x) => !x) || new Set(targets.map((x) => `${x!.schema}.${x!.table}`)).size !== 1) {
        skip(
          f.mod,
          f.at,
          `${b.table.name}(${f.columns.join(', ')}): the foreign key's target could not be resolved; left out`,
        )
        continue
      }
      const t0 = targets[0]!
      // A table named without its schema in a string is the one in the metadata's default schema.
      const refSchema = t0.build ? t0.build.table.schema : t0.schema
      const fk: ModelForeignKey = {
        id: newId('f'),
        name: f.name,
        columns: f.columns,
        refSchema: refSchema === b.table.schema ? (refSchema ?? null) : refSchema,
        refTable: t0.table,
        refColumns: targets.map((x) => x!.column),
        onDelete: f.onDelete,
        onUpdate: f.onUpdate,
      }
      if (!t0.build)
        approx(
          f.mod,
          f.at,
          `${b.table.name}(${f.columns.join(', ')}) references ${t0.table}, which is not in the files read`,
        )
      b.table.foreignKeys.push(fk)
      if (!fk.name) b.unnamed.fks.add(fk)
      // A column with no type of its own takes the type of the column it references.
      f.columns.forEach((cn, i) => {
        if (!b.typeFromFk.has(cn)) return
        const col = b.table.columns.find((c) => c.name === cn)
        const ref = targets[i]?.build?.table.columns.find((c) => c.name === targets[i]!.column)
        if (col && ref)
          Object.assign(col, { type: ref.type, nativeType: ref.nativeType, length: ref.length, scale: ref.scale })
      })
    }
  }

  // ---- primary keys, autoincrement, naming conventions --------------------------------------

  for (const b of builds) {
    let n = 0
    const pks = b.table.columns.filter((c) => c.primaryKey > 0)
    if (!pendingPk.some((p) => p.b === b)) for (const c of pks) c.primaryKey = ++n
    // SQLAlchemy's autoincrement="auto": a lone integer primary key without a foreign key.
    if (pks.length === 1) {
      const c = pks[0]
      const isFk = b.table.foreignKeys.some((f) => f.columns.includes(c.name))
      if (
        !b.autoExplicit.has(c.name) &&
        ['integer', 'bigint', 'smallint'].includes(c.type) &&
        !isFk &&
        c.serverDefault == null
      )
        c.autoincrement = true
    }
    if (!b.cls && !b.table.columns.some((c) => c.primaryKey)) {
      // A keyless Table(...) is fine for SQLAlchemy; a mapped class without a key is not.
    } else if (b.cls && !b.table.columns.some((c) => c.primaryKey))
      skip(b.mod, b.at, `${b.cls.name} has no primary key: SQLAlchemy would refuse to map it (the table is read)`)
    applyConvention(b)
  }
  function applyConvention(b: Build) {
    const conv = b.meta.convention
    const t = b.table
    const fmt = (tpl: string, cols: string[], extra: Record<string, string> = {}): string => {
      const tokens: Record<string, string> = { table_name: t.name, ...extra }
      cols.forEach((c, i) => {
        tokens[`column_${i}_name`] = c
        tokens[`column_${i}_key`] = c
        tokens[`column_${i}_label`] = `${t.name}_${c}`
      })
      tokens.column_0N_name = cols.join('')
      tokens.column_0_N_name = cols.join('_')
      tokens.column_0N_key = cols.join('')
      tokens.column_0_N_key = cols.join('_')
      tokens.column_0N_label = cols.map((c) => `${t.name}_${c}`).join('')
      tokens.column_0_N_label = cols.map((c) => `${t.name}_${c}`).join('_')
      return tpl.replace(/%\((\w+)\)s/g, (m, k: string) => tokens[k] ?? m).replaceAll('%%', '%')
    }
    for (const ix of b.unnamed.indexes as Set<{ name: string; columns: string[] }>)
      ix.name = fmt(conv.ix ?? DEFAULT_CONVENTION.ix, ix.columns)
    for (const u of b.unnamed.uniques as Set<{ name: string | null; columns: string[] }>)
      if (conv.uq) u.name = fmt(conv.uq, u.columns)
    // unique=True on a column: its constraint takes the convention's name too.
    if (conv.uq)
      for (const c of t.columns)
        if (c.unique) {
          c.unique = false
          t.uniques.push({ name: fmt(conv.uq, [c.name]), columns: [c.name] })
        }
    for (const f of b.unnamed.fks as Set<ModelForeignKey>)
      if (conv.fk)
        f.name = fmt(conv.fk, f.columns, {
          referred_table_name: f.refTable,
          referred_column_0_name: f.refColumns[0] ?? '',
        })
    if (conv.pk && !t.primaryKeyName && t.columns.some((c) => c.primaryKey))
      t.primaryKeyName = fmt(
        conv.pk,
        t.columns
          .filter((c) => c.primaryKey)
          .sort((x, y) => x.primaryKey - y.primaryKey)
          .map((c) => c.name),
      )
    // Named checks go through the convention when it uses %(constraint_name)s.
    if (conv.ck?.includes('%(constraint_name)s'))
      for (const ck of t.checks) if (ck.name) ck.name = fmt(conv.ck, [], { constraint_name: ck.name })
    if (conv.ck && !conv.ck.includes('%(constraint_name)s'))
      for (const ck of b.unnamed.checks as Set<{ name: string | null }>) ck.name = fmt(conv.ck, [])
  }

  // ---- relationships ------------------------------------------------------------------------

  function relOf(owner: ClassInfo, a: Attr, v: Extract<Py, { k: 'call' }>, ann: Ann | null): Rel {
    const mod = a.cls.mod
    let target: ClassInfo | null = null
    let targetText = '?'
    const fromPy = (p: Py | undefined | null): ClassInfo | null => {
      if (!p) return null
      if (p.k === 'lambda') return fromPy(p.body)
      if (p.k === 'str') {
        targetText = p.v
        const simple = lastPart(p.v)
        const hits = classes.filter((k) => k.name === simple && isMapped(k))
        const exact = hits.find((k) => k.qual.endsWith(p.v)) ?? hits[0]
        return exact ?? null
      }
      if (p.k === 'name') {
        targetText = p.v
        const s = project.resolve(mod, p.v)
        if (s.k === 'class') return s.cls
        const simple = lastPart(p.v)
        return classes.find((k) => k.name === simple && isMapped(k)) ?? null
      }
      return null
    }
    target = fromPy(v.args[0]) ?? fromPy(ann?.type)
    const list = ann?.mapped ? ann.collection : null
    counts.rels++
    return { owner, attr: a.name, target, targetText, list, kw: v.kw, at: a.at }
  }

  const tableOf = (c: ClassInfo) => byClass.get(c)?.table
  const lazyOf = (p: Py | undefined) => {
    const v = str(p)
    return (LOAD_STRATEGIES as readonly string[]).includes(v ?? '') ? (v as (typeof LOAD_STRATEGIES)[number]) : 'select'
  }
  const cascadeOf = (p: Py | undefined) =>
    (str(p) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  /** `foreign_keys=[Post.author_id]` / `"Post.author_id"` / `author_id`: the column names. */
  const foreignKeyColumns = (r: Rel): string[] | null => {
    const p = r.kw.foreign_keys
    if (!p) return null
    const mod = r.owner.mod
    const items =
      p.k === 'seq'
        ? p.items
        : p.k === 'str'
          ? (() => {
              const e = parseExpression(p.v, p.at)
              return e.k === 'seq' ? e.items : [e]
            })()
          : [p]
    return items.map((x) => {
      const name = x.k === 'name' ? x.v : x.k === 'str' ? x.v : ''
      const t = x.k === 'name' ? fkTarget(mod, x) : null
      if (t?.k === 'classattr') return byClass.get(t.cls)?.attrs.get(t.attr) ?? t.attr
      if (t?.k === 'tablevar') return t.column
      const last = lastPart(name)
      return byClass.get(r.owner)?.attrs.get(last) ?? last
    })
  }
  for (const r of rels) {
    const mod = r.owner.mod
    const ownT = tableOf(r.owner)
    const target = r.target ? tableOf(r.target) : undefined
    if (!ownT) continue
    if (!target) {
      skip(
        mod,
        r.at,
        `${r.owner.name}.${r.attr} points at ${r.targetText}, which is not a mapped class in the files read`,
      )
      continue
    }
    for (const k of [
      'order_by',
      'primaryjoin',
      'secondaryjoin',
      'remote_side',
      'viewonly',
      'overlaps',
      'join_depth',
      'collection_class',
      'post_update',
      'single_parent',
      'innerjoin',
      'sync_backref',
      'info',
      'doc',
      'raiseload',
      'argument',
      'backref',
    ])
      if (r.kw[k] && k !== 'remote_side' && k !== 'overlaps' && k !== 'backref')
        approx(mod, r.kw[k].at, `${r.owner.name}.${r.attr}: ${k}= is not kept by the model`)
    let backRef = str(r.kw.back_populates) ?? null
    if (r.kw.backref) {
      const br = r.kw.backref
      backRef = str(br) ?? (br.k === 'call' ? (str(br.args[0]) ?? null) : null)
      approx(mod, br.at, `${r.owner.name}.${r.attr}: backref=${backRef ?? '…'} is read as back_populates on both sides`)
    }
    const secondary = r.kw.secondary
    if (secondary) {
      const sp = secondary.k === 'lambda' ? secondary.body : secondary
      let assoc: ModelTable | undefined
      if (sp.k === 'str')
        assoc =
          doc.tables.find((t) => t.name === sp.v) ??
          builds.find((x) => x.table.name === sp.v || x.table.className === sp.v)?.table
      else if (sp.k === 'name') {
        const s = project.resolve(mod, sp.v)
        assoc =
          s.k === 'value'
            ? byVariable.get(`${s.mod.name}.${s.name}`)?.table
            : s.k === 'class'
              ? tableOf(s.cls)
              : undefined
      }
      if (!assoc || assoc.foreignKeys.length !== 2) {
        skip(
          mod,
          secondary.at,
          `${r.owner.name}.${r.attr}: secondary ${sp.k === 'str' ? sp.v : sp.k === 'name' ? sp.v : '…'} is not an association table with two foreign keys; the relationship is left out`,
        )
        continue
      }
      const i = assoc.foreignKeys.findIndex((f) => f.refTable === ownT.name)
      if (i < 0) continue
      const names: [string, string] = assoc.association?.names ?? [
        assoc.foreignKeys[0].refTable,
        assoc.foreignKeys[1].refTable,
      ]
      names[i] = r.attr
      if (!assoc.association && backRef) names[1 - i] = backRef
      assoc.association = { names, lazy: r.kw.lazy ? lazyOf(r.kw.lazy) : (assoc.association?.lazy ?? 'select') }
      continue
    }
    const fkCols = foreignKeyColumns(r)
    const matches = (f: ModelForeignKey) => !fkCols || fkCols.every((c) => f.columns.includes(c))
    const scalar = r.list === false || bool(r.kw.uselist) === false
    const viaOwn = ownT.foreignKeys.find(
      (f) => f.refTable === target.name && matches(f) && (!f.orm?.name || f.orm.name === r.attr),
    )
    const viaTarget = target.foreignKeys.find(
      (f) => f.refTable === ownT.name && matches(f) && (!f.orm?.backPopulates || f.orm.backPopulates === r.attr),
    )
    const selfRef = ownT === target
    const remoteSide = r.kw.remote_side != null
    const blank = {
      name: null,
      backPopulates: null,
      cascade: [] as string[],
      passiveDeletes: false,
      lazy: 'select' as const,
    }
    // Many-to-one (or one-to-one from the side with the key): the scalar on the referencing class.
    const manyToOne = viaOwn && (selfRef ? remoteSide : !viaTarget || (r.list !== true && scalar))
    if (manyToOne && viaOwn)
      viaOwn.orm = {
        ...(viaOwn.orm ?? { ...blank, backPopulates: backRef }),
        name: r.attr,
        ...(viaOwn.orm?.backPopulates ? {} : { backPopulates: backRef }),
      }
    else if (viaTarget)
      viaTarget.orm = {
        name: viaTarget.orm?.name ?? backRef,
        backPopulates: r.attr,
        cascade: cascadeOf(r.kw.cascade),
        passiveDeletes: bool(r.kw.passive_deletes) ?? false,
        lazy: lazyOf(r.kw.lazy),
      }
    else if (viaOwn) viaOwn.orm = { ...(viaOwn.orm ?? { ...blank, backPopulates: backRef }), name: r.attr }
    else
      skip(mod, r.at, `${r.owner.name}.${r.attr}: no foreign key between ${ownT.name} and ${target.name} to carry it`)
  }

  // ---- the document -------------------------------------------------------------------------

  doc.naming = derivedNames > 0 ? 'class' : 'snake_plural'
  for (const b of builds) {
    const t = b.table
    if (b.cls && !b.variable) t.nameLocked = t.name !== tableNameFor(t.className, doc.naming)
    else t.nameLocked = true
    if (t.association && t.foreignKeys.length === 2) for (const f of t.foreignKeys) delete f.orm
    doc.tables.push(t)
  }
  if (doc.tables.length === 0)
    throw new AppError(
      'BAD_REQUEST',
      `No mapped classes or Table(...) definitions were found in ${[...project.modules.values()].map((m) => m.file).join(', ')}.`,
    )

  const mods = [...project.modules.values()]
  const read = [
    `${doc.tables.length} table${doc.tables.length === 1 ? '' : 's'} from ${mods.length === 1 ? mods[0].file : `${mods.length} modules`}: ${mapped.length} mapped class${mapped.length === 1 ? '' : 'es'}, ${builds.filter((b) => b.variable).length} Table(...) object${builds.filter((b) => b.variable).length === 1 ? '' : 's'}`,
    ...(mods.length > 1 ? [`modules: ${mods.map((m) => m.name).join(', ')}`] : []),
    `${doc.tables.reduce((n, t) => n + t.columns.length, 0)} columns, ${doc.tables.reduce((n, t) => n + t.foreignKeys.length, 0)} foreign keys, ${doc.tables.reduce((n, t) => n + t.indexes.length, 0)} indexes, ${doc.tables.reduce((n, t) => n + t.uniques.length + t.columns.filter((c) => c.unique).length, 0)} unique constraints, ${doc.tables.reduce((n, t) => n + t.checks.length, 0)} checks`,
    ...(counts.rels ? [`${counts.rels} relationship${counts.rels === 1 ? '' : 's'}`] : []),
    ...(counts.aliases.size ? [`Annotated aliases: ${[...counts.aliases].join(', ')}`] : []),
    ...(counts.decorators
      ? [`${counts.decorators} column${counts.decorators === 1 ? '' : 's'} typed by a TypeDecorator's impl`]
      : []),
    ...(counts.enums ? [`${counts.enums} enum column${counts.enums === 1 ? '' : 's'}`] : []),
    ...(counts.conventions.size ? [`naming convention from ${[...counts.conventions].join(', ')}`] : []),
    ...(counts.single
      ? [`${counts.single} class${counts.single === 1 ? '' : 'es'} sharing a parent's table (single-table inheritance)`]
      : []),
    ...(counts.joined
      ? [
          `${counts.joined} class${counts.joined === 1 ? '' : 'es'} with a table of their own under a mapped parent (joined inheritance)`,
        ]
      : []),
  ]
  return { doc: autoLayout(doc), report: { read, approximated, skipped } }
}
