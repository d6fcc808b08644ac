import type { ModelForeignKey, ModelTable } from '../../../src-shared/model/document'
import { LOAD_STRATEGIES } from '../../../src-shared/orm'
import { parseExpression, type Py } from './python-ast'
import { lastPart, type ClassInfo } from './project'
import { bool, str, type Rel } from './read-context'
import type { ReaderParts } from './read-keys'

/**
 * Relationships onto the foreign keys they travel: many-to-one and one-to-one on the key's
 * side, one-to-many on the other, many-to-many on an association table's two keys.
 */
export class RelationshipReader {
  constructor(private readonly p: ReaderParts) {}

  readonly tableOf = (c: ClassInfo) => this.p.tables.byClass.get(c)?.table
  readonly lazyOf = (p: Py | undefined) => {
    const v = str(p)
    return (LOAD_STRATEGIES as readonly string[]).includes(v ?? '') ? (v as (typeof LOAD_STRATEGIES)[number]) : 'select'
  }
  readonly cascadeOf = (p: Py | undefined) =>
    (str(p) ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean)
  /** `foreign_keys=[Post.author_id]` / `"Post.author_id"` / `author_id`: the column names. */
  readonly foreignKeyColumns = (r: Rel): string[] | null => {
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
      const t = x.k === 'name' ? this.p.columns.fkTarget(mod, x) : null
      if (t?.k === 'classattr') return this.p.tables.byClass.get(t.cls)?.attrs.get(t.attr) ?? t.attr
      if (t?.k === 'tablevar') return t.column
      const last = lastPart(name)
      return this.p.tables.byClass.get(r.owner)?.attrs.get(last) ?? last
    })
  }

  apply(r: Rel) {
    const mod = r.owner.mod
    const ownT = this.tableOf(r.owner)
    const target = r.target ? this.tableOf(r.target) : undefined
    if (!ownT) return
    if (!target) {
      this.p.cx.skip(
        mod,
        r.at,
        `${r.owner.name}.${r.attr} points at ${r.targetText}, which is not a mapped class in the files read`,
      )
      return
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
        this.p.cx.approx(mod, r.kw[k].at, `${r.owner.name}.${r.attr}: ${k}= is not kept by the model`)
    let backRef = str(r.kw.back_populates) ?? null
    if (r.kw.backref) {
      const br = r.kw.backref
      backRef = str(br) ?? (br.k === 'call' ? (str(br.args[0]) ?? null) : null)
      this.p.cx.approx(
        mod,
        br.at,
        `${r.owner.name}.${r.attr}: backref=${backRef ?? '…'} is read as back_populates on both sides`,
      )
    }
    if (r.kw.secondary) return this.association(r, ownT, backRef)

    const fkCols = this.foreignKeyColumns(r)
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
        cascade: this.cascadeOf(r.kw.cascade),
        passiveDeletes: bool(r.kw.passive_deletes) ?? false,
        lazy: this.lazyOf(r.kw.lazy),
      }
    else if (viaOwn) viaOwn.orm = { ...(viaOwn.orm ?? { ...blank, backPopulates: backRef }), name: r.attr }
    else
      this.p.cx.skip(
        mod,
        r.at,
        `${r.owner.name}.${r.attr}: no foreign key between ${ownT.name} and ${target.name} to carry it`,
      )
  }

  /** A `secondary=` relationship: the association table's two keys carry it. */
  private association(r: Rel, ownT: ModelTable, backRef: string | null) {
    const secondary = r.kw.secondary!
    const mod = r.owner.mod
    const sp = secondary.k === 'lambda' ? secondary.body : secondary
    let assoc: ModelTable | undefined
    if (sp.k === 'str')
      // (Tables join the document only at the end: the ones being built are where to look.)
      assoc = this.p.tables.builds.find((x) => x.table.name === sp.v || x.table.className === sp.v)?.table
    else if (sp.k === 'name') {
      const s = this.p.cx.project.resolve(mod, sp.v)
      assoc =
        s.k === 'value'
          ? this.p.tables.byVariable.get(`${s.mod.name}.${s.name}`)?.table
          : s.k === 'class'
            ? this.tableOf(s.cls)
            : undefined
    }
    if (!assoc || assoc.foreignKeys.length !== 2) {
      this.p.cx.skip(
        mod,
        secondary.at,
        `${r.owner.name}.${r.attr}: secondary ${sp.k === 'str' ? sp.v : sp.k === 'name' ? sp.v : '…'} is not an association table with two foreign keys; the relationship is left out`,
      )
      return
    }
    const i = assoc.foreignKeys.findIndex((f) => f.refTable === ownT.name)
    if (i < 0) return
    const names: [string, string] = assoc.association?.names ?? [
      assoc.foreignKeys[0].refTable,
      assoc.foreignKeys[1].refTable,
    ]
    names[i] = r.attr
    if (!assoc.association && backRef) names[1 - i] = backRef
    assoc.association = { names, lazy: r.kw.lazy ? this.lazyOf(r.kw.lazy) : (assoc.association?.lazy ?? 'select') }
  }
}
