import type { ModelColumn, ModelDocument, ModelTable } from '../../src-shared/model/document'
import { isUniqueKey, primaryKeyColumns } from '../../src-shared/schema'
import { tableNameFor } from '../../src-shared/naming'

/**
 * SQLAlchemy 2.0 declarative models in the notes' style: `DeclarativeBase`, `Mapped`,
 * `mapped_column`, `relationship(back_populates=..., cascade=..., lazy=...)`, an association
 * `Table` for many-to-many, and the notes' `Base` with `id`, `created_at`, `updated_at` for
 * tables the base was applied to.
 */

const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield metadata registry'.split(
    ' ',
  ),
)

/** A Python identifier for a column or attribute name (the SQL name is passed explicitly when they differ). */
export function pyIdent(name: string): string {
  let s = name.replace(/[^A-Za-z0-9_]/g, '_')
  if (!s || /^\d/.test(s)) s = `_${s}`
  if (PY_KEYWORDS.has(s)) s += '_'
  return s
}

const str = (s: string) => JSON.stringify(s)

interface PyType {
  py: string
  /** The SQLAlchemy type to pass, or null where `Mapped[py]` already implies it. */
  sa: string | null
  imports: string[]
}

function pyType(c: ModelColumn): PyType {
  switch (c.type) {
    case 'integer':
      return { py: 'int', sa: null, imports: [] }
    case 'bigint':
      return { py: 'int', sa: 'BigInteger', imports: ['BigInteger'] }
    case 'smallint':
      return { py: 'int', sa: 'SmallInteger', imports: ['SmallInteger'] }
    case 'real':
      return { py: 'float', sa: 'REAL', imports: ['REAL'] }
    case 'double':
      return { py: 'float', sa: null, imports: [] }
    case 'numeric':
      return {
        py: 'Decimal',
        sa: c.length != null ? `Numeric(${c.length}${c.scale != null ? `, ${c.scale}` : ''})` : null,
        imports: c.length != null ? ['Numeric'] : [],
      }
    case 'boolean':
      return { py: 'bool', sa: null, imports: [] }
    case 'text':
      return { py: 'str', sa: 'Text', imports: ['Text'] }
    case 'varchar':
      return {
        py: 'str',
        sa: c.length != null ? `String(${c.length})` : null,
        imports: c.length != null ? ['String'] : [],
      }
    case 'date':
      return { py: 'date', sa: null, imports: [] }
    case 'time':
      return { py: 'time', sa: null, imports: [] }
    case 'timestamp':
      return { py: 'datetime', sa: null, imports: [] }
    case 'timestamptz':
      return { py: 'datetime', sa: 'DateTime(timezone=True)', imports: ['DateTime'] }
    case 'json':
      return { py: 'dict', sa: 'JSON', imports: ['JSON'] }
    case 'uuid':
      return { py: 'uuid.UUID', sa: null, imports: [] }
    case 'blob':
      return { py: 'bytes', sa: 'LargeBinary', imports: ['LargeBinary'] }
    default:
      // The engine's own spelling (an array, inet, interval), through the one-line Native type below.
      return { py: 'str', sa: `Native(${str(c.nativeType || 'TEXT')})`, imports: ['types'] }
  }
}

const NOW = /^(CURRENT_TIMESTAMP|now\(\))$/i

function serverDefault(expr: string, imports: Set<string>): string {
  if (NOW.test(expr.trim())) {
    imports.add('func')
    return 'func.now()'
  }
  const lit = /^'((?:[^']|'')*)'$/.exec(expr.trim())
  if (lit) return str(lit[1].replaceAll("''", "'"))
  imports.add('text')
  return `text(${str(expr)})`
}

function pyLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'None'
  if (typeof v === 'boolean') return v ? 'True' : 'False'
  if (typeof v === 'number') return String(v)
  if (typeof v === 'string') return str(v)
  return JSON.stringify(v)
}

/** Types `Mapped[...]` would imply, spelled out for `Table(...)` columns. */
const TABLE_TYPES: Record<string, string> = {
  integer: 'Integer',
  double: 'Double',
  numeric: 'Numeric',
  boolean: 'Boolean',
  varchar: 'String',
  date: 'Date',
  time: 'Time',
  timestamp: 'DateTime',
  uuid: 'Uuid',
}

const BASE_COLUMNS = ['id', 'created_at', 'updated_at']

/**
 * autoincrement= as the model has it. SQLAlchemy's default ("auto") makes a lone integer primary
 * key without a foreign key autoincrement, so a model that says otherwise writes False.
 */
function autoincrementArg(t: ModelTable, c: ModelColumn): string | null {
  if (c.autoincrement) return 'autoincrement=True'
  const pk = t.columns.filter((x) => x.primaryKey > 0)
  const auto =
    pk.length === 1 &&
    pk[0] === c &&
    ['integer', 'bigint', 'smallint'].includes(c.type) &&
    !t.foreignKeys.some((f) => f.columns.includes(c.name)) &&
    c.serverDefault == null
  return auto ? 'autoincrement=False' : null
}

export function exportSqlalchemy(doc: ModelDocument): string {
  const sa = new Set<string>(['ForeignKey'])
  const orm = new Set<string>(['DeclarativeBase', 'Mapped', 'mapped_column'])
  const py = new Set<string>()
  const classOf = new Map(doc.tables.map((t) => [`${t.schema ?? ''}.${t.name}`, t]))
  const ref = (schema: string | null, name: string) => classOf.get(`${schema ?? ''}.${name}`)
  const qualified = (schema: string | null, name: string) => (schema ? `${schema}.${name}` : name)
  const useBase = doc.tables.some((t) => t.base)
  const baseName = useBase && doc.tables.every((t) => t.base || t.association) ? 'Base' : 'TimestampedBase'

  const body: string[] = []
  /**
   * A table written as `Table(...)` rather than a class: an association table (classes name it in
   * `secondary=`), and any table without a primary key, which SQLAlchemy cannot map to a class
   * (the exported models.py of a schema with one failed to import).
   */
  const asTable = (t: ModelTable) => {
    sa.add('Table')
    sa.add('Column')
    const lines = [`${pyIdent(t.className)} = Table(`, `    ${str(t.name)},`, '    Base.metadata,']
    for (const c of t.columns) {
      const fk = t.foreignKeys.find((f) => f.columns.length === 1 && f.columns[0] === c.name)
      const args = [str(c.name)]
      // A Table column names its type (the notes' `Column("user_id", Integer, ForeignKey("user.id"), ...)`).
      const ty = pyType(c)
      const typeName = ty.sa ?? TABLE_TYPES[c.type] ?? 'Integer'
      ty.imports.forEach((i) => sa.add(i))
      if (!ty.sa) sa.add(typeName.replace(/\(.*$/, ''))
      args.push(typeName)
      if (fk) {
        const opts = [
          fk.name ? `name=${str(fk.name)}` : '',
          fk.onDelete !== 'NO ACTION' ? `ondelete=${str(fk.onDelete)}` : '',
          fk.onUpdate !== 'NO ACTION' ? `onupdate=${str(fk.onUpdate)}` : '',
        ].filter(Boolean)
        args.push(
          `ForeignKey(${[str(`${qualified(fk.refSchema, fk.refTable)}.${fk.refColumns[0]}`), ...opts].join(', ')})`,
        )
      }
      if (c.primaryKey > 0) args.push('primary_key=True')
      const auto = autoincrementArg(t, c)
      if (auto) args.push(auto)
      if (!c.nullable && c.primaryKey === 0) args.push('nullable=False')
      if (c.unique) args.push('unique=True')
      if (c.appDefault !== undefined) args.push(`default=${pyLiteral(c.appDefault)}`)
      if (c.serverDefault != null) args.push(`server_default=${serverDefault(c.serverDefault, sa)}`)
      if (c.onUpdate) args.push(`onupdate=${serverDefault(c.onUpdate, sa)}`)
      if (c.comment) args.push(`comment=${str(c.comment)}`)
      lines.push(`    Column(${args.join(', ')}),`)
    }
    for (const c of tableConstraints(t)) lines.push(`    ${c},`)
    if (t.schema) lines.push(`    schema=${str(t.schema)},`)
    lines.push(')')
    body.push(lines.join('\n'))
  }

  /** Multi-column keys, unique and check constraints and indexes, as `__table_args__` or `Table` arguments. */
  const tableConstraints = (t: ModelTable): string[] => {
    const out: string[] = []
    // A named key, or one in another order than its columns, is written out whole.
    const pk = primaryKeyColumns(t)
    const inOrder = pk.every((c, i) => t.columns.filter((x) => x.primaryKey > 0)[i]?.name === c)
    if (pk.length && (t.primaryKeyName || !inOrder)) {
      sa.add('PrimaryKeyConstraint')
      out.push(
        `PrimaryKeyConstraint(${[...pk.map(str), ...(t.primaryKeyName ? [`name=${str(t.primaryKeyName)}`] : [])].join(', ')})`,
      )
    }
    for (const f of t.foreignKeys.filter((x) => x.columns.length > 1)) {
      sa.add('ForeignKeyConstraint')
      const opts = [
        f.name ? `name=${str(f.name)}` : '',
        f.onDelete !== 'NO ACTION' ? `ondelete=${str(f.onDelete)}` : '',
        f.onUpdate !== 'NO ACTION' ? `onupdate=${str(f.onUpdate)}` : '',
      ].filter(Boolean)
      out.push(
        `ForeignKeyConstraint([${f.columns.map(str).join(', ')}], [${f.refColumns.map((c) => str(`${qualified(f.refSchema, f.refTable)}.${c}`)).join(', ')}]${opts.length ? ', ' + opts.join(', ') : ''})`,
      )
    }
    for (const u of t.uniques) {
      sa.add('UniqueConstraint')
      out.push(`UniqueConstraint(${[...u.columns.map(str), ...(u.name ? [`name=${str(u.name)}`] : [])].join(', ')})`)
    }
    for (const ck of t.checks) {
      sa.add('CheckConstraint')
      out.push(`CheckConstraint(${[str(ck.expression), ...(ck.name ? [`name=${str(ck.name)}`] : [])].join(', ')})`)
    }
    for (const ix of t.indexes) {
      sa.add('Index')
      const opts = [ix.unique ? 'unique=True' : '']
      if (ix.where) {
        sa.add('text')
        opts.push(`sqlite_where=text(${str(ix.where)})`, `postgresql_where=text(${str(ix.where)})`)
      }
      out.push(`Index(${[str(ix.name), ...ix.columns.map(str), ...opts.filter(Boolean)].join(', ')})`)
    }
    return out
  }

  /** More than one foreign key between two tables, either way: SQLAlchemy needs foreign_keys= to tell them apart. */
  const ambiguous = (a: ModelTable, b: ModelTable) => {
    const between = (x: ModelTable, y: ModelTable) =>
      x.foreignKeys.filter((f) => ref(f.refSchema, f.refTable) === y).length
    return a === b ? between(a, a) > 1 : between(a, b) + between(b, a) > 1
  }
  const keyless = (t: ModelTable) => !t.association && primaryKeyColumns(t).length === 0
  // Tables first: classes name association tables in `secondary=`.
  for (const t of doc.tables.filter((x) => x.association || keyless(x))) asTable(t)

  for (const t of doc.tables.filter((x) => !x.association && !keyless(x))) {
    const base = t.base ? baseName : 'Base'
    const lines = [`class ${t.className}(${base}):`]
    const derived = t.base && doc.naming === 'class' && t.name === tableNameFor(t.className, 'class')
    if (!derived) lines.push(`    __tablename__ = ${str(t.name)}`)
    const tableArgs = tableConstraints(t)
    if (t.schema) tableArgs.push(`{"schema": ${str(t.schema)}}`)
    if (tableArgs.length)
      lines.push(`    __table_args__ = (${tableArgs.join(', ')}${tableArgs.length === 1 ? ',' : ''})`)
    lines.push('')

    for (const c of t.columns) {
      if (t.base && BASE_COLUMNS.includes(c.name)) continue
      const ty = pyType(c)
      ty.imports.forEach((i) => sa.add(i))
      if (['date', 'time', 'datetime'].includes(ty.py)) py.add(`from datetime import ${ty.py}`)
      if (ty.py === 'Decimal') py.add('from decimal import Decimal')
      if (ty.py === 'uuid.UUID') py.add('import uuid')
      const attr = pyIdent(c.name)
      const args: string[] = []
      if (attr !== c.name) args.push(str(c.name))
      if (ty.sa) args.push(ty.sa)
      const fk = t.foreignKeys.find((f) => f.columns.length === 1 && f.columns[0] === c.name)
      if (fk) {
        const opts = [
          fk.name ? `name=${str(fk.name)}` : '',
          fk.onDelete !== 'NO ACTION' ? `ondelete=${str(fk.onDelete)}` : '',
          fk.onUpdate !== 'NO ACTION' ? `onupdate=${str(fk.onUpdate)}` : '',
        ].filter(Boolean)
        args.push(
          `ForeignKey(${[str(`${qualified(fk.refSchema, fk.refTable)}.${fk.refColumns[0]}`), ...opts].join(', ')})`,
        )
      }
      if (c.primaryKey > 0) args.push('primary_key=True')
      const auto = autoincrementArg(t, c)
      if (auto) args.push(auto)
      if (c.unique) args.push('unique=True')
      // Mapped[X] is NOT NULL and Mapped[X | None] nullable; say it only where the key implies otherwise.
      if (c.appDefault !== undefined) args.push(`default=${pyLiteral(c.appDefault)}`)
      if (c.serverDefault != null) args.push(`server_default=${serverDefault(c.serverDefault, sa)}`)
      if (c.onUpdate) args.push(`onupdate=${serverDefault(c.onUpdate, sa)}`)
      if (c.comment) args.push(`comment=${str(c.comment)}`)
      const mapped = `Mapped[${ty.py}${c.nullable && c.primaryKey === 0 ? ' | None' : ''}]`
      lines.push(args.length ? `    ${attr}: ${mapped} = mapped_column(${args.join(', ')})` : `    ${attr}: ${mapped}`)
    }

    const rels: string[] = []
    // Many-to-one (or one-to-one) from this table's foreign keys.
    for (const f of t.foreignKeys) {
      const target = ref(f.refSchema, f.refTable)
      if (!f.orm?.name || !target) continue
      // back_populates names the other side's attribute, which is written as a Python identifier.
      const args = [f.orm.backPopulates ? `back_populates=${str(pyIdent(f.orm.backPopulates))}` : '']
      // Strings, evaluated once every class exists: a column declared by annotation alone binds no name in the class body.
      if (ambiguous(t, target))
        args.push(`foreign_keys=${str(`[${f.columns.map((c) => `${t.className}.${pyIdent(c)}`).join(', ')}]`)}`)
      // A reference to the same table: remote_side says this side is the many-to-one.
      if (target === t)
        args.push(`remote_side=${str(`[${f.refColumns.map((c) => `${t.className}.${pyIdent(c)}`).join(', ')}]`)}`)
      rels.push(
        `    ${pyIdent(f.orm.name)}: Mapped["${target.className}"] = relationship(${args.filter(Boolean).join(', ')})`,
      )
    }
    // The other side: collections (or one object for one-to-one) of tables that reference this one.
    for (const other of doc.tables) {
      for (const f of other.foreignKeys) {
        if (other.association || keyless(other) || !f.orm?.backPopulates || ref(f.refSchema, f.refTable) !== t) continue
        const oneToOne = isUniqueKey(other, f.columns)
        const args = [f.orm.name ? `back_populates=${str(pyIdent(f.orm.name))}` : '']
        if (oneToOne) args.push('uselist=False')
        if (f.orm.cascade.length) args.push(`cascade=${str(f.orm.cascade.join(', '))}`)
        if (f.orm.passiveDeletes) args.push('passive_deletes=True')
        if (f.orm.lazy !== 'select') args.push(`lazy=${str(f.orm.lazy)}`)
        if (ambiguous(other, t))
          args.push(`foreign_keys=${str(`[${f.columns.map((c) => `${other.className}.${pyIdent(c)}`).join(', ')}]`)}`)
        rels.push(
          `    ${pyIdent(f.orm.backPopulates)}: Mapped[${oneToOne ? `"${other.className}"` : `list["${other.className}"]`}] = relationship(${args.filter(Boolean).join(', ')})`,
        )
      }
    }
    // Many-to-many through association tables.
    for (const a of doc.tables) {
      if (!a.association || a.foreignKeys.length !== 2) continue
      a.foreignKeys.forEach((f, i) => {
        if (ref(f.refSchema, f.refTable) !== t) return
        const otherFk = a.foreignKeys[1 - i]
        const other = ref(otherFk.refSchema, otherFk.refTable)
        if (!other) return
        const args = [
          `secondary=${pyIdent(a.className)}`,
          `back_populates=${str(pyIdent(a.association!.names[1 - i]))}`,
        ]
        if (a.association!.lazy !== 'select') args.push(`lazy=${str(a.association!.lazy)}`)
        rels.push(
          `    ${pyIdent(a.association!.names[i])}: Mapped[list["${other.className}"]] = relationship(${args.join(', ')})`,
        )
      })
    }
    if (rels.length) {
      orm.add('relationship')
      lines.push('', ...rels)
    }
    if (lines[lines.length - 1] === '') lines.push('    pass')
    body.push(lines.join('\n'))
  }

  const head: string[] = []
  if (useBase) {
    py.add('from datetime import datetime')
    sa.add('func')
  }
  if (useBase && doc.naming === 'class') orm.add('declared_attr')
  const pyImports = [...py].sort()
  const saImports = [...sa].filter((i) => i !== 'types').sort()
  if (pyImports.length) head.push(...pyImports, '')
  head.push(`from sqlalchemy import ${saImports.join(', ')}`)
  if (sa.has('types')) head.push('from sqlalchemy import types')
  head.push(`from sqlalchemy.orm import ${[...orm].sort().join(', ')}`, '', '')
  if (sa.has('types'))
    head.push(
      'class Native(types.UserDefinedType):',
      '    """A column type written as the database spells it."""',
      '',
      '    cache_ok = True',
      '',
      '    def __init__(self, spelling):',
      '        self.spelling = spelling',
      '',
      '    def get_col_spec(self, **kw):',
      '        return self.spelling',
      '',
      '',
    )
  if (!useBase || baseName !== 'Base') head.push('class Base(DeclarativeBase):', '    pass', '', '')
  if (useBase) {
    const parent = baseName === 'Base' ? 'DeclarativeBase' : 'Base'
    head.push(
      `class ${baseName}(${parent}):`,
      '    __abstract__ = True',
      '',
      '    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)',
      '    created_at: Mapped[datetime] = mapped_column(server_default=func.now())',
      '    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())',
    )
    if (doc.naming === 'class')
      head.push('', '    @declared_attr', '    def __tablename__(cls) -> str:', '        return cls.__name__.lower()')
    head.push('', '')
  }
  return head.join('\n') + body.join('\n\n\n') + '\n'
}
