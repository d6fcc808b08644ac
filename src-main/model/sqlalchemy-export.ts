import type { ModelDocument, ModelTable } from '../../src-shared/model/document'
import { isUniqueKey, primaryKeyColumns } from '../../src-shared/schema'
import { tableNameFor } from '../../src-shared/naming'
import {
  autoincrementArg,
  BASE_COLUMNS,
  NATIVE_TYPE_BODY,
  pyIdent,
  pyLiteral,
  pyType,
  serverDefault,
  str,
  TABLE_TYPES,
} from './sqlalchemy-python'

/**
 * SQLAlchemy 2.0 declarative models in the notes' style: `DeclarativeBase`, `Mapped`,
 * `mapped_column`, `relationship(back_populates=..., cascade=..., lazy=...)`, an association
 * `Table` for many-to-many, and the notes' `Base` with `id`, `created_at`, `updated_at` for
 * tables the base was applied to.
 */

/** The writer of one models.py: the imports it gathers as it goes, and the tables and classes it writes. */
class SqlalchemyWriter {
  readonly sa = new Set<string>(['ForeignKey'])
  readonly orm = new Set<string>(['DeclarativeBase', 'Mapped', 'mapped_column'])
  readonly py = new Set<string>()
  private readonly classOf: Map<string, ModelTable>
  readonly ref = (schema: string | null, name: string) => this.classOf.get(`${schema ?? ''}.${name}`)
  readonly qualified = (schema: string | null, name: string) => (schema ? `${schema}.${name}` : name)
  private readonly useBase: boolean
  private readonly baseName: string

  readonly body: string[] = []
  /**
   * A table written as `Table(...)` rather than a class: an association table (classes name it in
   * `secondary=`), and any table without a primary key, which SQLAlchemy cannot map to a class
   * (the exported models.py of a schema with one failed to import).
   */
  readonly asTable = (t: ModelTable) => {
    this.sa.add('Table')
    this.sa.add('Column')
    const lines = [`${pyIdent(t.className)} = Table(`, `    ${str(t.name)},`, '    Base.metadata,']
    for (const c of t.columns) {
      const fk = t.foreignKeys.find((f) => f.columns.length === 1 && f.columns[0] === c.name)
      const args = [str(c.name)]
      // A Table column names its type (the notes' `Column("user_id", Integer, ForeignKey("user.id"), ...)`).
      const ty = pyType(c)
      const typeName = ty.sa ?? TABLE_TYPES[c.type] ?? 'Integer'
      ty.imports.forEach((i) => this.sa.add(i))
      if (!ty.sa) this.sa.add(typeName.replace(/\(.*$/, ''))
      args.push(typeName)
      if (fk) {
        const opts = [
          fk.name ? `name=${str(fk.name)}` : '',
          fk.onDelete !== 'NO ACTION' ? `ondelete=${str(fk.onDelete)}` : '',
          fk.onUpdate !== 'NO ACTION' ? `onupdate=${str(fk.onUpdate)}` : '',
        ].filter(Boolean)
        args.push(
          `ForeignKey(${[str(`${this.qualified(fk.refSchema, fk.refTable)}.${fk.refColumns[0]}`), ...opts].join(', ')})`,
        )
      }
      if (c.primaryKey > 0) args.push('primary_key=True')
      const auto = autoincrementArg(t, c)
      if (auto) args.push(auto)
      if (!c.nullable && c.primaryKey === 0) args.push('nullable=False')
      if (c.unique) args.push('unique=True')
      if (c.appDefault !== undefined) args.push(`default=${pyLiteral(c.appDefault)}`)
      if (c.serverDefault != null) args.push(`server_default=${serverDefault(c.serverDefault, this.sa)}`)
      if (c.onUpdate) args.push(`onupdate=${serverDefault(c.onUpdate, this.sa)}`)
      if (c.comment) args.push(`comment=${str(c.comment)}`)
      lines.push(`    Column(${args.join(', ')}),`)
    }
    for (const c of this.tableConstraints(t)) lines.push(`    ${c},`)
    if (t.schema) lines.push(`    schema=${str(t.schema)},`)
    lines.push(')')
    this.body.push(lines.join('\n'))
  }

  /** Multi-column keys, unique and check constraints and indexes, as `__table_args__` or `Table` arguments. */
  readonly tableConstraints = (t: ModelTable): string[] => {
    const out: string[] = []
    // A named key, or one in another order than its columns, is written out whole.
    const pk = primaryKeyColumns(t)
    const inOrder = pk.every((c, i) => t.columns.filter((x) => x.primaryKey > 0)[i]?.name === c)
    if (pk.length && (t.primaryKeyName || !inOrder)) {
      this.sa.add('PrimaryKeyConstraint')
      out.push(
        `PrimaryKeyConstraint(${[...pk.map(str), ...(t.primaryKeyName ? [`name=${str(t.primaryKeyName)}`] : [])].join(', ')})`,
      )
    }
    for (const f of t.foreignKeys.filter((x) => x.columns.length > 1)) {
      this.sa.add('ForeignKeyConstraint')
      const opts = [
        f.name ? `name=${str(f.name)}` : '',
        f.onDelete !== 'NO ACTION' ? `ondelete=${str(f.onDelete)}` : '',
        f.onUpdate !== 'NO ACTION' ? `onupdate=${str(f.onUpdate)}` : '',
      ].filter(Boolean)
      out.push(
        `ForeignKeyConstraint([${f.columns.map(str).join(', ')}], [${f.refColumns.map((c) => str(`${this.qualified(f.refSchema, f.refTable)}.${c}`)).join(', ')}]${opts.length ? ', ' + opts.join(', ') : ''})`,
      )
    }
    for (const u of t.uniques) {
      this.sa.add('UniqueConstraint')
      out.push(`UniqueConstraint(${[...u.columns.map(str), ...(u.name ? [`name=${str(u.name)}`] : [])].join(', ')})`)
    }
    for (const ck of t.checks) {
      this.sa.add('CheckConstraint')
      out.push(`CheckConstraint(${[str(ck.expression), ...(ck.name ? [`name=${str(ck.name)}`] : [])].join(', ')})`)
    }
    for (const ix of t.indexes) {
      this.sa.add('Index')
      const opts = [ix.unique ? 'unique=True' : '']
      if (ix.where) {
        this.sa.add('text')
        opts.push(`sqlite_where=text(${str(ix.where)})`, `postgresql_where=text(${str(ix.where)})`)
      }
      out.push(`Index(${[str(ix.name), ...ix.columns.map(str), ...opts.filter(Boolean)].join(', ')})`)
    }
    return out
  }

  /** More than one foreign key between two tables, either way: SQLAlchemy needs foreign_keys= to tell them apart. */
  readonly ambiguous = (a: ModelTable, b: ModelTable) => {
    const between = (x: ModelTable, y: ModelTable) =>
      x.foreignKeys.filter((f) => this.ref(f.refSchema, f.refTable) === y).length
    return a === b ? between(a, a) > 1 : between(a, b) + between(b, a) > 1
  }
  readonly keyless = (t: ModelTable) => !t.association && primaryKeyColumns(t).length === 0

  constructor(private readonly doc: ModelDocument) {
    this.classOf = new Map(doc.tables.map((t) => [`${t.schema ?? ''}.${t.name}`, t]))
    this.useBase = doc.tables.some((t) => t.base)
    this.baseName = this.useBase && doc.tables.every((t) => t.base || t.association) ? 'Base' : 'TimestampedBase'
  }

  /** A mapped class with its columns, keys and relationships. */
  writeClass(t: ModelTable) {
    const base = t.base ? this.baseName : 'Base'
    const lines = [`class ${t.className}(${base}):`]
    const derived = t.base && this.doc.naming === 'class' && t.name === tableNameFor(t.className, 'class')
    if (!derived) lines.push(`    __tablename__ = ${str(t.name)}`)
    const tableArgs = this.tableConstraints(t)
    if (t.schema) tableArgs.push(`{"schema": ${str(t.schema)}}`)
    if (tableArgs.length)
      lines.push(`    __table_args__ = (${tableArgs.join(', ')}${tableArgs.length === 1 ? ',' : ''})`)
    lines.push('')

    for (const c of t.columns) {
      if (t.base && BASE_COLUMNS.includes(c.name)) continue
      const ty = pyType(c)
      ty.imports.forEach((i) => this.sa.add(i))
      if (['date', 'time', 'datetime'].includes(ty.py)) this.py.add(`from datetime import ${ty.py}`)
      if (ty.py === 'Decimal') this.py.add('from decimal import Decimal')
      if (ty.py === 'uuid.UUID') this.py.add('import uuid')
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
          `ForeignKey(${[str(`${this.qualified(fk.refSchema, fk.refTable)}.${fk.refColumns[0]}`), ...opts].join(', ')})`,
        )
      }
      if (c.primaryKey > 0) args.push('primary_key=True')
      const auto = autoincrementArg(t, c)
      if (auto) args.push(auto)
      if (c.unique) args.push('unique=True')
      // Mapped[X] is NOT NULL and Mapped[X | None] nullable; say it only where the key implies otherwise.
      if (c.appDefault !== undefined) args.push(`default=${pyLiteral(c.appDefault)}`)
      if (c.serverDefault != null) args.push(`server_default=${serverDefault(c.serverDefault, this.sa)}`)
      if (c.onUpdate) args.push(`onupdate=${serverDefault(c.onUpdate, this.sa)}`)
      if (c.comment) args.push(`comment=${str(c.comment)}`)
      const mapped = `Mapped[${ty.py}${c.nullable && c.primaryKey === 0 ? ' | None' : ''}]`
      lines.push(args.length ? `    ${attr}: ${mapped} = mapped_column(${args.join(', ')})` : `    ${attr}: ${mapped}`)
    }

    const rels: string[] = []
    // Many-to-one (or one-to-one) from this table's foreign keys.
    for (const f of t.foreignKeys) {
      const target = this.ref(f.refSchema, f.refTable)
      if (!f.orm?.name || !target) continue
      // back_populates names the other side's attribute, which is written as a Python identifier.
      const args = [f.orm.backPopulates ? `back_populates=${str(pyIdent(f.orm.backPopulates))}` : '']
      // Strings, evaluated once every class exists: a column declared by annotation alone binds no name in the class body.
      if (this.ambiguous(t, target))
        args.push(`foreign_keys=${str(`[${f.columns.map((c) => `${t.className}.${pyIdent(c)}`).join(', ')}]`)}`)
      // A reference to the same table: remote_side says this side is the many-to-one.
      if (target === t)
        args.push(`remote_side=${str(`[${f.refColumns.map((c) => `${t.className}.${pyIdent(c)}`).join(', ')}]`)}`)
      rels.push(
        `    ${pyIdent(f.orm.name)}: Mapped["${target.className}"] = relationship(${args.filter(Boolean).join(', ')})`,
      )
    }
    // The other side: collections (or one object for one-to-one) of tables that reference this one.
    for (const other of this.doc.tables) {
      for (const f of other.foreignKeys) {
        if (
          other.association ||
          this.keyless(other) ||
          !f.orm?.backPopulates ||
          this.ref(f.refSchema, f.refTable) !== t
        )
          continue
        const oneToOne = isUniqueKey(other, f.columns)
        const args = [f.orm.name ? `back_populates=${str(pyIdent(f.orm.name))}` : '']
        if (oneToOne) args.push('uselist=False')
        if (f.orm.cascade.length) args.push(`cascade=${str(f.orm.cascade.join(', '))}`)
        if (f.orm.passiveDeletes) args.push('passive_deletes=True')
        if (f.orm.lazy !== 'select') args.push(`lazy=${str(f.orm.lazy)}`)
        if (this.ambiguous(other, t))
          args.push(`foreign_keys=${str(`[${f.columns.map((c) => `${other.className}.${pyIdent(c)}`).join(', ')}]`)}`)
        rels.push(
          `    ${pyIdent(f.orm.backPopulates)}: Mapped[${oneToOne ? `"${other.className}"` : `list["${other.className}"]`}] = relationship(${args.filter(Boolean).join(', ')})`,
        )
      }
    }
    // Many-to-many through association tables.
    for (const a of this.doc.tables) {
      if (!a.association || a.foreignKeys.length !== 2) continue
      a.foreignKeys.forEach((f, i) => {
        if (this.ref(f.refSchema, f.refTable) !== t) return
        const otherFk = a.foreignKeys[1 - i]
        const other = this.ref(otherFk.refSchema, otherFk.refTable)
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
      this.orm.add('relationship')
      lines.push('', ...rels)
    }
    if (lines[lines.length - 1] === '') lines.push('    pass')
    this.body.push(lines.join('\n'))
  }

  /** The imports, the Native type where one is needed, and the bases, above the tables and classes. */
  text(): string {
    const head: string[] = []
    if (this.useBase) {
      this.py.add('from datetime import datetime')
      this.sa.add('func')
    }
    if (this.useBase && this.doc.naming === 'class') this.orm.add('declared_attr')
    const pyImports = [...this.py].sort()
    const saImports = [...this.sa].filter((i) => i !== 'types').sort()
    if (pyImports.length) head.push(...pyImports, '')
    head.push(`from sqlalchemy import ${saImports.join(', ')}`)
    if (this.sa.has('types')) head.push('from sqlalchemy import types')
    head.push(`from sqlalchemy.orm import ${[...this.orm].sort().join(', ')}`, '', '')
    if (this.sa.has('types'))
      head.push(
        'class Native(types.UserDefinedType):',
        '    """A column type written as the database spells it."""',
        '',
        ...NATIVE_TYPE_BODY,
        '',
        '',
      )
    if (!this.useBase || this.baseName !== 'Base') head.push('class Base(DeclarativeBase):', '    pass', '', '')
    if (this.useBase) {
      const parent = this.baseName === 'Base' ? 'DeclarativeBase' : 'Base'
      head.push(
        `class ${this.baseName}(${parent}):`,
        '    __abstract__ = True',
        '',
        '    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)',
        '    created_at: Mapped[datetime] = mapped_column(server_default=func.now())',
        '    updated_at: Mapped[datetime] = mapped_column(server_default=func.now(), onupdate=func.now())',
      )
      if (this.doc.naming === 'class')
        head.push('', '    @declared_attr', '    def __tablename__(cls) -> str:', '        return cls.__name__.lower()')
      head.push('', '')
    }
    return head.join('\n') + this.body.join('\n\n\n') + '\n'
  }
}

export function exportSqlalchemy(doc: ModelDocument): string {
  const w = new SqlalchemyWriter(doc)
  // Tables first: classes name association tables in `secondary=`.
  for (const t of doc.tables.filter((x) => x.association || w.keyless(x))) w.asTable(t)
  for (const t of doc.tables.filter((x) => !x.association && !w.keyless(x))) w.writeClass(t)
  return w.text()
}
