import { tableNameFor } from '../../../src-shared/naming'
import type { Py, PyModule } from './python-ast'
import { lastPart, type ClassInfo } from './project'
import { DEFAULT_CONVENTION, str, type Ann, type Attr, type ColumnRead, type Rel } from './read-context'
import type { ReaderParts } from './read-keys'

/**
 * The passes over the project's declarations: module-level `Table(...)` objects, each mapped
 * class's table (its own, a parent's under single-table inheritance, or a `__table__`), the
 * columns and relationships of each class with its mixins and base, keys written before their
 * columns, and module-level `Index(...)`.
 */
export class Declarations {
  readonly rels: Rel[] = []
  /** Tables named by `cls.__name__.lower()`: the document's naming rule is the class name. */
  derivedNames = 0
  /** Mapped classes, parents first. */
  readonly mapped: ClassInfo[]

  constructor(private readonly p: ReaderParts) {
    this.mapped = p.classes.ordered.filter(p.classes.isMapped)
  }

  read() {
    this.tableObjects()
    this.classTables()
    for (const c of this.mapped) this.columnsOf(c)
    this.pendingKeys()
    this.moduleIndexes()
  }

  /** Module-level Table(...) objects. */
  private tableObjects() {
    for (const mod of this.p.cx.project.modules.values()) {
      for (const s of mod.body) {
        if (s.k !== 'assign' || !this.p.cx.calls(mod, s.value, 'Table')) continue
        const v = s.value
        const tname = str(v.args[0])
        if (!tname) {
          this.p.cx.skip(mod, s.at, `Table ${s.target}: its name is not a string; not read`)
          continue
        }
        const meta = this.p.meta.metaFromCall(mod, v.args[1], `${s.target}'s metadata`) ?? {
          convention: DEFAULT_CONVENTION,
          schema: null,
        }
        const sym = this.p.cx.project.resolve(mod, s.target)
        const b = this.p.tables.newBuild({
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
        this.p.tables.tableItems(b, mod, v.args.slice(2))
        if (str(v.kw.comment)) b.table.comment = str(v.kw.comment)
        this.p.tables.byVariable.set(`${mod.name}.${s.target}`, b)
      }
    }
  }

  /** Each mapped class's table, parents first. */
  private classTables() {
    for (const c of this.mapped) {
      if (this.p.classes.tableOwner.has(c)) continue
      const meta = this.p.meta.metaOfClass(c)
      const tableAttr = this.p.classes.own(c, '__table__')
      if (tableAttr?.value) {
        const v = tableAttr.value
        if (this.p.cx.calls(c.mod, v, 'Table')) {
          const b = this.p.tables.newBuild({
            name: str(v.args[0]) ?? c.name,
            className: c.name,
            schema: str(v.kw.schema) ?? meta.schema,
            mod: c.mod,
            at: c.stmt.at,
            cls: c,
            variable: null,
            meta,
          })
          this.p.tables.tableItems(b, c.mod, v.args.slice(2))
          this.p.tables.byClass.set(c, b)
        } else if (v.k === 'name') {
          const s = this.p.cx.project.resolve(c.mod, v.v)
          const b = s.k === 'value' ? this.p.tables.byVariable.get(`${s.mod.name}.${s.name}`) : undefined
          if (b) {
            b.cls = c
            b.table.className = c.name
            this.p.tables.byClass.set(c, b)
          } else this.p.cx.skip(c.mod, tableAttr.at, `${c.name}.__table__ names a table the importer cannot find`)
        }
        continue
      }
      // The table's name: a string, or a declared_attr the importer can follow.
      const tn = this.p.classes.declaredTablename(c)!
      let tname: string
      if (tn.value?.k === 'str') tname = tn.value.v
      else {
        const body = tn.value
        const txt = body ? JSON.stringify(body) : ''
        if (body && /"cls\.__name__\.lower"/.test(txt)) {
          tname = c.name.toLowerCase()
          this.derivedNames++
        } else if (body && body.k === 'name' && body.v === 'cls.__name__') tname = c.name
        else {
          tname = tableNameFor(c.name, 'snake_plural')
          this.p.cx.approx(
            tn.cls.mod,
            tn.at,
            `${c.name}: __tablename__ is computed by code the importer does not run; named ${tname}`,
          )
        }
      }
      const b = this.p.tables.newBuild({
        name: tname,
        className: c.name,
        schema: meta.schema,
        mod: c.mod,
        at: c.stmt.at,
        cls: c,
        variable: null,
        meta,
      })
      this.p.tables.byClass.set(c, b)
    }
    for (const [c, parent] of this.p.classes.tableOwner) {
      const b = this.p.tables.byClass.get(parent)
      if (b) this.p.tables.byClass.set(c, b)
    }
  }

  /**
   * Columns and relationships of a mapped class: its own attributes, then its mixins' and its
   * base's (not a mapped parent's: those are the parent's table).
   */
  private columnsOf(c: ClassInfo) {
    const b = this.p.tables.byClass.get(c)
    if (!b) return
    if (this.p.classes.own(c, '__table__')) return
    const chain: ClassInfo[] = []
    for (const k of this.p.classes.mro(c)) {
      if (k !== c && this.p.classes.isMapped(k)) break
      chain.push(k)
    }
    const seen = new Set<string>()
    const reads: { r: ColumnRead; attr: string; mod: PyModule; at: number; inherited: boolean }[] = []
    for (const k of chain) {
      for (const a of this.p.classes.ownAttrs(k)) {
        if (seen.has(a.name)) continue
        seen.add(a.name)
        const r = this.readAttribute(c, k, a)
        if (r) reads.push({ ...r, inherited: k !== c })
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
    for (const x of ordered2) this.p.tables.addColumnTo(b, x.r, x.attr, x.mod, x.at)
    // The designer's Base: the table inherits exactly id, created_at and updated_at from the base.
    const inheritedNames = reads
      .filter((x) => x.inherited)
      .map((x) => x.r.col.name)
      .sort()
    if (JSON.stringify(inheritedNames) === JSON.stringify(['created_at', 'id', 'updated_at'])) b.table.base = true
    if (this.p.classes.tableOwner.has(c)) return
    const ta = this.p.classes.lookupAttr(c, '__table_args__')
    if (ta && !ta.computed && !(ta.cls !== c && this.p.classes.isMapped(ta.cls)))
      this.p.tables.tableArgs(b, ta.cls.mod, ta.value)
    else if (ta?.computed)
      this.p.cx.skip(
        ta.cls.mod,
        ta.at,
        `${c.name}.__table_args__ is computed by code the importer does not run; left out`,
      )
  }

  /** One attribute of class `k` in `c`'s chain: a column read, a relationship noted, or nothing. */
  private readAttribute(
    c: ClassInfo,
    k: ClassInfo,
    a: Attr,
  ): { r: ColumnRead; attr: string; mod: PyModule; at: number } | null {
    if (a.name.startsWith('__') || ['metadata', 'registry', 'type_annotation_map', 'impl', 'cache_ok'].includes(a.name))
      return null
    if (a.computed) {
      this.p.cx.skip(
        k.mod,
        a.at,
        `${c.name}.${a.name}: a declared_attr whose body is more than one return is not run; left out`,
      )
      return null
    }
    const mod = k.mod
    const v = a.value
    const ann = this.p.types.annotation(mod, a.annotation)
    if (v && this.p.cx.calls(mod, v, 'relationship', 'dynamic_loader')) {
      this.rels.push(this.relOf(c, a, v, ann))
      return null
    }
    if (
      v &&
      this.p.cx.calls(
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
      this.p.cx.skip(
        mod,
        a.at,
        `${c.name}.${a.name}: ${this.p.cx.outside(this.p.cx.symOf(mod, v.fn))}(...) is computed by the ORM, not a column`,
      )
      return null
    }
    let call: Extract<Py, { k: 'call' }> | null = null
    if (v && this.p.cx.calls(mod, v, 'mapped_column', 'Column')) call = v
    else if (
      v &&
      this.p.cx.calls(mod, v, 'deferred') &&
      v.args[0] &&
      this.p.cx.calls(mod, v.args[0], 'mapped_column', 'Column')
    )
      call = v.args[0]
    else if (v) return null // a class constant, a method reference, ...
    if (!call && !ann?.mapped) {
      if (
        a.annotation &&
        !(a.annotation.k === 'sub' && a.annotation.base.k === 'name' && /ClassVar$/.test(a.annotation.base.v))
      )
        this.p.cx.skip(mod, a.at, `${c.name}.${a.name}: an annotation without Mapped[] is not mapped`)
      return null
    }
    const r = this.p.columns.readColumn(c, mod, a.name, call, ann, a.at)
    if (!r) {
      if (!call)
        this.p.cx.skip(
          mod,
          a.at,
          `${c.name}.${a.name}: a relationship annotation without relationship(); SQLAlchemy would refuse it`,
        )
      return null
    }
    return { r, attr: a.name, mod, at: a.at }
  }

  /** PrimaryKeyConstraint(...)s again, now that every column is in. */
  private pendingKeys() {
    for (const { b, cols } of this.p.tables.pendingPk)
      cols.forEach((n, i) => {
        const c = b.table.columns.find((x) => x.name === n)
        if (c) {
          c.primaryKey = i + 1
          c.nullable = false
        }
      })
  }

  /** Module-level Index("name", User.email) and Index(..., users.c.x). */
  private moduleIndexes() {
    for (const mod of this.p.cx.project.modules.values()) {
      for (const s of mod.body) {
        const v = s.k === 'expr' ? s.value : s.k === 'assign' ? s.value : null
        if (!v || !this.p.cx.calls(mod, v, 'Index')) continue
        const targets = v.args.slice(1).map((x) => this.p.columns.fkTarget(mod, x))
        const owners = new Set(
          targets.map((t) =>
            t?.k === 'classattr'
              ? this.p.tables.byClass.get(t.cls)
              : t?.k === 'tablevar'
                ? this.p.tables.byVariable.get(`${t.sym.mod.name}.${t.sym.name}`)
                : undefined,
          ),
        )
        const [b] = [...owners]
        if (owners.size !== 1 || !b) {
          this.p.cx.skip(
            mod,
            s.at,
            `Index ${str(v.args[0]) ?? ''}: its columns (or expression) could not be tied to one table; left out`,
          )
          continue
        }
        this.p.tables.constraint(b, mod, v)
      }
    }
  }

  relOf(owner: ClassInfo, a: Attr, v: Extract<Py, { k: 'call' }>, ann: Ann | null): Rel {
    const mod = a.cls.mod
    let target: ClassInfo | null = null
    let targetText = '?'
    const fromPy = (p: Py | undefined | null): ClassInfo | null => {
      if (!p) return null
      if (p.k === 'lambda') return fromPy(p.body)
      if (p.k === 'str') {
        targetText = p.v
        const simple = lastPart(p.v)
        const hits = this.p.cx.classes.filter((k) => k.name === simple && this.p.classes.isMapped(k))
        const exact = hits.find((k) => k.qual.endsWith(p.v)) ?? hits[0]
        return exact ?? null
      }
      if (p.k === 'name') {
        targetText = p.v
        const s = this.p.cx.project.resolve(mod, p.v)
        if (s.k === 'class') return s.cls
        const simple = lastPart(p.v)
        return this.p.cx.classes.find((k) => k.name === simple && this.p.classes.isMapped(k)) ?? null
      }
      return null
    }
    target = fromPy(v.args[0]) ?? fromPy(ann?.type)
    const list = ann?.mapped ? ann.collection : null
    this.p.cx.counts.rels++
    return { owner, attr: a.name, target, targetText, list, kw: v.kw, at: a.at }
  }
}
