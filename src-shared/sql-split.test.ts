import { describe, expect, it } from 'vitest'
import { splitStatements, statementAt } from './sql-split'

describe('splitting SQL into statements', () => {
  it('splits at semicolons outside strings, identifiers, comments and dollar quotes', () => {
    const sql = `SELECT 'a;b' AS "x;y"; -- c;d\nINSERT INTO t VALUES (1);/* e;f */ CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;  `
    expect(splitStatements(sql).map((s) => s.text)).toEqual([`SELECT 'a;b' AS "x;y"`, '-- c;d\nINSERT INTO t VALUES (1)', '/* e;f */ CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql'])
  })

  it('finds the statement under the cursor', () => {
    const sql = 'SELECT 1;\nSELECT 2;\n\nSELECT 3'
    expect(statementAt(sql, 3)?.text).toBe('SELECT 1')
    expect(statementAt(sql, sql.indexOf('2'))?.text).toBe('SELECT 2')
    expect(statementAt(sql, sql.length)?.text).toBe('SELECT 3')
    expect(statementAt('  ', 1)).toBeNull()
  })
})
