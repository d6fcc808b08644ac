import { Parser } from '@dbml/core'
import { describe, expect, it } from 'vitest'
import { exportDbml } from './dbml-export'
import { importDbml } from './dbml-import'

// DBML as dbdiagram.io writes it, read through its own parser (@dbml/core).
describe('DBML through the reference parser', () => {
  it('reads every reference action, aliases, notes, arrays, partials, enum defaults and `pk unique`', () => {
    const warnings: string[] = []
    const doc = importDbml(
      `
      TablePartial stamped {
        created_at timestamp [default: \`now()\`]
      }
      Enum mood {
        happy
        sad
      }
      Table users as U {
        id int [pk, unique]
        tags text[] [not null]
        scores int[]
        mood mood [default: 'happy']
        ~stamped
        Note: 'People who sign in'
      }
      Table posts {
        id int [pk]
        a int
        b int
        c int
        d int
        e int
        f int
      }
      Ref: posts.a > U.id [delete: set null]
      Ref: posts.b > U.id [delete: no action, update: cascade]
      Ref: posts.c > U.id [delete: set default]
      Ref: posts.d > U.id [delete: restrict]
      Ref: posts.e > U.id [delete: cascade, update: set null]
      Ref: posts.f - U.id
    `,
      'm',
      warnings,
    )
    const [users, posts] = doc.tables
    expect(users.comment).toBe('People who sign in')
    expect(users.columns.map((c) => [c.name, c.type, c.nativeType, c.nullable, c.primaryKey, c.unique])).toEqual([
      ['id', 'integer', '', false, 1, true],
      ['tags', 'unknown', 'text[]', false, 0, false],
      ['scores', 'unknown', 'int[]', true, 0, false],
      ['mood', 'varchar', '', true, 0, false],
      ['created_at', 'timestamp', '', true, 0, false],
    ])
    expect(users.columns.find((c) => c.name === 'mood')!.serverDefault).toBe("'happy'")
    expect(users.columns.find((c) => c.name === 'created_at')!.serverDefault).toBe('now()')
    expect(users.checks).toEqual([{ name: null, expression: "mood IN ('happy', 'sad')" }])
    expect(posts.foreignKeys.map((f) => [f.columns[0], f.refTable, f.onDelete, f.onUpdate])).toEqual([
      ['a', 'users', 'SET NULL', 'NO ACTION'],
      ['b', 'users', 'NO ACTION', 'CASCADE'],
      ['c', 'users', 'SET DEFAULT', 'NO ACTION'],
      ['d', 'users', 'RESTRICT', 'NO ACTION'],
      ['e', 'users', 'CASCADE', 'SET NULL'],
      ['f', 'users', 'NO ACTION', 'NO ACTION'],
    ])
    // A one-to-one: the side written first holds the key, made unique.
    expect(posts.columns.find((c) => c.name === 'f')!.unique).toBe(true)
    expect(warnings).toEqual([])
  })

  it('says what a model cannot hold instead of dropping it: an expression index, table groups, records', () => {
    const warnings: string[] = []
    const doc = importDbml(
      `
      Table people {
        id int [pk]
        name varchar
        Indexes {
          name
          \`lower(name)\`
        }
      }
      TableGroup everyone {
        people
      }
      Records people(id, name) {
        1, 'Ann'
      }
    `,
      'm',
      warnings,
    )
    expect(doc.tables[0].indexes.map((i) => i.columns)).toEqual([['name']])
    expect(warnings).toEqual([
      'TableGroup everyone was read past: Schemist models have no table groups.',
      expect.stringMatching(/^people: the index on `lower\(name\)` \(line \d+\) was read past/),
      expect.stringMatching(/^people: its records \(sample rows\) were read past/),
    ])
  })

  it('refuses an invalid file with the line and column of each error', () => {
    expect(() => importDbml('Table users {\n  id int\n}\nTable users {\n  id int\n}')).toThrow(
      /DBML line 4, column \d+: Table 'users' already exists/,
    )
    expect(() => importDbml('Table users {\n  id int [pk\n')).toThrow(/DBML line \d+, column \d+: /)
    expect(() => importDbml('Table t {\n  id int\n}\nRef: t.id > nowhere.id')).toThrow(/DBML line 4, column \d+/)
  })

  it('what the designer writes is DBML the reference parser reads, and reads back to the same tables', () => {
    const doc = importDbml(`
      Table authors {
        id int [pk, increment]
        name varchar(80) [not null, unique, note: 'as printed']
      }
      Table books {
        id int [pk]
        author_id int [not null, ref: > authors.id]
        tags text[]
      }
    `)
    const text = exportDbml(doc)
    expect(() => Parser.parse(text, 'dbmlv2')).not.toThrow()
    const back = importDbml(text)
    expect(
      back.tables.map((t) => [t.name, t.columns.map((c) => [c.name, c.type, c.nativeType, c.nullable, c.primaryKey])]),
    ).toEqual(
      doc.tables.map((t) => [t.name, t.columns.map((c) => [c.name, c.type, c.nativeType, c.nullable, c.primaryKey])]),
    )
  })
})
