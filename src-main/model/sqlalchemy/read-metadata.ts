import type { Py, PyModule } from './python-ast'
import { lastPart, type ClassInfo } from './project'
import type { ClassGraph } from './read-classes'
import { DEFAULT_CONVENTION, str, type Meta, type ReadContext } from './read-context'

/** The MetaData each table belongs to: its default schema and its naming convention. */
export class MetadataReader {
  constructor(
    private readonly cx: ReadContext,
    private readonly classes: ClassGraph,
  ) {}

  readonly dictOf = (mod: PyModule, p: Py | undefined, depth = 0): { entries: [Py, Py][]; mod: PyModule } | null => {
    if (!p || depth > 5) return null
    if (p.k === 'dict') return { entries: p.entries, mod }
    if (p.k === 'name') {
      const s = this.cx.project.resolve(mod, p.v)
      if (s.k === 'value') return this.dictOf(s.mod, s.value, depth + 1)
    }
    if (this.cx.calls(mod, p, 'dict'))
      return { entries: Object.entries(p.kw).map(([k, v]) => [{ at: v.at, k: 'str', v: k }, v]), mod }
    return null
  }
  readonly metaFromCall = (mod: PyModule, p: Py | undefined, label: string, depth = 0): Meta | null => {
    if (!p || depth > 5) return null
    if (p.k === 'name') {
      const s = this.cx.project.resolve(mod, p.v)
      if (s.k === 'value') return this.metaFromCall(s.mod, s.value, label, depth + 1)
      if (s.k === 'member' && s.owner.k === 'class' && s.path.join('.') === 'metadata')
        return this.metaOfClass(s.owner.cls)
      if (s.k === 'member' && s.owner.k === 'value' && s.path.join('.') === 'metadata')
        return this.metaFromCall(s.owner.mod, s.owner.value, label, depth + 1)
      return null
    }
    if (this.cx.calls(mod, p, 'registry')) return this.metaFromCall(mod, p.kw.metadata, label, depth + 1)
    if (this.cx.calls(mod, p, 'declarative_base'))
      return this.metaFromCall(mod, p.kw.metadata, label, depth + 1) ?? { convention: DEFAULT_CONVENTION, schema: null }
    if (!this.cx.calls(mod, p, 'MetaData')) return null
    const d = this.dictOf(mod, p.kw.naming_convention)
    const convention: Record<string, string> = {}
    if (d) {
      this.cx.counts.conventions.add(label)
      for (const [k, v] of d.entries) {
        const key = str(k) ?? (k.k === 'name' ? lastPart(k.v) : null)
        const val = str(v)
        if (key && val) convention[key] = val
        else
          this.cx.approx(
            d.mod,
            k.at,
            `a naming convention entry the importer cannot read (${k.k === 'name' ? k.v : 'a computed key or value'}); constraints it names keep no name`,
          )
      }
    }
    return { convention: d ? convention : DEFAULT_CONVENTION, schema: str(p.kw.schema) ?? null }
  }
  private readonly metaMemo = new Map<ClassInfo, Meta>()
  metaOfClass(c: ClassInfo): Meta {
    let m = this.metaMemo.get(c)
    if (m) return m
    const root = this.classes.rootOf(c)
    m = { convention: DEFAULT_CONVENTION, schema: null }
    if (root.cls) {
      const md = this.classes.lookupAttr(root.cls, 'metadata')
      const reg = this.classes.lookupAttr(root.cls, 'registry')
      m =
        (md && this.metaFromCall(md.cls.mod, md.value ?? undefined, `${root.cls.name}.metadata`)) ??
        (reg && this.metaFromCall(reg.cls.mod, reg.value ?? undefined, `${root.cls.name}.registry`)) ??
        m
    } else if (root.legacy) m = this.metaFromCall(root.legacy.mod, root.legacy.value, root.legacy.name) ?? m
    this.metaMemo.set(c, m)
    return m
  }
}
