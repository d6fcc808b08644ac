import { parseExpression, type Py, type PyModule } from './python-ast'
import { lastPart, type ClassInfo } from './project'
import type { ClassGraph } from './read-classes'
import type { MetadataReader } from './read-metadata'
import { bool, num, str, type Ann, type ReadContext, type TypeResult } from './read-context'
import { CHAR_TYPES, MAPPED, NATIVE_TYPES, PY_TYPES, SA_TYPES } from './sa-types'

/**
 * Types as SQLAlchemy resolves them: `Mapped[...]` annotations (Optional, collections,
 * `Annotated` aliases), the base's `type_annotation_map`, SQLAlchemy's type objects,
 * TypeDecorators, enums and `Literal[...]`.
 */
export class TypeReader {
  constructor(
    private readonly cx: ReadContext,
    private readonly classes: ClassGraph,
    private readonly meta: MetadataReader,
  ) {}

  /** A key for an annotation type: an alias or class of the project by its qualified name, anything else by its last name. */
  readonly typeKey = (mod: PyModule, p: Py): string | null => {
    if (p.k !== 'name') return null
    const s = this.cx.project.resolve(mod, p.v)
    if (s.k === 'value') return `value:${s.mod.name}.${s.name}`
    if (s.k === 'class') return `class:${s.cls.qual}`
    if (s.k === 'external') return lastPart(s.path)
    return null
  }
  private readonly typeMapMemo = new Map<ClassInfo, Map<string, { p: Py; mod: PyModule }>>()
  readonly typeMapOf = (c: ClassInfo) => {
    const root = this.classes.rootOf(c).cls
    if (!root) return new Map<string, { p: Py; mod: PyModule }>()
    let m = this.typeMapMemo.get(root)
    if (!m) {
      m = new Map()
      const a = this.classes.lookupAttr(root, 'type_annotation_map')
      const d = a?.value ? this.meta.dictOf(a.cls.mod, a.value) : null
      for (const [k, v] of d?.entries ?? []) {
        const key = this.typeKey(d!.mod, k)
        if (key) m.set(key, { p: v, mod: d!.mod })
        else
          this.cx.approx(
            d!.mod,
            k.at,
            'a type_annotation_map key the importer cannot name; columns annotated with it get the default type',
          )
      }
      this.typeMapMemo.set(root, m)
    }
    return m
  }

  readonly annotation = (mod: PyModule, p: Py | null): Ann | null => {
    if (!p) return null
    const out: Ann = { mapped: false, optional: false, collection: false, type: null, typeMod: mod, alias: null }
    let cur: Py | null = p.k === 'str' ? parseExpression(p.v, p.at) : p
    const head = (q: Py) =>
      q.k === 'sub'
        ? (this.cx.outside(this.cx.symOf(mod, q.base)) ?? (q.base.k === 'name' ? lastPart(q.base.v) : null))
        : null
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
        const s = this.cx.project.resolve(mod, cur.v)
        if (s.k === 'value' && s.value.k === 'sub' && head(s.value) === 'Annotated') {
          this.cx.counts.aliases.add(s.name)
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
  readonly enumMembers = (c: ClassInfo, byValue: boolean): string[] =>
    c.stmt.body.flatMap((s) =>
      s.k === 'assign' && !s.target.startsWith('_') && s.value && s.value.k !== 'call'
        ? [byValue && s.value.k === 'str' ? s.value.v : s.target]
        : s.k === 'assign' && !s.target.startsWith('_') && this.cx.calls(c.mod, s.value, 'auto')
          ? [s.target]
          : [],
    )

  readonly enumType = (mod: PyModule, args: Py[], kw: Record<string, Py>, at: number): TypeResult => {
    const first = args[0]
    const s = first ? this.cx.symOf(mod, first) : null
    const byValue = kw.values_callable != null
    let values: string[]
    let enumName = str(kw.name) ?? null
    let from: string
    if (s?.k === 'class' && this.classes.isEnumClass(s.cls)) {
      values = this.enumMembers(s.cls, byValue)
      enumName = enumName ?? s.cls.name.toLowerCase()
      from = s.cls.name
      if (byValue)
        this.cx.approx(mod, at, `Enum(${s.cls.name}, values_callable=...) is read as the members' string values`)
    } else if (args.every((a) => a.k === 'str') && args.length) {
      values = args.map((a) => (a as { v: string }).v)
      from = `Enum(${values.map((v) => JSON.stringify(v)).join(', ')})`
    } else return { unresolved: `Enum(${first?.k === 'name' ? first.v : '…'}) (its members could not be read)` }
    this.cx.counts.enums++
    const length = num(kw.length) ?? Math.max(1, ...values.map((v) => v.length))
    return { type: 'varchar', length, enum: { values, name: enumName, native: bool(kw.native_enum) !== false, from } }
  }

  readonly spelled = (t: TypeResult): string =>
    'unresolved' in t
      ? 'text'
      : (t.native ??
        (t.length != null
          ? `${t.type === 'numeric' ? 'numeric' : 'varchar'}(${t.length}${t.scale != null ? `,${t.scale}` : ''})`
          : t.type))

  saType(mod: PyModule, p: Py, depth = 0): TypeResult {
    if (depth > 8) return { unresolved: 'a type defined in terms of itself' }
    // Integer().with_variant(BigInteger(), "postgresql"): the main type.
    if (p.k === 'call' && p.fn.k === 'attr') {
      if (p.fn.name === 'with_variant')
        this.cx.approx(mod, p.at, 'with_variant(...): the type for other engines is read; the variant is not kept')
      return this.saType(mod, p.fn.base, depth + 1)
    }
    const callee = p.k === 'call' ? p.fn : p
    const args = p.k === 'call' ? p.args : []
    const kw = p.k === 'call' ? p.kw : {}
    if (callee.k !== 'name') return { unresolved: 'a type expression' }
    const s = this.cx.project.resolve(mod, callee.v)
    if (s.k === 'class') {
      const c = s.cls
      if (this.classes.isTypeDecorator(c)) {
        const impl = this.classes.lookupAttr(c, 'impl')
        if (!impl?.value) return { unresolved: `${c.name} (a TypeDecorator without impl)` }
        this.cx.counts.decorators++
        // TypeDecorator passes its constructor's arguments to impl when impl is a class.
        const implPy: Py = impl.value.k === 'name' && p.k === 'call' ? { ...p, fn: impl.value } : impl.value
        return this.saType(impl.cls.mod, implPy, depth + 1)
      }
      if (this.classes.isEnumClass(c)) return this.enumType(mod, [callee], kw, p.at)
      // A UserDefinedType that spells itself: get_col_spec returns a literal, or what it was given.
      if (this.classes.outsidePaths(c).some((x) => lastPart(x) === 'UserDefinedType')) {
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
      return s.value.k === 'call' || s.value.k === 'name'
        ? this.saType(s.mod, s.value, depth + 1)
        : { unresolved: callee.v }
    const n = s.k === 'external' ? lastPart(s.path) : lastPart(callee.v)
    if (n === 'Enum' || n === 'ENUM') return this.enumType(mod, args, kw, p.at)
    if (n === 'ARRAY') {
      const item = args[0] ? this.saType(mod, args[0], depth + 1) : { unresolved: 'ARRAY()' }
      if ('unresolved' in item) return item
      return { type: 'unknown', native: `${this.spelled(item)}[]` }
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
  annotatedType(c: ClassInfo, a: Ann): TypeResult | 'relationship' | null {
    const map = this.typeMapOf(c)
    if (a.alias?.key) {
      const hit = map.get(a.alias.key)
      if (hit) return this.saType(hit.mod, hit.p)
    }
    const t = a.type
    if (!t) return null
    if (t.k === 'sub') {
      const h = this.cx.outside(this.cx.symOf(a.typeMod, t.base)) ?? (t.base.k === 'name' ? lastPart(t.base.v) : '')
      if (h === 'Literal' && t.items.every((x) => x.k === 'str')) {
        this.cx.counts.enums++
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
      const key = this.typeKey(a.typeMod, t.base)
      const hit = key ? map.get(key) : undefined
      if (hit) return this.saType(hit.mod, hit.p)
      return { unresolved: `${t.base.k === 'name' ? t.base.v : '?'}[...]` }
    }
    if (t.k !== 'name') return null
    const key = this.typeKey(a.typeMod, t)
    const hit = key ? map.get(key) : undefined
    if (hit) return this.saType(hit.mod, hit.p)
    const s = this.cx.project.resolve(a.typeMod, t.v)
    if (s.k === 'class') {
      if (this.classes.isEnumClass(s.cls)) return this.enumType(a.typeMod, [t], {}, t.at)
      if (this.classes.inDeclarative(s.cls)) return 'relationship'
      if (this.classes.isTypeDecorator(s.cls)) return this.saType(a.typeMod, t)
      return { unresolved: `${s.cls.name} (a class of the project SQLAlchemy has no type for)` }
    }
    const n = s.k === 'external' ? lastPart(s.path) : lastPart(t.v)
    const d = PY_TYPES[n]
    if (d) return 'type' in d ? { type: d.type } : { type: 'unknown', native: d.native }
    // A class mapped by name only (a string annotation of a class not found): a relationship's side.
    if (/^[A-Z]/.test(n) && this.cx.classes.some((k) => k.name === n && this.classes.isMapped(k))) return 'relationship'
    return { unresolved: t.v }
  }
}
