import { blankTable, type ModelColumn } from '../../../src-shared/model/document'
import type { Py, PyModule } from './python-ast'
import type { ClassInfo } from './project'
import type { ColumnReader } from './read-columns'
import { bool, str, type Build, type ColumnRead, type FkTarget, type Meta, type ReadContext } from './read-context'

/** The tables being built: their columns, constraints, indexes and `__table_args__`. */
export class TableBuilder {
  constructor(
    private readonly cx: ReadContext,
    private readonly columns: ColumnReader,
  ) {}

  readonly builds: Build[] = []
  readonly byClass = new Map<ClassInfo, Build>()
  /** Module-level Table(...) objects by `module.name`. */
  readonly byVariable = new Map<string, Build>()
  /** PrimaryKeyConstraint(...)s, applied again once all columns are in (a key may be written before its columns). */
  readonly pendingPk: { b: Build; cols: string[] }[] = []

  readonly newBuild = (o: {
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
    this.builds.push(b)
    return b
  }

  readonly addColumnTo = (b: Build, r: ColumnRead, attr: string | null, mod: PyModule, at: number) => {
    if (b.table.columns.some((c) => c.name === r.col.name)) {
      this.cx.skip(mod, at, `${b.table.name}.${r.col.name} is declared twice; the first is kept`)
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
      this.cx.approx(
        mod,
        at,
        `${b.table.name}.${r.col.name}: ${r.enumNote.from} is read as ${this.typeLabelOf(r.col)} with a CHECK of its ${r.enumNote.from.startsWith('Literal') || r.enumNote.from.startsWith('Enum(') ? 'values' : 'names'}${r.enumNote.native ? `; on PostgreSQL SQLAlchemy would create the type ${r.enumNote.name ?? 'of the enum'} instead` : ''}`,
      )
  }
  readonly typeLabelOf = (c: ModelColumn) => (c.length != null ? `${c.type}(${c.length})` : c.type)

  /** Table(...) arguments after the name and metadata: columns and constraints. */
  tableItems(b: Build, mod: PyModule, items: Py[]) {
    for (const a of items) {
      if (this.cx.calls(mod, a, 'Column', 'mapped_column')) {
        const r = this.columns.readColumn(null, mod, null, a, null, a.at)
        if (r) this.addColumnTo(b, r, r.col.name, mod, a.at)
      } else this.constraint(b, mod, a)
    }
  }

  /** Column names given to a constraint: strings, class attributes, `table.c.x`. */
  readonly constraintColumns = (b: Build, mod: PyModule, items: Py[]): (string | null)[] =>
    items.map((x) => {
      if (x.k === 'str') return b.attrs.get(x.v) ?? x.v
      if (x.k === 'name') {
        const t = this.columns.fkTarget(mod, x)
        if (t?.k === 'classattr') return this.byClass.get(t.cls)?.attrs.get(t.attr) ?? t.attr
        if (t?.k === 'tablevar') return t.column
        if (b.attrs.has(x.v)) return b.attrs.get(x.v)!
        if (!x.v.includes('.')) return x.v
      }
      return null
    })

  constraint(b: Build, mod: PyModule, a: Py) {
    if (a.k !== 'call') {
      if (a.k !== 'dict')
        this.cx.skip(mod, a.at, `${b.table.name}: a table argument the importer cannot read; left out`)
      return
    }
    const kind = this.cx.outside(this.cx.symOf(mod, a.fn)) ?? ''
    const cols = (xs: Py[]) => this.constraintColumns(b, mod, xs)
    if (kind === 'UniqueConstraint') {
      const cs = cols(a.args)
      if (cs.some((x) => x == null))
        return this.cx.skip(mod, a.at, `${b.table.name}: a UniqueConstraint on an expression is left out`)
      const u = { name: str(a.kw.name) ?? null, columns: cs as string[] }
      b.table.uniques.push(u)
      if (!u.name) b.unnamed.uniques.add(u)
    } else if (kind === 'CheckConstraint') {
      const e = str(a.args[0]) ?? (this.cx.calls(mod, a.args[0], 'text') ? str(a.args[0].args[0]) : undefined)
      if (!e)
        return this.cx.skip(
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
        return this.cx.skip(
          mod,
          a.at,
          `${b.table.name}: index ${ixName ?? ''} on an expression is left out (the model keeps indexes on columns)`,
        )
      const where = a.kw.sqlite_where ?? a.kw.postgresql_where
      const ix = {
        name: ixName ?? '',
        columns: cs as string[],
        unique: bool(a.kw.unique) ?? false,
        where: where && this.cx.calls(mod, where, 'text') ? (str(where.args[0]) ?? null) : null,
      }
      if (where && !ix.where)
        this.cx.approx(
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
      this.pendingPk.push({ b, cols: cs.filter((x): x is string => !!x) })
      if (str(a.kw.name)) b.table.primaryKeyName = str(a.kw.name)!
    } else if (kind === 'ForeignKeyConstraint') {
      const local = a.args[0]?.k === 'seq' ? cols(a.args[0].items) : []
      const remote = a.args[1]?.k === 'seq' ? a.args[1].items.map((x) => this.columns.fkTarget(mod, x)) : []
      if (local.some((x) => !x) || remote.some((x) => !x) || !local.length)
        return this.cx.skip(
          mod,
          a.at,
          `${b.table.name}: a ForeignKeyConstraint whose columns could not be resolved is left out`,
        )
      b.fks.push({
        columns: local as string[],
        targets: remote as FkTarget[],
        name: str(a.kw.name) ?? null,
        onDelete: this.columns.action(a.kw.ondelete),
        onUpdate: this.columns.action(a.kw.onupdate),
        at: a.at,
        mod,
      })
    } else this.cx.skip(mod, a.at, `${b.table.name}: ${kind || 'a call'}(...) in the table arguments is not read`)
  }

  tableArgs(b: Build, mod: PyModule, p: Py | null) {
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
            this.cx.skip(mod, k.at, `${b.table.name}: table option ${key} is not kept`)
        }
      } else this.constraint(b, mod, x)
    }
  }
}
