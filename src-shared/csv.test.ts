import { describe, expect, it } from 'vitest'
import { csvLine, parseCsv, toTsv } from './csv'

describe('CSV', () => {
  it('reads quotes, doubled quotes, delimiters and line breaks inside fields, CRLF and a BOM', () => {
    const text = '\ufeffid,name,note\r\n1,"Иван ""Грозный""","a, b"\r\n2,Ольга,"line1\nline2"\r\n3,,\n'
    expect(parseCsv(text)).toEqual([
      ['id', 'name', 'note'],
      ['1', 'Иван "Грозный"', 'a, b'],
      ['2', 'Ольга', 'line1\nline2'],
      ['3', '', ''],
    ])
  })

  it('round-trips what it writes', () => {
    const rows = [['a', 'b,c', 'd"e', ' f', 'g\nh', '']]
    expect(parseCsv(rows.map((r) => csvLine(r)).join('\n'))).toEqual(rows)
  })

  it('reads TSV and writes clipboard TSV', () => {
    expect(parseCsv('a\tb\n1\t2', '\t')).toEqual([
      ['a', 'b'],
      ['1', '2'],
    ])
    expect(
      toTsv([
        ['x', 'y\tz'],
        ['1\n2', '3'],
      ]),
    ).toBe('x\ty z\n1 2\t3')
  })
})
