import type { TableRef } from '../../../src-shared/model/schema-ops'
import { DdlCompiler } from '../ddl-compiler'
import { touchName } from './pg-names'

/**
 * A body quoted with a dollar tag it does not contain: names inside it (a column called `$$a`)
 * cannot end the quote early. Tags stay letters only, as the statement splitter reads them.
 */
function dollarQuoted(body: string): string {
  let tag = '$$'
  for (let n = 0; body.includes(tag); n++) tag = `$${'q'.repeat(n + 1)}$`
  return `${tag}${body}${tag}`
}

/**
 * PostgreSQL's DDL: the standard compiler, with a type change that converts the stored values
 * (USING), constraints the engine named found in its catalog, and on-update triggers in PL/pgSQL.
 */
export class PgDdl extends DdlCompiler {
  protected override alterTypeSql(table: string, column: string, typeSql: string): string {
    return `ALTER TABLE ${table} ALTER COLUMN ${this.q(column)} TYPE ${typeSql} USING ${this.q(column)}::${typeSql}`
  }

  protected override dropConstraintSql(
    t: TableRef,
    kind: 'primary' | 'unique' | 'foreign' | 'check',
    name: string | null,
    columns: string[],
  ): string {
    const qt = this.qt(t)
    if (name) return `ALTER TABLE ${qt} DROP CONSTRAINT ${this.q(name)}`
    // The engine named it: find the constraint of that kind on exactly these columns, in order.
    const contype = { primary: 'p', unique: 'u', foreign: 'f', check: 'c' }[kind]
    const lit = (v: string) => `'${v.replaceAll("'", "''")}'`
    const rel = lit(qt)
    const cols = `ARRAY[${columns.map(lit).join(', ')}]::text[]`
    return `DO ${dollarQuoted(` DECLARE n text; BEGIN SELECT conname INTO n FROM pg_constraint WHERE conrelid = ${rel}::regclass AND contype = '${contype}' AND (SELECT array_agg(a.attname::text ORDER BY k.i) FROM unnest(conkey) WITH ORDINALITY k(n, i) JOIN pg_attribute a ON a.attrelid = conrelid AND a.attnum = k.n) = ${cols} LIMIT 1; IF n IS NULL THEN RAISE EXCEPTION 'no such constraint on %', ${rel}; END IF; EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', ${rel}, n); END `)}`
  }

  override onUpdateTriggerSql(t: TableRef, column: string, expression: string): string[] {
    const name = touchName(t.name, column)
    const fn = this.d.qualify(t.schema, name)
    return [
      `CREATE OR REPLACE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS ${dollarQuoted(` BEGIN NEW.${this.q(column)} := ${expression}; RETURN NEW; END `)}`,
      `DROP TRIGGER IF EXISTS ${this.q(name)} ON ${this.qt(t)}`,
      `CREATE TRIGGER ${this.q(name)} BEFORE UPDATE ON ${this.qt(t)} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
    ]
  }

  override dropOnUpdateTriggerSql(t: TableRef, nameTable: string, column: string): string[] {
    const name = touchName(nameTable, column)
    return [
      `DROP TRIGGER IF EXISTS ${this.q(name)} ON ${this.qt(t)}`,
      `DROP FUNCTION IF EXISTS ${this.d.qualify(t.schema, name)}()`,
    ]
  }
}
