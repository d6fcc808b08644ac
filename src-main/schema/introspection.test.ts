import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { DatabaseSchema, Table } from '../../src-shared/schema'
import type { Driver } from '../db/driver'
import { PostgresDriver } from '../db/postgres/pg-driver'
import { SqliteDriver } from '../db/sqlite/sqlite-driver'
import { SAMPLE_TABLES, SAMPLE_VIEWS } from '../sample/sample-schema'
import { pgConfig, tempSqlitePath } from '../test-support/databases'

/**
 * What must agree across engines: everything but the engine's own spellings (native type
 * names, generated constraint names, default expressions' casts, view text).
 */
function comparable(s: DatabaseSchema) {
  return s.tables
    .map((t: Table) => ({
      name: t.name,
      kind: t.kind,
      // A view's computed columns have no declared type on SQLite, so views compare by name.
      columns: t.columns.map((c) =>
        t.kind === 'view'
          ? { name: c.name }
          : {
              name: c.name,
              type: c.type,
              length: c.length,
              nullable: c.nullable,
              pk: c.primaryKey,
              auto: c.autoincrement,
              unique: c.unique,
              hasDefault: c.serverDefault != null,
            },
      ),
      foreignKeys: t.foreignKeys.map((f) => ({
        columns: f.columns,
        refTable: f.refTable,
        refColumns: f.refColumns,
        onDelete: f.onDelete,
        onUpdate: f.onUpdate,
      })),
      uniques: t.uniques.map((u) => u.columns),
      checks: t.checks.map((c) => c.name),
      indexes: t.indexes.map((i) => ({ name: i.name, columns: i.columns, unique: i.unique })),
    }))
    .sort((a, b) => a.name.localeCompare(b.name))
}

describe('introspection of the sample schema', () => {
  let sqlite: Driver
  let pg: Driver
  beforeAll(async () => {
    const path = tempSqlitePath('sample.sqlite')
    copyFileSync(join(__dirname, '../../resources/sample.sqlite'), path)
    sqlite = await SqliteDriver.open({ engine: 'sqlite', path, create: false, readOnly: false })
    pg = await PostgresDriver.open(pgConfig())
  })
  afterAll(async () => {
    await sqlite?.close()
    await pg?.close()
  })

  it('gives the same schema model on SQLite and PostgreSQL', async () => {
    const a = comparable(await sqlite.dialect.introspect(sqlite))
    const b = comparable(await pg.dialect.introspect(pg))
    expect(a).toEqual(b)
    expect(a.map((t) => t.name)).toEqual([...SAMPLE_TABLES, ...SAMPLE_VIEWS].map((t) => t.name).sort())
  })

  it('reads keys, foreign keys with actions, uniques, checks and indexes as declared', async () => {
    for (const d of [sqlite, pg]) {
      const s = await d.dialect.introspect(d)
      const byName = new Map(s.tables.map((t) => [t.name, t]))
      const users = byName.get('users')!
      expect(users.columns.find((c) => c.name === 'id')).toMatchObject({
        primaryKey: 1,
        autoincrement: true,
        nullable: false,
      })
      expect(users.columns.find((c) => c.name === 'login')).toMatchObject({ unique: true, type: 'varchar', length: 50 })
      expect(users.columns.find((c) => c.name === 'created_at')?.serverDefault).toMatch(/CURRENT_TIMESTAMP/i)
      const profiles = byName.get('profiles')!
      expect(profiles.foreignKeys).toEqual([
        expect.objectContaining({ columns: ['user_id'], refTable: 'users', refColumns: ['id'], onDelete: 'CASCADE' }),
      ])
      expect(profiles.columns.find((c) => c.name === 'user_id')?.unique).toBe(true)
      const cityUser = byName.get('city_user')!
      expect(cityUser.columns.map((c) => c.primaryKey)).toEqual([1, 2])
      expect(cityUser.foreignKeys.map((f) => f.refTable).sort()).toEqual(['cities', 'users'])
      const posts = byName.get('posts')!
      expect(posts.checks).toEqual([
        { name: 'posts_title_not_blank', expression: expect.stringMatching(/length\(.*title.*\) > 0/) },
      ])
      expect(posts.indexes).toEqual([{ name: 'posts_user_id_idx', columns: ['user_id'], unique: false, where: null }])
      expect(byName.get('user_post_counts')?.kind).toBe('view')
      expect(byName.get('course_teacher_rooms')?.columns.every((c) => c.primaryKey === 0)).toBe(true)
    }
  })
})
