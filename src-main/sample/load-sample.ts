import type { SchemaOp } from '../../src-shared/model/schema-ops'
import type { Driver } from '../db/driver'
import { SAMPLE_ROWS, SAMPLE_TABLES, SAMPLE_VIEWS } from './sample-schema'

/** The sample as schema operations: its tables, its view, its rows. */
export function sampleOps(): SchemaOp[] {
  return [
    ...SAMPLE_TABLES.map((table): SchemaOp => ({ op: 'createTable', table })),
    ...SAMPLE_VIEWS.map((v): SchemaOp => ({ op: 'createView', view: v, definition: v.definition ?? '' })),
    ...SAMPLE_TABLES.flatMap((t): SchemaOp[] => {
      const data = SAMPLE_ROWS[t.name]
      return data ? [{ op: 'insertRows', table: t, columns: data.columns, rows: data.rows }] : []
    }),
  ]
}

/** Create the sample schema and its rows through any driver, in one transaction. */
export async function loadSample(driver: Driver): Promise<void> {
  await driver.query('BEGIN')
  try {
    for (const sql of driver.dialect.ddl.statements(sampleOps())) await driver.query(sql)
    await driver.query('COMMIT')
  } catch (e) {
    await driver.query('ROLLBACK').catch(() => {})
    throw e
  }
}
