import { ENGINES } from '../../src-shared/engines'
import { AppError } from '../../src-shared/errors'
import { sameType } from '../../src-shared/model/schema-diff'
import type { SchemaOp, SchemaTarget, TableChange, TableRef } from '../../src-shared/model/schema-ops'
import { primaryKeyColumns, type Column, type ForeignKey, type Index, type Table } from '../../src-shared/schema'
import type { Dialect } from './dialect'

/**
 * The one DDL compiler: schema operations (`src-shared/model/schema-ops.ts`) to SQL statements.
 * This class writes standard SQL; an engine's folder overrides what its engine spells
 * differently (`pg-ddl.ts`: ALTER COLUMN TYPE with USING, constraints the engine named;
 * `sqlite-ddl.ts`: a table that cannot be altered in place is rebuilt). Kysely and Alembic
 * are built the same way: one default compiler, per-dialect overrides, no branches on engines.
 */

export interface DdlStep {
  sql: string
  /** What the statement is for, in words. */
  note: string
}

/** A view that reads tables a rebuild replaces: dropped before and made again after. */
export interface LiveView {
  schema: string | null
  name: string
  definition: string
}

export interface CompileContext {
  /** The database's views, for engines that must drop and recreate them around a table rebuild. */
  views?: LiveView[]
}

export interface CompiledDdl {
  steps: DdlStep[]
  warnings: string[]
  /** Run before BEGIN (SQLite turns foreign keys off to rebuild tables). */
  before: string[]
  /** A query run before COMMIT that returns rows when the data breaks a foreign key. */
  check: string | null
  after: string[]
}

const INTEGERS = new Set(['integer', 'bigint', 'smallint'])

/** What a diff needs to know of the engine it writes for, from the registry and the dialect. */
export function schemaTarget(d: Dialect): SchemaTarget {
  return {
    engine: ENGINES[d.name].label,
    schemas: d.capabilities.schemas,
    defaultSchema: d.defaultSchema,
    forwardReferences: d.capabilities.forwardReferences,
    rowidKeys: d.capabilities.rowidKeys,
    reorderColumns: d.capabilities.reorderColumns,
  }
}

export class DdlCompiler {
  constructor(protected readonly d: Dialect) {}

  protected q(name: string): string {
    return this.d.quoteIdent(name)
  }

  protected qt(t: TableRef): string {
    return this.d.qualify(t.schema, t.name)
  }

  /** The operations as statements, each with what it is for. */
  compile(ops: SchemaOp[], _context: CompileContext = {}): CompiledDdl {
    const out: CompiledDdl = { steps: [], warnings: [], before: [], check: null, after: [] }
    for (const op of ops) {
      const steps = this.op(op, out.warnings)
      for (const s of steps) out.steps.push(op.note ? { ...s, note: op.note } : s)
    }
    return out
  }

  /** Just the statements, for callers that run them in order. */
  statements(ops: SchemaOp[]): string[] {
    return this.compile(ops).steps.map((s) => s.sql)
  }

  protected op(op: SchemaOp, warnings: string[]): DdlStep[] {
    const s = (sql: string, note: string): DdlStep => ({ sql, note })
    switch (op.op) {
      case 'createSchema':
        return [s(`CREATE SCHEMA IF NOT EXISTS ${this.q(op.schema)}`, `schema ${op.schema}`)]
      case 'setTableSchema':
        return [
          s(
            `ALTER TABLE ${this.qt(op.table)} SET SCHEMA ${this.q(op.schema)}`,
            `move table ${op.table.name} to schema ${op.schema}`,
          ),
        ]
      case 'renameTable':
        return [s(this.renameTableSql(op.table, op.name), `rename table ${op.table.name} to ${op.name}`)]
      case 'createTable': {
        const [create, ...indexes] = this.createTableSql(op.table, op.ifNotExists)
        return [s(create, `create table ${op.table.name}`), ...indexes.map((i) => s(i, `index on ${op.table.name}`))]
      }
      case 'createView':
        return [s(`CREATE VIEW ${this.qt(op.view)} AS ${op.definition}`, `view ${op.view.name}`)]
      case 'dropView':
        return [s(`DROP VIEW ${this.qt(op.view)}`, `drop view ${op.view.name}`)]
      case 'dropTable':
        return [s(`DROP TABLE ${op.ifExists ? 'IF EXISTS ' : ''}${this.qt(op.table)}`, `drop table ${op.table.name}`)]
      case 'createIndex':
        return [s(this.createIndexSql(op.table, op.index), `create index ${op.index.name}`)]
      case 'dropColumn':
        return [
          s(
            `ALTER TABLE ${this.qt(op.table)} DROP COLUMN ${this.q(op.column)}`,
            `drop column ${op.table.name}.${op.column}`,
          ),
        ]
      case 'setOnUpdate':
        return this.onUpdateTriggerSql(op.table, op.column, op.expression, op.key).map((x) =>
          s(x, `${op.table.name}.${op.column} on update`),
        )
      case 'addForeignKey':
        return [
          s(
            `ALTER TABLE ${this.qt(op.table)} ADD ${this.foreignKeySql(op.foreignKey)}`,
            `foreign key ${op.table.name}(${op.foreignKey.columns.join(', ')}) → ${op.foreignKey.refTable}`,
          ),
        ]
      case 'dropForeignKey':
        return [
          s(
            this.dropConstraintSql(op.table, 'foreign', op.foreignKey.name, op.foreignKey.columns),
            `drop foreign key ${op.table.name}(${op.foreignKey.columns.join(', ')}) → ${op.foreignKey.refTable}`,
          ),
        ]
      case 'copyRows':
        return [s(this.copyRowsSql(op), `fill ${op.into.name} from ${op.from.name}`)]
      case 'insertRows':
        return op.rows.length
          ? [
              s(
                `INSERT INTO ${this.qt(op.table)} (${op.columns.map((c) => this.q(c)).join(', ')}) VALUES ${op.rows
                  .map((r) => `(${r.map((v) => this.d.sqlLiteral(v)).join(', ')})`)
                  .join(', ')}`,
                `rows of ${op.table.name}`,
              ),
            ]
          : []
      case 'alterTable':
        return op.changes.flatMap((c) => this.change(op.table, c, warnings))
    }
  }

  /** One in-place change of a table, by its standard ALTER TABLE. */
  protected change(t: Table, c: TableChange, warnings: string[]): DdlStep[] {
    const T = this.qt(t)
    const s = (sql: string, note: string): DdlStep => ({ sql, note })
    switch (c.op) {
      case 'dropIndex':
        return [s(`DROP INDEX ${this.d.qualify(t.schema, c.index.name)}`, `drop index ${c.index.name}`)]
      case 'createIndex':
        return [s(this.createIndexSql(t, c.index), `create index ${c.index.name}`)]
      case 'dropUnique':
        return [
          s(
            this.dropConstraintSql(t, 'unique', c.unique.name, c.unique.columns),
            c.unique.name || c.unique.columns.length > 1
              ? `drop unique (${c.unique.columns.join(', ')})`
              : `${t.name}.${c.unique.columns[0]} no longer unique`,
          ),
        ]
      case 'addUnique':
        return [
          s(
            `ALTER TABLE ${T} ADD ${this.constraintName(c.unique.name)}UNIQUE (${c.unique.columns.map((x) => this.q(x)).join(', ')})`,
            `unique (${c.unique.columns.join(', ')})`,
          ),
        ]
      case 'dropCheck':
        if (c.check.name) return [s(this.dropConstraintSql(t, 'check', c.check.name, []), `drop check ${c.check.name}`)]
        warnings.push(
          `The check (${c.check.expression}) on ${t.name} has no name, so it cannot be dropped by name; it stays.`,
        )
        return []
      case 'addCheck':
        return [
          s(
            `ALTER TABLE ${T} ADD ${this.constraintName(c.check.name)}CHECK (${c.check.expression})`,
            `check (${c.check.expression})`,
          ),
        ]
      case 'dropPrimaryKey':
        return [s(this.dropConstraintSql(t, 'primary', c.name, c.columns), `drop primary key of ${t.name}`)]
      case 'addPrimaryKey':
        return [
          s(
            `ALTER TABLE ${T} ADD ${this.constraintName(c.name)}PRIMARY KEY (${c.columns.map((x) => this.q(x)).join(', ')})`,
            `primary key of ${t.name}`,
          ),
        ]
      case 'renameColumn':
        return [
          s(
            `ALTER TABLE ${T} RENAME COLUMN ${this.q(c.column)} TO ${this.q(c.name)}`,
            `rename column ${t.name}.${c.column} to ${c.name}`,
          ),
        ]
      case 'addColumn':
        return [
          s(
            `ALTER TABLE ${T} ADD COLUMN ${this.columnSql({ ...c.column, primaryKey: 0 }, false)}`,
            `add column ${t.name}.${c.column.name}`,
          ),
        ]
      case 'dropColumn':
        return [s(`ALTER TABLE ${T} DROP COLUMN ${this.q(c.column)}`, `drop column ${t.name}.${c.column}`)]
      case 'alterColumn':
        return this.alterColumn(t, c.from, c.to)
      case 'dropOnUpdate':
        return this.dropOnUpdateTriggerSql(t, c.nameTable, c.column).map((x) =>
          s(x, `${c.nameTable}.${c.column} no longer set on update`),
        )
      case 'setOnUpdate':
        return this.onUpdateTriggerSql(t, c.column, c.expression, c.key).map((x) =>
          s(x, `${t.name}.${c.column} on update`),
        )
      case 'reorderColumns':
        // Standard SQL has no column positions; an engine that has them (or rebuilds) says so.
        warnings.push(`${t.name}'s columns keep their order: ${this.d.name} cannot move a column.`)
        return []
    }
  }

  /** A column's type, default, identity and nullability, each by its own statement. */
  protected alterColumn(t: Table, o: Column, n: Column): DdlStep[] {
    const T = this.qt(t)
    const out: DdlStep[] = []
    if (!sameType(o, n))
      out.push({
        sql: this.alterTypeSql(T, n.name, this.typeSql({ ...n, autoincrement: false }, false)),
        note: `${t.name}.${n.name}: ${o.type} → ${n.type}`,
      })
    if ((o.serverDefault ?? null) !== (n.serverDefault ?? null))
      out.push({ sql: this.setDefaultSql(T, n.name, n.serverDefault), note: `${t.name}.${n.name} default` })
    if (o.autoincrement !== n.autoincrement && INTEGERS.has(n.type))
      out.push({
        sql: this.setIdentitySql(T, n.name, n.autoincrement),
        note: `${t.name}.${n.name} ${n.autoincrement ? 'autoincrements' : 'no longer autoincrements'}`,
      })
    if (o.nullable !== n.nullable && n.primaryKey === 0)
      out.push({
        sql: this.setNotNullSql(T, n.name, !n.nullable),
        note: `${t.name}.${n.name} ${n.nullable ? 'nullable' : 'NOT NULL'}`,
      })
    return out
  }

  // Building blocks, public for the callers that show one table's DDL.

  /** CREATE TABLE, then CREATE INDEX for each of its indexes. */
  createTableSql(table: Table, ifNotExists = false): string[] {
    const pk = primaryKeyColumns(table)
    const singlePk = pk.length === 1
    const lines = table.columns.map((c) => this.columnSql(c, singlePk))
    if (pk.length > 1)
      lines.push(`${this.constraintName(table.primaryKeyName)}PRIMARY KEY (${pk.map((x) => this.q(x)).join(', ')})`)
    for (const u of table.uniques)
      lines.push(`${this.constraintName(u.name)}UNIQUE (${u.columns.map((x) => this.q(x)).join(', ')})`)
    for (const ck of table.checks) lines.push(`${this.constraintName(ck.name)}CHECK (${ck.expression})`)
    for (const fk of table.foreignKeys) lines.push(this.foreignKeySql(fk))
    return [
      `CREATE TABLE ${ifNotExists ? 'IF NOT EXISTS ' : ''}${this.qt(table)} (\n  ${lines.join(',\n  ')}\n)`,
      ...table.indexes.map((ix) => this.createIndexSql(table, ix)),
    ]
  }

  createViewSql(view: Table): string {
    return `CREATE VIEW ${this.qt(view)} AS ${view.definition}`
  }

  /** A FOREIGN KEY clause, for CREATE TABLE or for `ALTER TABLE ... ADD`. */
  foreignKeySql(fk: ForeignKey): string {
    const cols = (xs: string[]) => xs.map((x) => this.q(x)).join(', ')
    let s = `${this.constraintName(fk.name)}FOREIGN KEY (${cols(fk.columns)}) REFERENCES ${this.d.qualify(fk.refSchema, fk.refTable)} (${cols(fk.refColumns)})`
    if (fk.onDelete !== 'NO ACTION') s += ` ON DELETE ${fk.onDelete}`
    if (fk.onUpdate !== 'NO ACTION') s += ` ON UPDATE ${fk.onUpdate}`
    return s
  }

  createIndexSql(table: TableRef, ix: Index): string {
    return `CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ${this.q(ix.name)} ON ${this.qt(table)} (${ix.columns.map((x) => this.q(x)).join(', ')})${ix.where ? ` WHERE ${ix.where}` : ''}`
  }

  /** A column's line in CREATE TABLE (or ADD COLUMN). */
  columnSql(c: Column, singlePk: boolean): string {
    let s = `${this.q(c.name)} ${this.typeSql(c, singlePk)}`.trimEnd()
    // NOT NULL on a key too: SQLite lets a non-INTEGER PRIMARY KEY hold NULLs unless told otherwise.
    if (!c.nullable) s += ' NOT NULL'
    if (singlePk && c.primaryKey === 1) s += ' PRIMARY KEY'
    if (c.unique) s += ' UNIQUE'
    if (c.serverDefault != null) s += ` DEFAULT ${c.serverDefault}`
    return s
  }

  /** A type the neutral list does not know (a PostgreSQL enum, say) keeps the engine's own spelling. */
  protected typeSql(c: Column, singlePk: boolean): string {
    return c.type === 'unknown' && c.nativeType ? c.nativeType : this.d.columnTypeSql(c, singlePk)
  }

  protected constraintName(name: string | null): string {
    return name ? `CONSTRAINT ${this.q(name)} ` : ''
  }

  protected renameTableSql(t: TableRef, name: string): string {
    return `ALTER TABLE ${this.qt(t)} RENAME TO ${this.q(name)}`
  }

  protected copyRowsSql(op: Extract<SchemaOp, { op: 'copyRows' }>): string {
    const into = op.columns.map(([n]) => this.q(n)).join(', ')
    const from = op.columns
      .map(([n, o]) => {
        const cast = op.casts?.[n]
        return cast
          ? `CAST(${this.q(o)} AS ${this.typeSql({ ...cast, autoincrement: false, primaryKey: 0 }, false) || 'BLOB'})`
          : this.q(o)
      })
      .join(', ')
    const where = op.notNull.length ? ` WHERE ${op.notNull.map((k) => `${this.q(k)} IS NOT NULL`).join(' AND ')}` : ''
    return `INSERT INTO ${this.qt(op.into)} (${into}) SELECT ${op.distinct ? 'DISTINCT ' : ''}${from} FROM ${this.qt(op.from)}${where}`
  }

  // In-place column and constraint changes: standard SQL, which engines override where they differ.

  protected alterTypeSql(table: string, column: string, typeSql: string): string {
    return `ALTER TABLE ${table} ALTER COLUMN ${this.q(column)} SET DATA TYPE ${typeSql}`
  }

  protected setNotNullSql(table: string, column: string, on: boolean): string {
    return `ALTER TABLE ${table} ALTER COLUMN ${this.q(column)} ${on ? 'SET' : 'DROP'} NOT NULL`
  }

  protected setDefaultSql(table: string, column: string, expression: string | null): string {
    return `ALTER TABLE ${table} ALTER COLUMN ${this.q(column)} ${expression == null ? 'DROP DEFAULT' : `SET DEFAULT ${expression}`}`
  }

  protected setIdentitySql(table: string, column: string, on: boolean): string {
    return `ALTER TABLE ${table} ALTER COLUMN ${this.q(column)} ${on ? 'ADD GENERATED BY DEFAULT AS IDENTITY' : 'DROP IDENTITY IF EXISTS'}`
  }

  /**
   * Drop a constraint: by name when the model knows it. One the engine named is found by its kind
   * and columns, which only an engine's override knows how to ask its catalog.
   */
  protected dropConstraintSql(
    t: TableRef,
    _kind: 'primary' | 'unique' | 'foreign' | 'check',
    name: string | null,
    columns: string[],
  ): string {
    if (name) return `ALTER TABLE ${this.qt(t)} DROP CONSTRAINT ${this.q(name)}`
    throw new AppError(
      'BAD_REQUEST',
      `The constraint on ${t.name} (${columns.join(', ')}) has no name, and ${ENGINES[this.d.name].label} cannot drop it by its columns`,
    )
  }

  /**
   * Statements that set `column` to `expression` on every UPDATE of a row (the notes'
   * `onupdate=func.now()` realised in the database). Triggers are not standard enough to have a
   * default: each engine writes its own.
   */
  onUpdateTriggerSql(t: TableRef, _column: string, _expression: string, _key: string[]): string[] {
    throw new AppError('BAD_REQUEST', `${ENGINES[this.d.name].label} cannot set a column on update here (${t.name})`)
  }

  /** Drop the trigger made for `<nameTable>.<column>` from table `t` (its name now, after any rename). */
  dropOnUpdateTriggerSql(t: TableRef, _nameTable: string, _column: string): string[] {
    throw new AppError('BAD_REQUEST', `${ENGINES[this.d.name].label} has no on-update triggers to drop (${t.name})`)
  }
}
