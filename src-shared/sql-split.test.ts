import { describe, expect, it } from 'vitest'
import { splitStatements, statementAt } from './sql-split'

describe('splitting SQL into statements', () => {
  it('splits at semicolons outside strings, identifiers, comments and dollar quotes', () => {
    const sql = `SELECT 'a;b' AS "x;y"; -- c;d\nINSERT INTO t VALUES (1);/* e;f */ CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;  `
    expect(splitStatements(sql).map((s) => s.text)).toEqual([
      `SELECT 'a;b' AS "x;y"`,
      '-- c;d\nINSERT INTO t VALUES (1)',
      '/* e;f */ CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql',
    ])
  })

  it('finds the statement under the cursor', () => {
    const sql = 'SELECT 1;\nSELECT 2;\n\nSELECT 3'
    expect(statementAt(sql, 3)?.text).toBe('SELECT 1')
    expect(statementAt(sql, sql.indexOf('2'))?.text).toBe('SELECT 2')
    expect(statementAt(sql, sql.length)?.text).toBe('SELECT 3')
    expect(statementAt('  ', 1)).toBeNull()
  })
})

describe('splitting scripts the engines themselves accept', () => {
  const texts = (sql: string) => splitStatements(sql).map((s) => s.text)

  it('keeps a SQLite trigger body, CASE ... END inside it included, in one statement', () => {
    const trigger = `CREATE TRIGGER t_touch AFTER UPDATE ON t FOR EACH ROW BEGIN
  UPDATE t SET updated = CASE WHEN NEW.v > 0 THEN 1 ELSE 0 END WHERE id = NEW.id;
  INSERT INTO log VALUES (NEW.id);
END`
    expect(texts(`${trigger};\nSELECT 1;`)).toEqual([trigger, 'SELECT 1'])
    expect(texts(`CREATE TEMP TRIGGER x BEFORE DELETE ON t BEGIN SELECT 1; END; BEGIN; COMMIT;`)).toEqual([
      'CREATE TEMP TRIGGER x BEFORE DELETE ON t BEGIN SELECT 1; END',
      'BEGIN',
      'COMMIT',
    ])
  })

  it('keeps a PostgreSQL BEGIN ATOMIC body in one statement, and a plain BEGIN is a statement of its own', () => {
    const fn = `CREATE FUNCTION add1(a int) RETURNS int LANGUAGE sql BEGIN ATOMIC
  SELECT a + 1;
  SELECT CASE WHEN a > 0 THEN a END;
END`
    expect(texts(`BEGIN;\n${fn};\nCOMMIT`)).toEqual(['BEGIN', fn, 'COMMIT'])
  })

  it('reads nested comments, dollar tags with digits, E-strings with backslash escapes and [bracketed] names', () => {
    expect(texts(`/* outer /* inner; */ still; */ SELECT 1; SELECT 2`)).toEqual([
      '/* outer /* inner; */ still; */ SELECT 1',
      'SELECT 2',
    ])
    expect(texts(`DO $a1$ BEGIN PERFORM 1; END $a1$; SELECT $1::int;`)).toEqual([
      'DO $a1$ BEGIN PERFORM 1; END $a1$',
      'SELECT $1::int',
    ])
    expect(texts(`SELECT E'it\\'s; fine'; SELECT 'x'`)).toEqual([`SELECT E'it\\'s; fine'`, `SELECT 'x'`])
    expect(texts(`SELECT [a;b] FROM [t;1]; SELECT arr[1] FROM x`)).toEqual([
      'SELECT [a;b] FROM [t;1]',
      'SELECT arr[1] FROM x',
    ])
  })
})
