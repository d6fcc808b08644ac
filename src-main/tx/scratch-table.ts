import { plainTable, type SchemaOp } from '../../src-shared/model/schema-ops'
import type { Dialect } from '../db/dialect'

/**
 * A scratch table of integers keyed by `id`, made afresh with its rows: what the isolation
 * scenarios and the history workload run on, as schema operations for the engine's compiler.
 */
export function scratchTableOps(
  name: string,
  columns: { name: string; nullable: boolean }[],
  rows: number[][],
): SchemaOp[] {
  const ref = { schema: null, name }
  const all = [{ name: 'id', nullable: false }, ...columns]
  return [
    { op: 'dropTable', table: ref, ifExists: true },
    {
      op: 'createTable',
      table: plainTable(
        ref,
        all.map((c, i) => ({ ...c, type: 'integer', nativeType: 'integer', primaryKey: i === 0 ? 1 : 0 })),
      ),
    },
    { op: 'insertRows', table: ref, columns: all.slice(0, rows[0]?.length ?? 0).map((c) => c.name), rows },
  ]
}

/** The statement that drops a scratch table if it is there. */
export const dropScratch = (d: Dialect, name: string) =>
  d.ddl.statements([{ op: 'dropTable', table: { schema: null, name }, ifExists: true }])[0]
