import type { Driver } from '../db/driver'
import { createTableSql, createViewSql } from '../model/ddl'
import { SAMPLE_ROWS, SAMPLE_TABLES, SAMPLE_VIEWS } from './sample-schema'

/** Create the sample schema and its rows through any driver, in one transaction. */
export async function loadSample(driver: Driver): Promise<void> {
  const d = driver.dialect
  await driver.query('BEGIN')
  try {
    for (const t of SAMPLE_TABLES) for (const stmt of createTableSql(t, d)) await driver.query(stmt)
    for (const v of SAMPLE_VIEWS) await driver.query(createViewSql(v, d))
    for (const t of SAMPLE_TABLES) {
      const data = SAMPLE_ROWS[t.name]
      if (!data) continue
      const cols = data.columns.map((c) => d.quoteIdent(c)).join(', ')
      const ph = data.columns.map((_, i) => d.placeholder(i + 1)).join(', ')
      const sql = `INSERT INTO ${d.qualify(t.schema, t.name)} (${cols}) VALUES (${ph})`
      for (const row of data.rows) await driver.query(sql, row)
    }
    await driver.query('COMMIT')
  } catch (e) {
    await driver.query('ROLLBACK').catch(() => {})
    throw e
  }
}
