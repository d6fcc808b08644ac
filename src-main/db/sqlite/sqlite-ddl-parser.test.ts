import { describe, expect, it } from 'vitest'
import { parseChecks } from './sqlite-ddl-parser'

describe("reading CHECK constraints from SQLite's CREATE TABLE text", () => {
  it('reads past a parenthesis inside any quoting SQLite accepts: strings, "names", [names] and `names`', () => {
    const sql = `CREATE TABLE t ([a)b] int CHECK ([a)b] > 0), \`c)d\` int CHECK (\`c)d\` < 9), "e)f" text CONSTRAINT named CHECK ("e)f" <> ')'))`
    expect(parseChecks(sql)).toEqual([
      { name: null, expression: '[a)b] > 0' },
      { name: null, expression: '`c)d` < 9' },
      { name: 'named', expression: `"e)f" <> ')'` },
    ])
  })
})
