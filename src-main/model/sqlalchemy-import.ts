import { parser } from '@lezer/python'
import type { SyntaxNode } from '@lezer/common'
import type { NeutralType, ReferentialAction } from '../../src-shared/schema'
import { REFERENTIAL_ACTIONS } from '../../src-shared/schema'
import { LOAD_STRATEGIES } from '../../src-shared/orm'
import { blankTable, emptyModel, newId, type ModelColumn, type ModelDocument, type ModelForeignKey, type ModelTable } from '../../src-shared/model/document'
import { newColumn } from '../../src-shared/model/edit'
import { autoLayout } from '../../src-shared/model/layout'
import { tableNameFor } from '../../src-shared/naming'
import { AppError } from '../../src-shared/errors'

/**
 * SQLAlchemy 2.0 declarative models read back into a model: the `.py` file is parsed by a real
 * Python parser (@lezer/python), then each class, `mapped_column`, `relationship` and
 * association `Table(...)` is interpreted. Code is never run.
 */

/** A Python expression, as much of it as model code uses. */
type Py =
  | { k: 'name'; v: string }
  | { k: 'str'; v: string }
  | { k: 'num'; v: number }
  | { k: 'bool'; v: boolean }
  | { k: 'none' }
  | { k: 'call'; fn: string; args: Py[]; kw: Record<string, Py> }
  | { k: 'sub'; base: string; items: Py[] }
  | { k: 'or'; items: Py[] }
  | { k: 'seq'; items: Py[] }
  | { k: 'dict'; entries: [Py, Py][] }
  | { k: 'other'; text: string }


function pyString(raw: string): string {
  const m = /^([rRbBuUfF]*)("""|'''|"|')([\s\S]*)\2$/.exec(raw)
  if (!m) return raw
  const body = m[3]
  if (/r/i.test(m[1])) return body
  return body.replace(/\\(n|t|\\|'|"|r|0)/g, (_, c: string) => ({ n: '\n', t: '\t', r: '\r', '0': '\0' })[c] ?? c)
}

function children(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = []
  for (let c = n.firstChild; c; c = c.nextSibling) out.push(c)
  return out
}

const PUNCT = new Set(['(', ')', '[', ']', '{', '}', ',', ':', '.', 'AssignOp', 'Comment'])

export function importSqlalchemy(code: string, name = 'Imported model'): { doc: ModelDocument; warnings: string[] } {
  const text = (n: SyntaxNode) => code.slice(n.from, n.to)
  const tree = parser.parse(code)
  const warnings: string[] = []
  let syntaxError: SyntaxNode | null = null
  tree.iterate({
    enter: (n) => {
      if (n.type.isError && !syntaxError) syntaxError = n.node
    },
  })
  if (syntaxError) {
    const at = (syntaxError as SyntaxNode).from
    const line = code.slice(0, at).split('\n').length
    throw new AppError('BAD_REQUEST', `Python syntax error on line ${line}: ${code.split('\n')[line - 1]?.trim() ?? ''}`)
  }

  function expr(n: SyntaxNode): Py {
    switch (n.name) {
      case 'VariableName':
        return { k: 'name', v: text(n) }
      case 'String':
        return { k: 'str', v: pyString(text(n)) }
      case 'Number':
        return { k: 'num', v: Number(text(n).replaceAll('_', '')) }
      case 'Boolean':
        return { k: 'bool', v: text(n) === 'True' }
      case 'None':
        return { k: 'none' }
      case 'ParenthesizedExpression': {
        const inner = children(n).filter((c) => !PUNCT.has(c.name))
        return inner.length === 1 ? expr(inner[0]) : { k: 'seq', items: inner.map(expr) }
      }
      case 'TupleExpression':
      case 'ArrayExpression':
        return { k: 'seq', items: children(n).filter((c) => !PUNCT.has(c.name)).map(expr) }
      case 'DictionaryExpression': {
        const items = children(n).filter((c) => !PUNCT.has(c.name))
        const entries: [Py, Py][] = []
        for (let i = 0; i + 1 < items.length; i += 2) entries.push([expr(items[i]), expr(items[i + 1])])
        return { k: 'dict', entries }
      }
      case 'MemberExpression': {
        const cs = children(n)
        if (cs.some((c) => c.name === '[')) {
          const items = cs.slice(1).filter((c) => !PUNCT.has(c.name))
          return { k: 'sub', base: text(cs[0]), items: items.map(expr) }
        }
        return { k: 'name', v: text(n) }
      }
      case 'BinaryExpression': {
        const cs = children(n)
        if (cs.some((c) => text(c) === '|')) {
          const parts = cs.filter((c) => text(c) !== '|').map(expr)
          return { k: 'or', items: parts.flatMap((p) => (p.k === 'or' ? p.items : [p])) }
        }
        return { k: 'other', text: text(n) }
      }
      case 'CallExpression': {
        const [fn, argList] = children(n)
        const args: Py[] = []
        const kw: Record<string, Py> = {}
        const cs = argList ? children(argList).filter((c) => !['(', ')', ','].includes(c.name)) : []
        for (let i = 0; i < cs.length; i++) {
          if (cs[i].name === 'VariableName' && cs[i + 1]?.name === 'AssignOp') {
            kw[text(cs[i])] = expr(cs[i + 2])
            i += 2
          } else args.push(expr(cs[i]))
        }
        return { k: 'call', fn: text(fn), args, kw }
      }
      default:
        return { k: 'other', text: text(n) }
    }
  }

  const asStr = (p: Py | undefined) => (p && p.k === 'str' ? p.v : undefined)
  const asBool = (p: Py | undefined) => (p && p.k === 'bool' ? p.v : undefined)
  const fnName = (f: string) => f.split('.').pop()!

  /** `Mapped[int | None]` -> the Python type and whether None is allowed; `Mapped[list["Post"]]` -> a collection. */
  function mappedType(p: Py | undefined): { py: string; optional: boolean; list: boolean } | null {
    if (!p || p.k !== 'sub' || fnName(p.base) !== 'Mapped') return null
    let inner = p.items[0]
    let optional = false
    if (inner?.k === 'or' && inner.items.some((x) => x.k === 'none')) {
      optional = true
      inner = inner.items.find((x) => x.k !== 'none')!
    }
    if (inner?.k === 'sub' && fnName(inner.base) === 'Optional') {
      optional = true
      inner = inner.items[0]
    }
    if (inner?.k === 'sub' && ['list', 'List', 'set', 'Set'].includes(fnName(inner.base))) {
      const t = inner.items[0]
      return { py: t?.k === 'str' ? t.v : t?.k === 'name' ? t.v : '?', optional, list: true }
    }
    const py = inner?.k === 'name' ? inner.v : inner?.k === 'str' ? inner.v : '?'
    // `Mapped["X | None"]`, a string annotation
    const m = /^(.*?)\s*\|\s*None$/.exec(py)
    return m ? { py: m[1], optional: true, list: false } : { py, optional, list: false }
  }

  const PY_TYPES: Record<string, NeutralType> = { int: 'integer', str: 'varchar', float: 'double', bool: 'boolean', Decimal: 'numeric', datetime: 'timestamp', date: 'date', time: 'time', dict: 'json', bytes: 'blob', UUID: 'uuid', 'uuid.UUID': 'uuid' }

  /** A SQLAlchemy type object as a neutral type with length and scale. */
  function saType(p: Py): Pick<ModelColumn, 'type' | 'length' | 'scale'> | null {
    const name = p.k === 'name' ? fnName(p.v) : p.k === 'call' ? fnName(p.fn) : null
    if (!name) return null
    const args = p.k === 'call' ? p.args : []
    const kw = p.k === 'call' ? p.kw : {}
    const num = (x: Py | undefined) => (x?.k === 'num' ? x.v : undefined)
    const map: Record<string, NeutralType> = {
      Integer: 'integer', INTEGER: 'integer', BigInteger: 'bigint', BIGINT: 'bigint', SmallInteger: 'smallint', SMALLINT: 'smallint',
      REAL: 'real', Float: 'double', Double: 'double', DOUBLE_PRECISION: 'double', Numeric: 'numeric', NUMERIC: 'numeric', DECIMAL: 'numeric',
      Boolean: 'boolean', BOOLEAN: 'boolean', Text: 'text', TEXT: 'text', String: 'varchar', VARCHAR: 'varchar', Unicode: 'varchar', UnicodeText: 'text',
      Date: 'date', DATE: 'date', Time: 'time', TIME: 'time', DateTime: 'timestamp', DATETIME: 'timestamp', TIMESTAMP: 'timestamp',
      JSON: 'json', JSONB: 'json', Uuid: 'uuid', UUID: 'uuid', LargeBinary: 'blob', BLOB: 'blob', LargeBinaryType: 'blob',
    }
    let type = map[name]
    if (!type) return null
    if (type === 'timestamp' && asBool(kw.timezone)) type = 'timestamptz'
    const out: Pick<ModelColumn, 'type' | 'length' | 'scale'> = { type }
    const length = num(args[0]) ?? num(kw.length) ?? num(kw.precision)
    if ((type === 'varchar' || type === 'numeric') && length != null) out.length = length
    const scale = num(args[1]) ?? num(kw.scale)
    if (type === 'numeric' && scale != null) out.scale = scale
    return out
  }

  const SQL_NOW = 'CURRENT_TIMESTAMP'
  function sqlDefault(p: Py): string | null {
    if (p.k === 'call' && ['func.now', 'func.current_timestamp'].includes(p.fn)) return SQL_NOW
    if (p.k === 'call' && fnName(p.fn) === 'text' && p.args[0]?.k === 'str') return p.args[0].v
    if (p.k === 'str') return `'${p.v.replaceAll("'", "''")}'`
    if (p.k === 'num') return String(p.v)
    if (p.k === 'bool') return p.v ? 'TRUE' : 'FALSE'
    warnings.push(`A server_default the importer cannot read was left out: ${p.k === 'other' ? p.text : JSON.stringify(p)}`)
    return null
  }
  function literal(p: Py): unknown {
    if (p.k === 'str' || p.k === 'num' || p.k === 'bool') return p.v
    if (p.k === 'none') return null
    warnings.push(`A default the importer cannot evaluate was left out (${p.k === 'call' ? p.fn : p.k})`)
    return undefined
  }
  const action = (p: Py | undefined): ReferentialAction => {
    const v = asStr(p)?.toUpperCase()
    return (REFERENTIAL_ACTIONS as readonly string[]).includes(v ?? '') ? (v as ReferentialAction) : 'NO ACTION'
  }
  /** `ForeignKey("users.id", ondelete="CASCADE")` -> the target. */
  function foreignKey(p: Py): { schema: string | null; table: string; column: string; onDelete: ReferentialAction; onUpdate: ReferentialAction; name: string | null } | null {
    if (p.k !== 'call' || fnName(p.fn) !== 'ForeignKey') return null
    const target = asStr(p.args[0])
    if (!target) return null
    const parts = target.split('.')
    const column = parts.pop()!
    const table = parts.pop()!
    return { schema: parts.length ? parts.join('.') : null, table, column, onDelete: action(p.kw.ondelete), onUpdate: action(p.kw.onupdate), name: asStr(p.kw.name) ?? null }
  }

  /** One column from `Column(...)` or `mapped_column(...)` (with its annotation, if any). */
  function column(attr: string | null, call: Py | null, annotation: ReturnType<typeof mappedType>, fks: { column: string; fk: NonNullable<ReturnType<typeof foreignKey>> }[]): ModelColumn {
    const args = call?.k === 'call' ? call.args : []
    const kw = call?.k === 'call' ? call.kw : {}
    let colName = attr ?? ''
    let typed: Pick<ModelColumn, 'type' | 'length' | 'scale'> | null = null
    for (const a of args) {
      if (a.k === 'str' && !typed && a === args[0]) colName = a.v
      const fk = foreignKey(a)
      if (fk) {
        fks.push({ column: colName, fk })
        continue
      }
      typed = typed ?? saType(a)
    }
    if (!typed && annotation) {
      const t = PY_TYPES[annotation.py]
      if (t) typed = { type: t }
    }
    if (!typed && fks.some((f) => f.column === colName)) typed = { type: 'integer' }
    const pk = asBool(kw.primary_key) ?? false
    const c = newColumn(colName, typed?.type ?? 'unknown', { nativeType: typed ? '' : (annotation?.py ?? '') })
    if (typed?.length != null) c.length = typed.length
    if (typed?.scale != null) c.scale = typed.scale
    c.primaryKey = pk ? 1 : 0
    // Mapped[X] is NOT NULL, Mapped[X | None] nullable, an explicit nullable= wins; a bare Column is nullable.
    c.nullable = asBool(kw.nullable) ?? (pk ? false : annotation ? annotation.optional : true)
    c.unique = asBool(kw.unique) ?? false
    c.autoincrement = asBool(kw.autoincrement) ?? false
    if (kw.server_default) c.serverDefault = sqlDefault(kw.server_default)
    if (kw.default) {
      const v = literal(kw.default)
      if (v !== undefined) c.appDefault = v
    }
    if (kw.onupdate) c.onUpdate = sqlDefault(kw.onupdate) ?? undefined
    if (asStr(kw.comment)) c.comment = asStr(kw.comment)
    return c
  }

  interface Rel {
    owner: string
    attr: string
    target: string
    list: boolean
    kw: Record<string, Py>
  }
  interface Cls {
    name: string
    bases: string[]
    tablename: string | null
    abstract: boolean
    derivesTablename: boolean
    columns: ModelColumn[]
    fks: { column: string; fk: NonNullable<ReturnType<typeof foreignKey>> }[]
    rels: Rel[]
    tableArgs: Py[]
  }
  const classes: Cls[] = []
  const tables: { variable: string; name: string; schema: string | null; columns: ModelColumn[]; fks: Cls['fks'] }[] = []

  for (const stmt of children(tree.topNode)) {
    if (stmt.name === 'ClassDefinition') {
      const cs = children(stmt)
      const nameNode = cs.find((c) => c.name === 'VariableName')!
      const argList = cs.find((c) => c.name === 'ArgList')
      const body = cs.find((c) => c.name === 'Body')
      const cls: Cls = { name: text(nameNode), bases: argList ? children(argList).filter((c) => !PUNCT.has(c.name)).map((c) => fnName(text(c))) : [], tablename: null, abstract: false, derivesTablename: false, columns: [], fks: [], rels: [], tableArgs: [] }
      for (const s of body ? children(body) : []) {
        if (s.name === 'DecoratedStatement' && text(s).includes('__tablename__') && /__name__\.lower\(\)/.test(text(s))) cls.derivesTablename = true
        if (s.name !== 'AssignStatement') continue
        const parts = children(s)
        const target = text(parts[0])
        const typeDef = parts.find((p) => p.name === 'TypeDef')
        const annotation = typeDef ? mappedType(expr(children(typeDef).find((c) => c.name !== ':')!)) : null
        const opIdx = parts.findIndex((p) => p.name === 'AssignOp')
        const value = opIdx >= 0 ? expr(parts[opIdx + 1]) : null
        if (target === '__tablename__') cls.tablename = asStr(value ?? undefined) ?? null
        else if (target === '__abstract__') cls.abstract = asBool(value ?? undefined) ?? false
        else if (target === '__table_args__') cls.tableArgs = value?.k === 'seq' ? value.items : value ? [value] : []
        else if (value?.k === 'call' && fnName(value.fn) === 'relationship') {
          const t = value.args[0]
          cls.rels.push({ owner: cls.name, attr: target, target: annotation?.py !== '?' && annotation ? annotation.py : asStr(t) ?? (t?.k === 'name' ? t.v : '?'), list: annotation?.list ?? true, kw: value.kw })
        } else if (annotation && (value == null || (value.k === 'call' && ['mapped_column', 'Column'].includes(fnName(value.fn))))) cls.columns.push(column(target, value, annotation, cls.fks))
      }
      classes.push(cls)
    } else if (stmt.name === 'AssignStatement') {
      const parts = children(stmt)
      const opIdx = parts.findIndex((p) => p.name === 'AssignOp')
      const value = opIdx >= 0 ? expr(parts[opIdx + 1]) : null
      if (value?.k === 'call' && fnName(value.fn) === 'Table') {
        const fks: Cls['fks'] = []
        const columns = value.args.filter((a) => a.k === 'call' && fnName(a.fn) === 'Column').map((a) => column(null, a, null, fks))
        tables.push({ variable: text(parts[0]), name: asStr(value.args[0]) ?? text(parts[0]), schema: asStr(value.kw.schema) ?? null, columns, fks })
      }
    }
  }

  // The declarative base: a class on DeclarativeBase; with columns and __abstract__ it is the notes' Base mixin.
  const byName = new Map(classes.map((c) => [c.name, c]))
  const isBaseClass = (c: Cls): boolean => c.bases.includes('DeclarativeBase') || c.abstract
  const mixinOf = (c: Cls): Cls | null => {
    for (const b of c.bases) {
      const p = byName.get(b)
      if (p && p.abstract && p.columns.length) return p
      if (p) {
        const up = mixinOf(p)
        if (up) return up
      }
    }
    return null
  }
  const derives = classes.some((c) => c.derivesTablename)
  const doc = emptyModel(name)
  doc.naming = derives ? 'class' : 'snake_plural'

  const mapped = classes.filter((c) => !isBaseClass(c) && !c.abstract)
  const modelTables = new Map<string, ModelTable>()
  for (const c of mapped) {
    const mixin = mixinOf(c)
    const tname = c.tablename ?? (derives ? c.name.toLowerCase() : null)
    if (!tname) {
      warnings.push(`${c.name} has no __tablename__ and is not a mapped class; skipped.`)
      continue
    }
    const columns = [...(mixin ? mixin.columns.filter((x) => x.name === 'id').map((x) => ({ ...x, id: newId('c') })) : []), ...c.columns, ...(mixin ? mixin.columns.filter((x) => x.name !== 'id').map((x) => ({ ...x, id: newId('c') })) : [])]
    let pk = 0
    for (const col of columns) if (col.primaryKey) col.primaryKey = ++pk
    const t = blankTable({ name: tname, className: c.name, nameLocked: tname !== tableNameFor(c.name, doc.naming), columns, base: mixin != null })
    for (const { column: col, fk } of c.fks) t.foreignKeys.push(fkOf([col], fk))
    for (const a of c.tableArgs) {
      if (a.k === 'dict') {
        for (const [k, v] of a.entries) if (asStr(k) === 'schema') t.schema = asStr(v) ?? null
        continue
      }
      if (a.k !== 'call') continue
      const kind = fnName(a.fn)
      const strs = a.args.map(asStr).filter((x): x is string => x != null)
      if (kind === 'UniqueConstraint') t.uniques.push({ name: asStr(a.kw.name) ?? null, columns: strs })
      else if (kind === 'CheckConstraint') t.checks.push({ name: asStr(a.kw.name) ?? null, expression: strs[0] ?? '' })
      else if (kind === 'Index') {
        const where = a.kw.sqlite_where ?? a.kw.postgresql_where
        t.indexes.push({ name: strs[0], columns: strs.slice(1), unique: asBool(a.kw.unique) ?? false, where: where?.k === 'call' && where.args[0]?.k === 'str' ? where.args[0].v : null })
      } else if (kind === 'ForeignKeyConstraint') {
        const cols = a.args[0]?.k === 'seq' ? a.args[0].items.map(asStr).filter((x): x is string => x != null) : []
        const refs = a.args[1]?.k === 'seq' ? a.args[1].items.map(asStr).filter((x): x is string => x != null) : []
        const refTable = refs[0]?.split('.').slice(0, -1).join('.') ?? ''
        const [schema, table] = refTable.includes('.') ? [refTable.split('.')[0], refTable.split('.').slice(1).join('.')] : [null, refTable]
        t.foreignKeys.push({ id: newId('f'), name: asStr(a.kw.name) ?? null, columns: cols, refSchema: schema, refTable: table, refColumns: refs.map((r) => r.split('.').pop()!), onDelete: action(a.kw.ondelete), onUpdate: action(a.kw.onupdate) })
      }
    }
    modelTables.set(c.name, t)
    doc.tables.push(t)
  }
  for (const tb of tables) {
    let pk = 0
    for (const col of tb.columns) if (col.primaryKey) col.primaryKey = ++pk
    const t = blankTable({ schema: tb.schema, name: tb.name, className: tb.variable, nameLocked: true, columns: tb.columns, foreignKeys: tb.fks.map(({ column: col, fk }) => fkOf([col], fk)) })
    modelTables.set(tb.variable, t)
    doc.tables.push(t)
  }

  function fkOf(columns: string[], fk: NonNullable<ReturnType<typeof foreignKey>>): ModelForeignKey {
    return { id: newId('f'), name: fk.name, columns, refSchema: fk.schema, refTable: fk.table, refColumns: [fk.column], onDelete: fk.onDelete, onUpdate: fk.onUpdate }
  }

  // Relationships onto the foreign keys (and association tables) they travel.
  const lazyOf = (p: Py | undefined) => {
    const v = asStr(p)
    return (LOAD_STRATEGIES as readonly string[]).includes(v ?? '') ? (v as (typeof LOAD_STRATEGIES)[number]) : 'select'
  }
  const cascadeOf = (p: Py | undefined) => (asStr(p) ?? '').split(',').map((s) => s.trim()).filter(Boolean)
  for (const c of mapped) {
    const own = modelTables.get(c.name)
    if (!own) continue
    for (const r of c.rels) {
      const target = modelTables.get(r.target)
      if (!target) {
        warnings.push(`${c.name}.${r.attr} points at ${r.target}, which is not in the file.`)
        continue
      }
      const secondary = r.kw.secondary
      if (secondary) {
        const assocKey = secondary.k === 'name' ? secondary.v : asStr(secondary)
        const assoc = [...modelTables.values()].find((t) => t.className === assocKey || t.name === assocKey)
        if (!assoc || assoc.foreignKeys.length !== 2) {
          warnings.push(`${c.name}.${r.attr}: secondary ${assocKey} is not an association table with two foreign keys.`)
          continue
        }
        const i = assoc.foreignKeys.findIndex((f) => f.refTable === own.name)
        if (i < 0) continue
        const names: [string, string] = assoc.association?.names ?? [`${assoc.foreignKeys[0].refTable}`, `${assoc.foreignKeys[1].refTable}`]
        names[i] = r.attr
        if (!assoc.association && asStr(r.kw.back_populates)) names[1 - i] = asStr(r.kw.back_populates)!
        assoc.association = { names, lazy: r.kw.lazy ? lazyOf(r.kw.lazy) : (assoc.association?.lazy ?? 'select') }
        continue
      }
      const scalar = !r.list || asBool(r.kw.uselist) === false
      const viaOwn = own.foreignKeys.find((f) => f.refTable === target.name && (!f.orm?.name || f.orm.name === r.attr))
      const viaTarget = target.foreignKeys.find((f) => f.refTable === own.name && (!f.orm?.backPopulates || f.orm.backPopulates === r.attr))
      if (scalar && viaOwn && asBool(r.kw.uselist) !== false) {
        viaOwn.orm = { ...(viaOwn.orm ?? { backPopulates: asStr(r.kw.back_populates) ?? null, cascade: [], passiveDeletes: false, lazy: 'select' }), name: r.attr }
      } else if (viaTarget) {
        viaTarget.orm = {
          name: viaTarget.orm?.name ?? asStr(r.kw.back_populates) ?? null,
          backPopulates: r.attr,
          cascade: cascadeOf(r.kw.cascade),
          passiveDeletes: asBool(r.kw.passive_deletes) ?? false,
          lazy: lazyOf(r.kw.lazy),
        }
      } else if (viaOwn) {
        viaOwn.orm = { ...(viaOwn.orm ?? { backPopulates: asStr(r.kw.back_populates) ?? null, cascade: [], passiveDeletes: false, lazy: 'select' }), name: r.attr }
      } else warnings.push(`${c.name}.${r.attr}: no foreign key between ${own.name} and ${target.name} to carry it.`)
    }
  }
  for (const t of doc.tables) if (t.association && t.foreignKeys.length === 2) for (const f of t.foreignKeys) delete f.orm
  if (doc.tables.length === 0) throw new AppError('BAD_REQUEST', 'No mapped classes or Table(...) definitions were found in the file.')
  return { doc: autoLayout(doc), warnings }
}
