import type { SchemaOp, TableChange, TableRef } from '../../../src-shared/model/schema-ops'
import type { Column, Table } from '../../../src-shared/schema'
import { DdlCompiler, type DdlStep } from '../ddl-compiler'

/** The CAST target for a column's type: CAST has a short list of its own. */
function castType(c: Column): string {
  switch (c.type) {
    case 'integer':
    case 'bigint':
    case 'smallint':
      return 'SIGNED'
    case 'boolean':
      return 'UNSIGNED'
    case 'numeric':
      return c.length != null ? `DECIMAL(${c.length}${c.scale != null ? `,${c.scale}` : ''})` : 'DECIMAL(65,30)'
    case 'real':
    case 'double':
      return 'DOUBLE'
    case 'date':
      return 'DATE'
    case 'time':
      return 'TIME'
    case 'timestamp':
    case 'timestamptz':
      return 'DATETIME(6)'
    case 'blob':
      return 'BINARY'
    default:
      return 'CHAR'
  }
}

/**
 * MariaDB's (and MySQL's) DDL: the standard compiler, with a column changed by MODIFY COLUMN
 * (its whole definition at once: type, nullability and default together), foreign keys, uniques
 * and checks dropped by their own words, AUTO_INCREMENT for identities, and no partial indexes.
 * Every DDL statement commits implicitly: a migration cannot roll back, so callers say so.
 */
export class MariadbDdl extends DdlCompiler {
  protected override alterColumn(t: Table, o: Column, n: Column): DdlStep[] {
    const same =
      o.type === n.type &&
      o.length === n.length &&
      o.scale === n.scale &&
      o.nullable === n.nullable &&
      (o.serverDefault ?? null) === (n.serverDefault ?? null) &&
      o.autoincrement === n.autoincrement
    if (same) return []
    return [
      {
        sql: `ALTER TABLE ${this.qt(t)} MODIFY COLUMN ${this.columnSql({ ...n, primaryKey: n.primaryKey ? 2 : 0, unique: false }, false)}`,
        note: `${t.name}.${n.name}: ${o.type} → ${n.type}${o.nullable !== n.nullable ? (n.nullable ? ', nullable' : ', NOT NULL') : ''}`,
      },
    ]
  }

  override columnSql(c: Column, singlePk: boolean): string {
    let s = `${this.q(c.name)} ${this.typeSql(c, singlePk)}`
    if (!c.nullable || c.primaryKey > 0) s += ' NOT NULL'
    if (c.autoincrement && c.primaryKey > 0) s += ' AUTO_INCREMENT'
    if (singlePk && c.primaryKey === 1) s += ' PRIMARY KEY'
    if (c.unique) s += ' UNIQUE'
    if (c.serverDefault != null) s += ` DEFAULT ${c.serverDefault}`
    return s
  }

  override createIndexSql(
    table: TableRef,
    ix: { name: string; columns: string[]; unique: boolean; where: string | null },
  ): string {
    // MariaDB has no partial indexes: the index covers every row (the diff warns of it).
    return `CREATE ${ix.unique ? 'UNIQUE ' : ''}INDEX ${this.q(ix.name)} ON ${this.qt(table)} (${ix.columns.map((x) => this.q(x)).join(', ')})`
  }

  /** CAST takes its own type names here: CHAR for text, SIGNED for integers, DECIMAL, DOUBLE, dates. */
  protected override copyRowsSql(op: Extract<SchemaOp, { op: 'copyRows' }>): string {
    const casts = Object.fromEntries(
      Object.entries(op.casts ?? {}).map(([k, c]) => [k, { ...c, type: 'unknown' as const, nativeType: castType(c) }]),
    )
    return super.copyRowsSql({ ...op, casts: Object.keys(casts).length ? casts : op.casts })
  }

  protected override renameTableSql(t: TableRef, name: string): string {
    return `RENAME TABLE ${this.qt(t)} TO ${this.q(name)}`
  }

  protected override dropConstraintSql(
    t: TableRef,
    kind: 'primary' | 'unique' | 'foreign' | 'check',
    name: string | null,
    columns: string[],
  ): string {
    const T = this.qt(t)
    if (kind === 'primary') return `ALTER TABLE ${T} DROP PRIMARY KEY`
    if (kind === 'foreign' && name) return `ALTER TABLE ${T} DROP FOREIGN KEY ${this.q(name)}`
    // A unique constraint is an index, named after its first column when the DDL named none.
    if (kind === 'unique') return `ALTER TABLE ${T} DROP INDEX ${this.q(name ?? columns[0])}`
    return super.dropConstraintSql(t, kind, name, columns)
  }

  override onUpdateTriggerSql(t: TableRef, column: string, expression: string): string[] {
    const name = `${t.name}_${column}_touch`
    return [
      `DROP TRIGGER IF EXISTS ${this.q(name)}`,
      `CREATE TRIGGER ${this.q(name)} BEFORE UPDATE ON ${this.qt(t)} FOR EACH ROW SET NEW.${this.q(column)} = ${expression}`,
    ]
  }

  override dropOnUpdateTriggerSql(_t: TableRef, nameTable: string, column: string): string[] {
    return [`DROP TRIGGER IF EXISTS ${this.q(`${nameTable}_${column}_touch`)}`]
  }

  protected override change(t: Table, c: TableChange, warnings: string[]): DdlStep[] {
    if (c.op === 'dropIndex')
      return [{ sql: `DROP INDEX ${this.q(c.index.name)} ON ${this.qt(t)}`, note: `drop index ${c.index.name}` }]
    if (c.op === 'reorderColumns') return this.reorder(t, c.columns, c.from)
    return super.change(t, c, warnings)
  }

  /**
   * Columns put in a new order by MODIFY COLUMN ... FIRST / AFTER (with the column's whole
   * definition, as MODIFY asks), one moved column at a time: walking the new order, a column
   * not yet in its place moves behind the one before it.
   */
  private reorder(t: Table, wanted: Column[], from: string[]): DdlStep[] {
    const now = [...from]
    const out: DdlStep[] = []
    wanted.forEach((c, i) => {
      if (now[i] === c.name) return
      now.splice(now.indexOf(c.name), 1)
      now.splice(i, 0, c.name)
      const place = i === 0 ? 'FIRST' : `AFTER ${this.q(wanted[i - 1].name)}`
      out.push({
        sql: `ALTER TABLE ${this.qt(t)} MODIFY COLUMN ${this.columnSql({ ...c, primaryKey: c.primaryKey ? 2 : 0, unique: false }, false)} ${place}`,
        note: `move ${t.name}.${c.name} ${i === 0 ? 'first' : `after ${wanted[i - 1].name}`}`,
      })
    })
    return out
  }

  protected override alterTypeSql(table: string, column: string, typeSql: string): string {
    return `ALTER TABLE ${table} MODIFY COLUMN ${this.q(column)} ${typeSql}`
  }
}
