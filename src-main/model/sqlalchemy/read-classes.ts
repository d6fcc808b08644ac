import { lastPart, type ClassInfo, type Sym } from './project'
import { bool, type Attr, type ReadContext } from './read-context'
import { DECLARED_ATTR } from './sa-types'

/**
 * The project's classes as Python sees them: bases, method resolution order, attributes found
 * through it, and which classes SQLAlchemy maps (and which share a parent's table).
 */
export class ClassGraph {
  /** The classes, parents before children, so a child can tell whether its parent is mapped. */
  readonly ordered: ClassInfo[]

  constructor(private readonly cx: ReadContext) {
    this.ordered = [...cx.classes].sort((a, b) => this.mro(a).length - this.mro(b).length)
    this.findMapped()
  }

  private readonly basesMemo = new Map<ClassInfo, Sym[]>()
  readonly bases = (c: ClassInfo): Sym[] => {
    let b = this.basesMemo.get(c)
    if (!b) {
      b = c.stmt.bases.map(
        (p) => (p.k === 'sub' ? this.cx.symOf(c.mod, p.base) : this.cx.symOf(c.mod, p)) ?? { k: 'external', path: '?' },
      )
      this.basesMemo.set(c, b)
    }
    return b
  }
  private readonly mroMemo = new Map<ClassInfo, ClassInfo[]>()
  /** Python's C3 linearization over the project's classes (outside bases end the chain). */
  readonly mro = (c: ClassInfo, seen = new Set<ClassInfo>()): ClassInfo[] => {
    const memo = this.mroMemo.get(c)
    if (memo) return memo
    if (seen.has(c)) return [c]
    seen.add(c)
    const parents = this.bases(c).flatMap((s) => (s.k === 'class' ? [s.cls] : []))
    const seqs = [...parents.map((p) => [...this.mro(p, seen)]), [...parents]]
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
    this.mroMemo.set(c, out)
    return out
  }
  readonly outsidePaths = (c: ClassInfo) =>
    this.mro(c).flatMap((k) => this.bases(k).flatMap((s) => (s.k === 'external' ? [s.path] : [])))
  // Python's enum.Enum, not SQLAlchemy's Enum type.
  readonly isEnumClass = (c: ClassInfo) =>
    this.outsidePaths(c).some(
      (p) =>
        ['Enum', 'IntEnum', 'StrEnum', 'Flag', 'IntFlag'].includes(lastPart(p)) &&
        !p.startsWith('sqlalchemy') &&
        !p.startsWith('sa.'),
    )
  readonly isTypeDecorator = (c: ClassInfo) => this.outsidePaths(c).some((p) => lastPart(p) === 'TypeDecorator')

  readonly legacyRoot = (s: Sym) =>
    s.k === 'value' && this.cx.calls(s.mod, s.value, 'declarative_base', 'generate_base')
  readonly isRoot = (c: ClassInfo) =>
    this.bases(c).some((s) => ['DeclarativeBase', 'DeclarativeBaseNoMeta'].includes(this.cx.outside(s) ?? ''))
  private readonly declMemo = new Map<ClassInfo, boolean>()
  readonly inDeclarative = (c: ClassInfo): boolean => {
    const m = this.declMemo.get(c)
    if (m != null) return m
    this.declMemo.set(c, false)
    const r =
      this.isRoot(c) || this.bases(c).some((s) => this.legacyRoot(s) || (s.k === 'class' && this.inDeclarative(s.cls)))
    this.declMemo.set(c, r)
    return r
  }

  private readonly attrsMemo = new Map<ClassInfo, Attr[]>()
  readonly ownAttrs = (c: ClassInfo): Attr[] => {
    let out = this.attrsMemo.get(c)
    if (out) return out
    out = []
    for (const s of c.stmt.body) {
      if (s.k === 'assign')
        out.push({ name: s.target, annotation: s.annotation, value: s.value, at: s.at, cls: c, computed: false })
      else if (s.k === 'def' && s.decorators.some((d) => DECLARED_ATTR.test(d)))
        out.push({ name: s.name, annotation: s.returns, value: s.ret, at: s.at, cls: c, computed: s.ret == null })
    }
    this.attrsMemo.set(c, out)
    return out
  }
  readonly own = (c: ClassInfo, n: string) => this.ownAttrs(c).find((a) => a.name === n)
  /** An attribute as Python finds it: the first class in the MRO that defines it. */
  readonly lookupAttr = (c: ClassInfo, n: string): Attr | undefined => {
    for (const k of this.mro(c)) {
      const a = this.own(k, n)
      if (a) return a
    }
    return undefined
  }
  readonly abstract = (c: ClassInfo) => bool(this.own(c, '__abstract__')?.value ?? undefined) === true

  /** Mapped classes: in the declarative hierarchy, neither the base nor abstract, with a table. */
  readonly mappedSet = new Set<ClassInfo>()
  /** Single-table inheritance: class -> the class whose table it shares. */
  readonly tableOwner = new Map<ClassInfo, ClassInfo>()
  readonly isMapped = (c: ClassInfo) => this.mappedSet.has(c)
  readonly declaredTablename = (c: ClassInfo) => {
    const a = this.lookupAttr(c, '__tablename__')
    return a && (a.value == null || a.value.k !== 'str' || a.cls === c) ? a : undefined
  }
  readonly rootOf = (c: ClassInfo): { cls: ClassInfo | null; legacy: Extract<Sym, { k: 'value' }> | null } => {
    for (const k of this.mro(c)) {
      if (this.isRoot(k)) return { cls: k, legacy: null }
      for (const b of this.bases(k)) if (b.k === 'value' && this.legacyRoot(b)) return { cls: null, legacy: b }
    }
    return { cls: null, legacy: null }
  }

  private findMapped() {
    for (const c of this.ordered) {
      if (!this.inDeclarative(c) || this.isRoot(c) || this.abstract(c)) continue
      const parent = this.mro(c)
        .slice(1)
        .find((k) => this.mappedSet.has(k))
      const ownName = this.own(c, '__tablename__')
      const ownTable = this.own(c, '__table__')
      const hasOwnKey = this.ownAttrs(c).some(
        (a) => a.value && a.value.k === 'call' && bool(a.value.kw.primary_key) === true,
      )
      if (
        parent &&
        !ownName &&
        !ownTable &&
        !(this.declaredTablename(c) && hasOwnKey && this.declaredTablename(c)!.value?.k !== 'str')
      ) {
        this.mappedSet.add(c)
        this.tableOwner.set(c, this.tableOwner.get(parent) ?? parent)
        this.cx.counts.single++
        continue
      }
      if (ownName || ownTable || this.declaredTablename(c)) {
        this.mappedSet.add(c)
        if (parent) this.cx.counts.joined++
      } else if (!parent)
        this.cx.skip(
          c.mod,
          c.stmt.at,
          `${c.name} has no __tablename__ or __table__ (and is not __abstract__): SQLAlchemy would refuse it; not read`,
        )
    }
  }
}
