import type { ReferentialAction } from '../../../src-shared/schema'
import { REFERENTIAL_ACTIONS } from '../../../src-shared/schema'
import type { ModelColumn } from '../../../src-shared/model/document'
import { newColumn } from '../../../src-shared/model/edit'
import type { Py, PyModule } from './python-ast'
import { lastPart, type ClassInfo } from './project'
import {
  SQL_NOW,
  bool,
  num,
  quoteSql,
  sqlString,
  str,
  type Ann,
  type ColumnRead,
  type FkSpec,
  type FkTarget,
  type ReadContext,
  type TypeResult,
} from './read-context'
import type { TypeReader } from './read-types'

/** One column: `mapped_column(...)` or `Column(...)` with its annotation, keys, defaults and checks. */
export class ColumnReader {
  constructor(
    private readonly cx: ReadContext,
    private readonly types: TypeReader,
  ) {}

  readonly action = (p: Py | undefined): ReferentialAction => {
    const v = str(p)?.toUpperCase()
    return (REFERENTIAL_ACTIONS as readonly string[]).includes(v ?? '') ? (v as ReferentialAction) : 'NO ACTION'
  }
  /** A foreign key's target: "table.col", a class attribute, or a Table's `.c.col`. */
  readonly fkTarget = (mod: PyModule, p: Py | undefined): FkTarget | null => {
    if (!p) return null
    if (p.k === 'str') return { k: 'str', path: p.v }
    if (p.k === 'lambda') return this.fkTarget(mod, p.body)
    if (p.k === 'sub' && p.items[0]?.k === 'str') {
      const base = this.fkTarget(mod, p.base)
      if (base?.k === 'tablevar' && base.column === '') return { ...base, column: p.items[0].v }
      return null
    }
    if (p.k !== 'name') return null
    const s = this.cx.project.resolve(mod, p.v)
    if (s.k === 'member' && s.owner.k === 'class' && s.path.length === 1)
      return { k: 'classattr', cls: s.owner.cls, attr: s.path[0] }
    if (s.k === 'member' && s.owner.k === 'value' && s.path[0] === 'c')
      return { k: 'tablevar', sym: s.owner, column: s.path[1] ?? '' }
    if (s.k === 'member' && s.owner.k === 'value' && s.path[0] === 'columns')
      return { k: 'tablevar', sym: s.owner, column: s.path[1] ?? '' }
    return null
  }

  readonly sqlDefault = (mod: PyModule, p: Py, what: string): string | null => {
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
      if (last === 'literal' && p.args[0]) return this.sqlDefault(mod, p.args[0], what)
      if (/(^|\.)func\.\w+$/.test(fn) && p.args.length === 0) return `${last}()`
    }
    this.cx.skip(
      mod,
      p.at,
      `${what} the importer cannot read as SQL (${p.k === 'call' && p.fn.k === 'name' ? `${p.fn.v}(...)` : p.k === 'name' ? p.v : 'an expression'}): not kept`,
    )
    return null
  }

  /** One column from `mapped_column(...)`/`Column(...)` and its annotation; null when it is not a column. */
  readColumn(
    owner: ClassInfo | null,
    mod: PyModule,
    attr: string | null,
    call: Extract<Py, { k: 'call' }> | null,
    ann: Ann | null,
    at: number,
  ): ColumnRead | null {
    // The alias's mapped_column first, the column's own arguments over it.
    const aliasCall = ann?.alias?.extras.find((e) => this.cx.calls(ann.alias!.mod, e, 'mapped_column')) as
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
    const { colName, explicit, fks, checks } = this.positional(parts, attr ?? '')
    let typed: TypeResult | null = null
    if (explicit) typed = this.types.saType(explicit.mod, explicit.p)
    else if (ann && owner) {
      const r = this.types.annotatedType(owner, ann)
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
      this.cx.approx(mod, at, `${colName}: type ${tr.unresolved} could not be resolved; read as text`)
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
    this.defaults(c, colName, kw, kwMod)
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

  /** A column's positional arguments: its name, its type, ForeignKey(...) and CheckConstraint(...). */
  private positional(parts: { p: Extract<Py, { k: 'call' }>; mod: PyModule }[], attr: string) {
    let colName = attr
    let explicit: { p: Py; mod: PyModule } | null = null
    const fks: FkSpec[] = []
    const checks: ColumnRead['checks'] = []
    for (const { p, mod: m } of parts)
      for (const a of p.args) {
        if (a.k === 'str' && a === p.args[0]) {
          colName = a.v
          continue
        }
        if (this.cx.calls(m, a, 'ForeignKey')) {
          const target = this.fkTarget(m, a.args[0])
          if (!target) {
            this.cx.skip(
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
            onDelete: this.action(a.kw.ondelete),
            onUpdate: this.action(a.kw.onupdate),
            at: a.at,
            mod: m,
          })
          continue
        }
        if (this.cx.calls(m, a, 'CheckConstraint')) {
          const e = str(a.args[0])
          if (e) checks.push({ name: str(a.kw.name) ?? null, expression: e })
          continue
        }
        if (this.cx.calls(m, a, 'Sequence', 'Identity', 'Computed', 'FetchedValue')) {
          this.cx.approx(
            m,
            a.at,
            `${colName}: ${this.cx.outside(this.cx.symOf(m, a.fn))}(...) is not kept by the model (the column is read without it)`,
          )
          continue
        }
        explicit = explicit ?? { p: a, mod: m }
      }
    return { colName, explicit, fks, checks }
  }

  /** server_default=, default= and onupdate=: SQL the model keeps, or a note of what it cannot. */
  private defaults(c: ModelColumn, colName: string, kw: Record<string, Py>, kwMod: Map<string, PyModule>) {
    if (kw.server_default)
      c.serverDefault = this.sqlDefault(kwMod.get('server_default')!, kw.server_default, `${colName}: server_default`)
    if (kw.default) {
      const d = kw.default
      if (d.k === 'str' || d.k === 'num' || d.k === 'bool') c.appDefault = d.v
      else if (d.k === 'none') c.appDefault = null
      else
        this.cx.skip(
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
          this.cx.approx(
            kwMod.get('onupdate')!,
            o.at,
            `${colName}: onupdate=${fn || 'a lambda'} (the time, set by Python) is kept as CURRENT_TIMESTAMP set by the database on every update`,
          )
      } else {
        const v = this.sqlDefault(kwMod.get('onupdate')!, o, `${colName}: onupdate`)
        if (v) c.onUpdate = v
      }
    }
  }
}
