import { afterEach, describe, expect, it } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { emptyModel, type ModelDocument } from '../../src-shared/model/document'
import {
  addColumn,
  addTable,
  connect,
  tableById,
  updateColumn,
  updateForeignKey,
  updateTable,
} from '../../src-shared/model/edit'
import { SqliteDriver } from '../db/sqlite/sqlite-driver'
import { createScratchDatabase } from '../model/scratch'
import { registryFromModel } from './model-registry'
import { Session } from './session'
import { select } from './statements'

type Row = Record<string, unknown> & { articles: Row[]; cities_lived: Row[]; residents: Row[] }

/** Authors and articles with the designer's relationship options, and cities through an association table. */
function model(): ModelDocument {
  let doc = emptyModel('press')
  const u = addTable(doc, { className: 'User' })
  doc = addColumn(u.doc, u.id, { name: 'name', type: 'text', nullable: false }).doc
  const nameId = tableById(doc, u.id).columns.find((c) => c.name === 'name')!.id
  doc = updateColumn(doc, u.id, nameId, { appDefault: 'anonymous' })
  const p = addTable(doc, { className: 'Post' })
  doc = addColumn(p.doc, p.id, { name: 'title', type: 'text', nullable: false }).doc
  const fk = connect(doc, { from: p.id, to: u.id, kind: 'many-to-one' })
  doc = updateForeignKey(fk.doc, p.id, fk.foreignKeyIds[0], {
    orm: {
      name: 'author',
      backPopulates: 'articles',
      cascade: ['all', 'delete-orphan'],
      passiveDeletes: false,
      lazy: 'selectin',
    },
  })
  const c = addTable(doc, { className: 'City' })
  doc = addColumn(c.doc, c.id, { name: 'title', type: 'text', nullable: false }).doc
  const m2m = connect(doc, { from: u.id, to: c.id, kind: 'many-to-many' })
  doc = m2m.doc
  return updateTable(doc, m2m.tableId, { association: { names: ['cities_lived', 'residents'], lazy: 'select' } })
}

describe('mappers from a designer model', () => {
  const dirs: string[] = []
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true })
  })

  it("take the model's relationship names, cascades, loading and app defaults, and work on a scratch database", async () => {
    const dir = mkdtempSync(join(tmpdir(), 'schemist-model-orm-'))
    dirs.push(dir)
    const doc = model()
    const path = await createScratchDatabase(dir, doc)
    const driver = await SqliteDriver.open({ engine: 'sqlite', path, create: false, readOnly: false })
    try {
      const registry = registryFromModel(doc, driver.dialect)
      const users = registry.get('users')
      const articles = users.relationships.get('articles')!
      expect([articles.direction, articles.lazy, [...articles.cascade].sort()]).toEqual([
        'onetomany',
        'selectin',
        ['delete', 'delete-orphan', 'expunge', 'merge', 'refresh-expire', 'save-update'],
      ])
      expect(registry.get('posts').relationships.get('author')?.backPopulates).toBe('articles')
      expect([...users.relationships.keys()].sort()).toEqual(['articles', 'cities_lived'])
      expect(registry.get('cities').relationships.get('residents')?.secondary?.table.name).toBe(
        tableById(doc, doc.tables[3].id).name,
      )

      const s = new Session(driver, registry)
      const ann = s.create(users, {}) as Row
      ann.articles.push(s.create('posts', { title: 'First' }) as Row, s.create('posts', { title: 'Second' }) as Row)
      ann.cities_lived.push(s.create('cities', { title: 'Kazan' }) as Row)
      s.add(ann)
      await s.commit()
      // The app-side default filled the name; the association row links the city.
      const assoc = doc.tables.find((t) => t.association)!.name
      expect(
        (
          await driver.query(
            `SELECT u.name, c.title FROM users u JOIN ${assoc} uc ON uc.user_id = u.id JOIN cities c ON c.id = uc.city_id`,
          )
        ).rows,
      ).toEqual([['anonymous', 'Kazan']])

      // lazy="selectin" from the model: the users, then one IN query for their articles.
      const s2 = new Session(driver, registry)
      const [back] = (await s2.execute(select(users))).scalars().all() as Row[]
      expect(back.articles.map((a) => a.title)).toEqual(['First', 'Second'])
      expect(s2.log.statements().filter((x) => x.startsWith('SELECT'))).toHaveLength(2)
      // delete-orphan from the model: an article taken out of the collection is deleted.
      back.articles.splice(0, 1)
      await s2.commit()
      expect((await driver.query('SELECT title FROM posts')).rows).toEqual([['Second']])
    } finally {
      await driver.close()
    }
  })
})
