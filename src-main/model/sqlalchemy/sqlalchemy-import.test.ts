import { spawnSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import type { ModelDocument, ModelTable } from '../../../src-shared/model/document'
import { modelStructure } from '../compare'
import { importSqlalchemy, importSqlalchemyFiles } from '../sqlalchemy-import'
import { exportSqlalchemy } from '../sqlalchemy-export'
import { arbitraryModel } from './arbitrary-model'

const FIXTURES = join(__dirname, 'fixtures')
const SHOP = join(FIXTURES, 'shop')
const VENDOR = join(__dirname, '../../../../shared/vendor/python')
const python = spawnSync('python3', ['--version']).status === 0
const why = !existsSync(VENDOR)
  ? `the vendored SQLAlchemy is not at ${VENDOR} (a fresh clone without ../shared)`
  : !python
    ? 'python3 is not on this machine'
    : null

const table = (doc: ModelDocument, name: string) => {
  const t = doc.tables.find((x) => x.name === name)
  if (!t) throw new Error(`no table ${name} in ${doc.tables.map((x) => x.name).join(', ')}`)
  return t
}
const cols = (t: ModelTable) =>
  t.columns.map(
    (c) =>
      `${c.name} ${c.type === 'unknown' ? c.nativeType : c.type}${c.length != null ? `(${c.length}${c.scale != null ? `,${c.scale}` : ''})` : ''}${c.nullable ? '' : ' not null'}${c.primaryKey ? ` pk${c.primaryKey}` : ''}`,
  )

describe('a SQLAlchemy project read from its package', () => {
  it('reads every module of the package, following relative and absolute imports', async () => {
    const { doc, report } = await importSqlalchemyFiles([SHOP], 'shop')
    expect(doc.tables.map((t) => t.name).sort()).toEqual([
      'addresses',
      'categories',
      'employees',
      'engineers',
      'order_lines',
      'orders',
      'product_tags',
      'products',
      'supplier_products',
      'suppliers',
      'tags',
      'users',
    ])
    expect(report.read[0]).toBe('12 tables from 12 modules: 12 mapped classes, 1 Table(...) object')

    // Own columns, then the plain mixin's, then the one declared on the DeclarativeBase subclass;
    // Annotated aliases give the key and the type_annotation_map's String(50); a TypeDecorator its impl.
    const users = table(doc, 'users')
    expect(cols(users)).toEqual([
      'id integer not null pk1',
      'login varchar(50) not null',
      'email varchar(200) not null',
      'nickname varchar',
      'deleted boolean not null',
      'created_at timestamptz not null',
    ])
    expect(users.columns.find((c) => c.name === 'created_at')!.serverDefault).toBe('CURRENT_TIMESTAMP')
    expect(users.comment).toBe('people who buy')
    // The naming convention names the key, the uniques (unique=True and UniqueConstraint) and the check.
    expect(users.primaryKeyName).toBe('pk_users')
    expect(users.uniques).toEqual([
      { name: 'uq_users_email', columns: ['email', 'login'] },
      { name: 'uq_users_login', columns: ['login'] },
    ])
    expect(users.checks).toEqual([{ name: 'ck_users_login_length', expression: 'length(login) > 2' }])

    // An abstract class on the base (NamedBase) with an alias carrying mapped_column(index=True).
    const products = table(doc, 'products')
    expect(cols(products)).toEqual([
      'id integer not null pk1',
      'price numeric(12,2) not null',
      'size varchar(1) not null',
      'category_id integer not null',
      'sku varchar(20) not null',
      'name varchar(120) not null',
      'created_at timestamptz not null',
    ])
    expect(products.indexes.map((i) => [i.name, i.columns, i.unique]).sort()).toEqual([
      ['ix_products_category_id', ['category_id'], false],
      ['ix_products_name', ['name'], false],
      ['ix_products_sku', ['sku'], true],
    ])
    // Enum("S", "M", "L") as varchar(1) with a CHECK of its values; ForeignKey(Category.id) resolved.
    expect(products.checks).toEqual([{ name: null, expression: "size IN ('S', 'M', 'L')" }])
    expect(products.foreignKeys.map((f) => [f.name, f.columns, f.refTable, f.refColumns])).toEqual([
      ['fk_products_category_id_categories', ['category_id'], 'categories', ['id']],
    ])

    // A Python enum by annotation: its names; a declared_attr from a mixin; a module-level Index.
    const orders = table(doc, 'orders')
    expect(cols(orders)).toContain('status varchar(7) not null')
    expect(orders.checks[0].expression).toBe("status IN ('NEW', 'PAID', 'SHIPPED')")
    expect(orders.foreignKeys.map((f) => [f.columns[0], f.onDelete, f.orm?.name ?? null])).toEqual([
      ['customer_id', 'NO ACTION', 'customer'],
      ['updated_by_id', 'SET NULL', null],
    ])
    expect(orders.indexes).toEqual([
      { name: 'ix_orders_placed_status', columns: ['placed', 'status'], unique: false, where: null },
    ])

    // __table_args__: PrimaryKeyConstraint, ForeignKeyConstraint, a named check through the convention, an Index.
    const lines = table(doc, 'order_lines')
    expect(lines.columns.filter((c) => c.primaryKey).map((c) => [c.name, c.primaryKey])).toEqual([
      ['order_id', 1],
      ['line_no', 2],
    ])
    expect(lines.foreignKeys.map((f) => [f.name, f.refTable, f.onDelete])).toEqual([
      ['fk_order_lines_order_id_orders', 'orders', 'CASCADE'],
      ['fk_order_lines_product_id_products', 'products', 'RESTRICT'],
    ])
    expect(lines.checks).toEqual([{ name: 'ck_order_lines_positive_quantity', expression: 'quantity > 0' }])
    expect(lines.columns.find((c) => c.name === 'quantity')!.serverDefault).toBe('1')

    // A Table(...) on Base.metadata, carrying a many-to-many both sides name.
    const tags = table(doc, 'product_tags')
    expect(tags.association).toEqual({ names: ['tags', 'products'], lazy: 'select' })
    expect(tags.indexes.map((i) => i.name)).toEqual(['ix_product_tags_tag'])

    // Single-table inheritance adds Manager's column to employees; joined gives engineers its own table.
    expect(cols(table(doc, 'employees'))).toEqual([
      'id integer not null pk1',
      'kind varchar(50) not null',
      'created_at timestamptz not null',
      'budget numeric(12,2)',
    ])
    expect(cols(table(doc, 'engineers'))).toEqual(['id integer not null pk1', 'language varchar(50) not null'])
    expect(table(doc, 'engineers').columns[0].autoincrement).toBe(false)

    // Relationship options: cascade, passive_deletes, lazy, foreign_keys, a self-reference with remote_side.
    expect(table(doc, 'addresses').foreignKeys[0].orm).toEqual({
      name: 'user',
      backPopulates: 'addresses',
      cascade: ['all', 'delete-orphan'],
      passiveDeletes: true,
      lazy: 'select',
    })
    expect(orders.foreignKeys[0].orm).toMatchObject({ name: 'customer', backPopulates: 'orders', lazy: 'selectin' })
    expect(table(doc, 'categories').foreignKeys[0].orm).toMatchObject({ name: 'parent', backPopulates: 'children' })

    // The older style: Column("supplier_name", ...), a key typed by the column it references, backref.
    expect(cols(table(doc, 'suppliers'))).toEqual(['id integer not null pk1', 'supplier_name varchar(80) not null'])
    expect(cols(table(doc, 'supplier_products'))).toEqual([
      'id integer not null pk1',
      'supplier_id integer',
      'code varchar(30)',
    ])
    expect(table(doc, 'supplier_products').foreignKeys[0].orm).toMatchObject({
      name: 'supplier',
      backPopulates: 'products',
    })

    // What was approximated and skipped, each with its file and line.
    const where = (n: { file: string | null; line: number | null; message: string }) =>
      `${n.file!.slice(SHOP.length + 1)}:${n.line}: ${n.message}`
    expect(report.approximated.map(where)).toEqual([
      'models/catalog/products.py:34: products.size: Enum("S", "M", "L") is read as varchar(1) with a CHECK of its values; on PostgreSQL SQLAlchemy would create the type size instead',
      'models/orders.py:19: orders.status: OrderStatus is read as varchar(7) with a CHECK of its names; on PostgreSQL SQLAlchemy would create the type orderstatus instead',
      'legacy.py:14: Supplier.products: backref=supplier is read as back_populates on both sides',
      'models/users.py:29: User.addresses: order_by= is not kept by the model',
    ])
    expect(report.skipped.map(where)).toEqual([
      'models/orders.py:19: status: default computed in Python (OrderStatus.NEW) is not kept; the model keeps literal defaults',
    ])
  })

  it('says what it cannot resolve, with the line, and makes no SQL type up', async () => {
    const { doc, report } = await importSqlalchemyFiles([join(FIXTURES, 'loose', 'hr.py')], 'hr')
    const people = table(doc, 'people')
    // Unknown types are text, said as such; nothing named after a Python class reaches the DDL.
    expect(people.columns.map((c) => [c.name, c.type, c.nativeType])).toEqual([
      ['id', 'text', ''],
      ['kind', 'text', ''],
      ['manager_id', 'integer', ''],
      ['badge', 'text', ''],
    ])
    const notes = [...report.approximated, ...report.skipped].map((n) => `${n.line}: ${n.message}`)
    expect(notes).toEqual(
      expect.arrayContaining([
        '15: id: type id_key could not be resolved; read as text',
        '16: kind: type EmploymentType could not be resolved; read as text',
        '18: badge: type EmploymentType could not be resolved; read as text',
        '17: ForeignKey(Boss.id) on manager_id: its target could not be resolved; the foreign key is left out',
        '19: Person.team points at Team, which is not a mapped class in the files read',
        '22: Person.nickname: a declared_attr whose body is more than one return is not run; left out',
      ]),
    )
    expect(notes).toHaveLength(6)
  })

  it('refuses a file that is not Python, naming the file and line', async () => {
    expect(() => importSqlalchemy('class User(Base:\n    pass\n', 'x', 'broken.py')).toThrow(
      /Python syntax error on line 1 of broken\.py/,
    )
  })
})

/** The oracle's table, and ours in the oracle's terms (types as SQLAlchemy names them). */
interface OracleTable {
  name: string
  schema: string | null
  comment: string | null
  columns: {
    name: string
    type: {
      class: string
      length?: number | null
      precision?: number | null
      scale?: number | null
      timezone?: boolean
      enums?: string[]
    }
    nullable: boolean
    primary_key: boolean
    autoincrement: boolean
    server_default: string | null
  }[]
  primary_key: { name: string | null; columns: string[] }
  foreign_keys: {
    name: string | null
    columns: string[]
    ref_table: string
    ref_columns: string[]
    ondelete: string
    onupdate: string
  }[]
  uniques: { name: string | null; columns: string[] }[]
  checks: { name: string | null; expression: string }[]
  indexes: { name: string | null; columns: string[]; unique: boolean }[]
}

function neutral(t: OracleTable['columns'][number]['type']): string {
  const byClass: Record<string, string> = {
    Integer: 'integer',
    BigInteger: 'bigint',
    SmallInteger: 'smallint',
    Boolean: 'boolean',
    Date: 'date',
    Time: 'time',
    Text: 'text',
    Double: 'double',
    Float: 'double',
    REAL: 'real',
    Uuid: 'uuid',
    LargeBinary: 'blob',
    JSON: 'json',
  }
  if (t.class === 'String' || t.class === 'Enum') return t.length != null ? `varchar(${t.length})` : 'varchar'
  if (t.class === 'Numeric')
    return t.precision != null ? `numeric(${t.precision}${t.scale != null ? `,${t.scale}` : ''})` : 'numeric'
  if (t.class === 'DateTime') return t.timezone ? 'timestamptz' : 'timestamp'
  return byClass[t.class] ?? t.class
}
const sorted = <T>(xs: T[]) => [...xs].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))
const sqlDefault = (d: string | null) =>
  d == null ? null : d === 'now()' ? 'CURRENT_TIMESTAMP' : d.replace(/^'(.*)'$/, '$1')

function asOracle(doc: ModelDocument) {
  return [...doc.tables]
    .sort((a, b) => a.name.localeCompare(b.name))
    .map((t) => ({
      name: t.name,
      schema: t.schema,
      comment: t.comment ?? null,
      columns: t.columns.map((c) => ({
        name: c.name,
        type:
          c.type === 'unknown'
            ? c.nativeType
            : c.length != null
              ? `${c.type}(${c.length}${c.scale != null ? `,${c.scale}` : ''})`
              : c.type,
        nullable: c.nullable,
        primary_key: c.primaryKey > 0,
        autoincrement: c.autoincrement && c.primaryKey > 0,
        server_default: sqlDefault(c.serverDefault),
      })),
      primary_key: {
        name: t.primaryKeyName,
        columns: t.columns
          .filter((c) => c.primaryKey)
          .sort((a, b) => a.primaryKey - b.primaryKey)
          .map((c) => c.name),
      },
      foreign_keys: sorted(
        t.foreignKeys.map((f) => ({
          name: f.name,
          columns: f.columns,
          ref_table: f.refTable,
          ref_columns: f.refColumns,
          ondelete: f.onDelete,
          onupdate: f.onUpdate,
        })),
      ),
      uniques: sorted([
        ...t.uniques.map((u) => ({ name: u.name, columns: u.columns })),
        ...t.columns.filter((c) => c.unique).map((c) => ({ name: null, columns: [c.name] })),
      ]),
      // An enum's CHECK is the model's approximation of SQLAlchemy's enum type, which has none here.
      checks: sorted(
        t.checks
          .filter((c) => !/^\w+ IN \('/.test(c.expression) || c.name)
          .map((c) => ({ name: c.name, expression: c.expression })),
      ),
      indexes: sorted(t.indexes.map((i) => ({ name: i.name, columns: i.columns, unique: i.unique }))),
    }))
}
const oracleShape = (ts: OracleTable[]) =>
  ts.map((t) => ({
    ...t,
    columns: t.columns.map((c) => ({ ...c, type: neutral(c.type), server_default: sqlDefault(c.server_default) })),
    foreign_keys: sorted(t.foreign_keys),
    uniques: sorted(t.uniques),
    checks: sorted(t.checks),
    indexes: sorted(t.indexes),
  }))

describe.skipIf(why !== null)(
  `the same tables SQLAlchemy 2.1 builds from the package${why ? ` (skipped: ${why})` : ''}`,
  () => {
    it('every table, column, type, key, constraint name and index of the shop package', async () => {
      const r = spawnSync('python3', [join(__dirname, 'sqlalchemy-oracle.py'), FIXTURES, 'shop', 'shop.legacy'], {
        env: { ...process.env, PYTHONPATH: VENDOR, PYTHONDONTWRITEBYTECODE: '1' },
        encoding: 'utf8',
      })
      expect(r.stderr).toBe('')
      const oracle = JSON.parse(r.stdout) as OracleTable[]
      const { doc } = await importSqlalchemyFiles([SHOP], 'shop')
      expect(asOracle(doc)).toEqual(oracleShape(oracle))
    }, 60_000)
  },
)

describe('export then import gives the same model', () => {
  it('for generated models: keyless tables, composite keys, enums as checks, indexes, named constraints, relationships', () => {
    fc.assert(
      fc.property(arbitraryModel(), (doc) => {
        const code = exportSqlalchemy(doc)
        const { doc: back, report } = importSqlalchemy(code, doc.name)
        expect(report.skipped).toEqual([])
        expect(modelStructure(back, { constraintNames: true })).toEqual(modelStructure(doc, { constraintNames: true }))
        const orm = (d: ModelDocument) =>
          d.tables
            .map((t) => ({
              name: t.name,
              association: t.association ?? null,
              fks: sorted(t.foreignKeys.map((f) => ({ columns: f.columns, orm: f.orm ?? null }))),
            }))
            .sort((a, b) => a.name.localeCompare(b.name))
        expect(orm(back)).toEqual(orm(doc))
      }),
      { numRuns: 200, seed: 20261206 },
    )
  })
})
