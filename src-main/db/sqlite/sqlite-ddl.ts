import { sameType } from '../../../src-shared/model/schema-diff'
import { tableRefKey, type SchemaOp, type TableChange, type TableRef } from '../../../src-shared/model/schema-ops'
import { primaryKeyColumns, type Column } from '../../../src-shared/schema'
import { DdlCompiler, type CompileContext, type CompiledDdl, type LiveView } from '../ddl-compiler'

type AlterTable = Extract<SchemaOp, { op: 'alterTable' }>

/** A column ADD COLUMN can take: no key, no constraint, and a default that is a plain literal. */
const plainAdd = (c: Column) =>
  c.primaryKey === 0 &&
  !c.unique &&
  !c.autoincrement &&
  (c.nullable || (c.serverDefault != null && /^(-?\d+(\.\d+)?|'(?:[^']|'')*'|NULL)$/i.test(c.serverDefault.trim())))

/** What SQLite's ALTER TABLE does in place: rename and add columns; indexes and triggers are their own objects. */
const inPlace = (c: TableChange) =>
  c.op === 'renameColumn' ||
  (c.op === 'addColumn' && plainAdd(c.column)) ||
  c.op === 'dropIndex' ||
  c.op === 'createIndex' ||
  c.op === 'dropOnUpdate' ||
  c.op === 'setOnUpdate'

/**
 * SQLite's DDL. Its ALTER TABLE renames and adds columns and nothing more, so a table that
 * changes otherwise is rebuilt by SQLite's own documented procedure (and Alembic's batch mode):
 * create the new shape under another name, copy the rows, drop the old table, rename the new
 * one, make its indexes and triggers again. Views that read a rebuilt table are dropped first
 * and made again after, and foreign keys are off meanwhile (a DROP would otherwise run ON DELETE
 * actions) and checked before COMMIT.
 */
export class SqliteDdl extends DdlCompiler {
  override compile(ops: SchemaOp[], context: CompileContext = {}): CompiledDdl {
    const rebuilt = new Set(
      ops
        .filter((o): o is AlterTable => o.op === 'alterTable')
        .filter(
          (o) =>
            !o.changes.every(inPlace) ||
            ops.some(
              (x) =>
                (x.op === 'addForeignKey' || x.op === 'dropForeignKey') &&
                tableRefKey(x.table) === tableRefKey(o.table),
            ),
        )
        .map((o) => tableRefKey(o.table)),
    )
    if (rebuilt.size === 0) return super.compile(ops, context)
    const out = super.compile(this.withRebuilds(ops, rebuilt, context.views ?? []), context)
    return {
      ...out,
      before: ['PRAGMA foreign_keys = OFF'],
      check: 'PRAGMA foreign_key_check',
      after: ['PRAGMA foreign_keys = ON'],
    }
  }

  /** The operations with each rebuilt table's changes replaced by its rebuild, after every in-place change. */
  private withRebuilds(ops: SchemaOp[], rebuilt: Set<string>, views: LiveView[]): SchemaOp[] {
    const tables = ops.filter((o): o is AlterTable => o.op === 'alterTable' && rebuilt.has(tableRefKey(o.table)))
    // Views name the tables as they were and as they will be.
    const names = new Set(tables.map((o) => o.table.name.toLowerCase()))
    for (const o of ops)
      if (o.op === 'renameTable' && names.has(o.name.toLowerCase())) names.add(o.table.name.toLowerCase())
    const affected = views.filter((v) => [...names].some((n) => v.definition.toLowerCase().includes(n)))
    const rebuilds: SchemaOp[] = [
      ...affected.map((v): SchemaOp => ({
        op: 'dropView',
        view: v,
        note: `drop view ${v.name} while its tables are rebuilt`,
      })),
      ...tables.flatMap((o) => this.rebuild(o)),
      ...affected.map((v): SchemaOp => ({
        op: 'createView',
        view: v,
        definition: v.definition,
        note: `view ${v.name} again`,
      })),
    ]
    const last = ops.findLastIndex((o) => o.op === 'alterTable')
    return ops.flatMap((o, i) => {
      const gone =
        (o.op === 'alterTable' || o.op === 'addForeignKey' || o.op === 'dropForeignKey') &&
        rebuilt.has(tableRefKey(o.table))
      return [...(gone ? [] : [o]), ...(i === last ? rebuilds : [])]
    })
  }

  private rebuild({ table: t, sources }: AlterTable): SchemaOp[] {
    const tmp = { schema: t.schema, name: `_schemist_new_${t.name}` }
    const kept = t.columns.filter((c) => sources[c.name])
    const casts = Object.fromEntries(kept.filter((c) => !sameType(sources[c.name], c)).map((c) => [c.name, c]))
    const key = primaryKeyColumns(t)
    const note = (what: string) => `rebuild ${t.name}: ${what}`
    return [
      { op: 'createTable', table: { ...t, ...tmp, indexes: [] }, note: note('the new shape') },
      {
        op: 'copyRows',
        into: tmp,
        // After a table rename the old table already carries the new name.
        from: t,
        columns: kept.map((c) => [c.name, sources[c.name].name]),
        casts,
        distinct: false,
        notNull: [],
        note: note('copy the rows'),
      },
      { op: 'dropTable', table: t, note: note('drop the old table') },
      { op: 'renameTable', table: tmp, name: t.name, note: note('rename the new table') },
      ...t.indexes.map((index): SchemaOp => ({
        op: 'createIndex',
        table: t,
        index,
        note: note(`index ${index.name}`),
      })),
      ...t.columns
        .filter((c) => c.onUpdate)
        .map((c): SchemaOp => ({ op: 'setOnUpdate', table: t, column: c.name, expression: c.onUpdate!, key })),
    ]
  }

  override onUpdateTriggerSql(t: TableRef, column: string, expression: string, key: string[]): string[] {
    const q = (n: string) => this.q(n)
    const match = key.length ? key.map((k) => `${q(k)} IS NEW.${q(k)}`).join(' AND ') : 'rowid = NEW.rowid'
    // Only when the update left the column alone, so an explicit value wins and the trigger's own UPDATE does not fire it again.
    const name = this.d.qualify(t.schema, `${t.name}_${column}_touch`)
    return [
      `DROP TRIGGER IF EXISTS ${name}`,
      `CREATE TRIGGER ${name} AFTER UPDATE ON ${q(t.name)} FOR EACH ROW WHEN NEW.${q(column)} IS OLD.${q(column)} BEGIN UPDATE ${q(t.name)} SET ${q(column)} = ${expression} WHERE ${match}; END`,
    ]
  }

  override dropOnUpdateTriggerSql(t: TableRef, nameTable: string, column: string): string[] {
    return [`DROP TRIGGER IF EXISTS ${this.d.qualify(t.schema, `${nameTable}_${column}_touch`)}`]
  }
}
