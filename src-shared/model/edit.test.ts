import { describe, expect, it } from 'vitest'
import { emptyModel, parseModelDocument, type ModelDocument, positionOf } from './document'
import {
  addColumn,
  addTable,
  connect,
  deleteColumn,
  deleteTables,
  moveTables,
  duplicateTables,
  moveColumn,
  moveTable,
  setTableSchema,
  renameClass,
  renameTable,
  setNaming,
  setPrimaryKey,
  tableById,
  updateColumn,
} from './edit'
import { validateModel } from './validate'
import { autoLayout, NODE_WIDTH, nodeHeight } from './layout'
import { modelSvg } from './svg'

function twoTables(): { doc: ModelDocument; a: string; b: string } {
  let doc = emptyModel()
  const a = addTable(doc, { className: 'Author' })
  const b = addTable(a.doc, { className: 'Book' })
  doc = connect(b.doc, { from: b.id, to: a.id, kind: 'many-to-one' }).doc
  return { doc, a: a.id, b: b.id }
}

describe('designer edits', () => {
  it('derives table names from class names by the naming rule, until a name is typed by hand', () => {
    let doc = emptyModel()
    const r = addTable(doc, { className: 'UserProfile' })
    doc = r.doc
    expect(tableById(doc, r.id).name).toBe('user_profiles')
    doc = setNaming(doc, 'class')
    expect(tableById(doc, r.id).name).toBe('userprofile')
    doc = renameClass(doc, r.id, 'Person')
    expect(tableById(doc, r.id).name).toBe('person')
    doc = renameTable(doc, r.id, 'people')
    doc = renameClass(doc, r.id, 'Human')
    expect(tableById(doc, r.id)).toMatchObject({ name: 'people', className: 'Human', nameLocked: true })
  })

  it('a renamed table or column is renamed in the foreign keys that reference it', () => {
    let { doc, a, b } = twoTables()
    expect(tableById(doc, b).foreignKeys[0]).toMatchObject({
      columns: ['author_id'],
      refTable: 'authors',
      refColumns: ['id'],
    })
    doc = renameTable(doc, a, 'writers')
    const idCol = tableById(doc, a).columns[0].id
    doc = updateColumn(doc, a, idCol, { name: 'writer_no' })
    expect(tableById(doc, b).foreignKeys[0]).toMatchObject({ refTable: 'writers', refColumns: ['writer_no'] })
    const fkCol = tableById(doc, b).columns.find((c) => c.name === 'author_id')!.id
    doc = updateColumn(doc, b, fkCol, { name: 'writer_id' })
    expect(tableById(doc, b).foreignKeys[0].columns).toEqual(['writer_id'])
    expect(validateModel(doc)).toEqual([])
  })

  it('deleting a table drops the foreign keys to it, and the association tables that linked it', () => {
    let { doc, a, b } = twoTables()
    const c = addTable(doc, { className: 'Genre' })
    doc = connect(c.doc, { from: b, to: c.id, kind: 'many-to-many' }).doc
    expect(doc.tables.map((t) => t.name)).toEqual(['authors', 'books', 'genres', 'book_genre'])
    doc = deleteTables(doc, [c.id])
    expect(doc.tables.map((t) => t.name)).toEqual(['authors', 'books'])
    doc = deleteTables(doc, [a])
    expect(tableById(doc, b).foreignKeys).toEqual([])
    expect(tableById(doc, b).columns.map((c) => c.name)).toEqual(['id', 'author_id'])
  })

  it('deleting a referenced column drops the foreign keys on it; the key order closes up', () => {
    let { doc, a, b } = twoTables()
    doc = deleteColumn(doc, a, tableById(doc, a).columns[0].id)
    expect(tableById(doc, b).foreignKeys).toEqual([])
    let r = addColumn(doc, b, { name: 'isbn', type: 'varchar', length: 13 })
    doc = setPrimaryKey(r.doc, b, r.id, true)
    const id = tableById(doc, b).columns[0].id
    doc = setPrimaryKey(doc, b, id, false)
    expect(tableById(doc, b).columns.map((c) => [c.name, c.primaryKey])).toEqual([
      ['id', 0],
      ['author_id', 0],
      ['isbn', 1],
    ])
    doc = moveColumn(doc, b, r.id, 0)
    expect(tableById(doc, b).columns[0].name).toBe('isbn')
  })

  it('tables are reordered in the document, clamped to its ends; moving one to a schema retargets the keys that point at it', () => {
    let doc = emptyModel()
    const a = addTable(doc, { className: 'Author' })
    const b = addTable(a.doc, { className: 'Book' })
    const c = addTable(b.doc, { className: 'Shelf' })
    doc = moveTable(c.doc, c.id, 0)
    expect(doc.tables.map((t) => t.name)).toEqual(['shelves', 'authors', 'books'])
    doc = moveTable(doc, c.id, 99)
    expect(doc.tables.map((t) => t.name)).toEqual(['authors', 'books', 'shelves'])
    expect(moveTable(doc, a.id, 0)).toBe(doc)
    doc = connect(doc, { from: b.id, to: a.id, kind: 'many-to-one' }).doc
    doc = setTableSchema(doc, a.id, ' archive ')
    expect(tableById(doc, a.id).schema).toBe('archive')
    expect(tableById(doc, b.id).foreignKeys[0]).toMatchObject({ refSchema: 'archive', refTable: 'authors' })
    doc = setTableSchema(doc, a.id, '')
    expect(tableById(doc, b.id).foreignKeys[0].refSchema).toBeNull()
  })

  it('one-to-many drawn from the parent puts the key on the child; one-to-one makes it unique', () => {
    let doc = emptyModel()
    const u = addTable(doc, { className: 'User' })
    const p = addTable(u.doc, { className: 'Passport' })
    doc = connect(p.doc, { from: u.id, to: p.id, kind: 'one-to-many' }).doc
    expect(tableById(doc, p.id).foreignKeys[0]).toMatchObject({
      columns: ['user_id'],
      refTable: 'users',
      orm: { name: 'user', backPopulates: 'passports' },
    })
    doc = connect(doc, { from: p.id, to: u.id, kind: 'one-to-one' }).doc
    const second = tableById(doc, p.id).columns.find((c) => c.name === 'user_id2')!
    expect(second.unique).toBe(true)
    expect(tableById(doc, p.id).foreignKeys[1].orm?.backPopulates).toBe('passport')
  })

  it('copies of tables get new names and keep keys among themselves', () => {
    const { doc, a, b } = twoTables()
    const r = duplicateTables(doc, [tableById(doc, a), tableById(doc, b)])
    expect(r.doc.tables.map((t) => t.name)).toEqual(['authors', 'books', 'authors2', 'books2'])
    expect(tableById(r.doc, r.ids[1]).foreignKeys[0].refTable).toBe('authors2')
  })

  it('explains what is wrong', () => {
    let { doc, a, b } = twoTables()
    const fkCol = tableById(doc, b).columns.find((c) => c.name === 'author_id')!.id
    doc = updateColumn(doc, b, fkCol, { type: 'text' })
    doc = addColumn(doc, a, { name: 'ID', type: 'integer' }).doc
    doc = addTable(doc, { name: 'select', columns: [] }).doc
    const msgs = validateModel(doc).map((p) => `${p.level}: ${p.message}`)
    expect(msgs).toContain('error: books.author_id is text but references authors.id, which is integer.')
    expect(msgs).toContain('error: authors has two columns named ID.')
    expect(msgs).toContain('error: select has no columns.')
    expect(msgs.some((m) => m.startsWith('warning: select is a reserved word'))).toBe(true)
    expect(msgs.some((m) => m.startsWith('warning: select has no primary key'))).toBe(true)
  })

  it('the diagram as SVG: a group per table, a path per foreign key, every name escaped', () => {
    let { doc, b } = twoTables()
    doc = renameTable(doc, b, 'a<b & "c">')
    const svg = modelSvg(autoLayout(doc), 'dark')
    expect(svg.match(/<g>/g)).toHaveLength(2)
    expect(svg.match(/<path [^>]*stroke-width="1.4"/g)).toHaveLength(1)
    expect(svg).toContain('a&lt;b &amp; &quot;c&quot;&gt;')
    expect(svg).not.toMatch(/<b &/)
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true)
  })

  it('documents: a newer format or a damaged file is refused with a reason', () => {
    const { doc } = twoTables()
    expect(parseModelDocument(JSON.parse(JSON.stringify(doc)))).toEqual(doc)
    expect(() => parseModelDocument({ ...doc, version: 9 })).toThrow(/newer Schemist/)
    expect(() => parseModelDocument({ hello: 1 })).toThrow(/not a Schemist model/)
    expect(() => parseModelDocument({ ...doc, tables: [{ name: 3 }] })).toThrow(/damaged: tables\.0/)
  })

  it('automatic layout puts referenced tables left of their referrers and overlaps nothing', () => {
    let { doc } = twoTables()
    for (let i = 0; i < 12; i++) doc = addTable(doc, { className: `Lone${i}` }).doc
    doc = autoLayout(doc)
    const [authors, books] = doc.tables
    expect(positionOf(doc, authors.id).x).toBeLessThan(positionOf(doc, books.id).x)
    const boxes = doc.tables.map((t) => ({
      x: positionOf(doc, t.id).x,
      y: positionOf(doc, t.id).y,
      w: NODE_WIDTH,
      h: nodeHeight(t),
    }))
    expectNoOverlap(boxes)
  })

  it('a large connected model is laid out in ranks too, referenced tables left (cycles cut), nothing overlapping', () => {
    let doc = emptyModel()
    const ids: string[] = []
    for (let i = 0; i < 220; i++) {
      const r = addTable(doc, { className: `T${i}` })
      doc = r.doc
      ids.push(r.id)
      if (i > 0) doc = connect(doc, { from: r.id, to: ids[Math.max(0, i - 1 - (i % 7))], kind: 'many-to-one' }).doc
      if (i > 10 && i % 5 === 0) doc = connect(doc, { from: r.id, to: ids[i % 10], kind: 'many-to-one' }).doc
    }
    // A cycle, which the ranking has to cut.
    doc = connect(doc, { from: ids[0], to: ids[219], kind: 'many-to-one' }).doc
    doc = autoLayout(doc)
    const at = new Map(doc.tables.map((t) => [t.name, positionOf(doc, t.id)]))
    // Every reference points left, except where a cycle had to be cut: there the referenced table references its way back.
    const refs = new Map(doc.tables.map((t) => [t.name, t.foreignKeys.map((f) => f.refTable)]))
    const reaches = (from: string, to: string) => {
      const seen = new Set<string>()
      const todo = [from]
      while (todo.length) {
        const x = todo.pop()!
        if (x === to) return true
        if (!seen.has(x)) (seen.add(x), todo.push(...refs.get(x)!))
      }
      return false
    }
    // Ranks are folded into bands, so a referenced table is to the left, or wholly above (an earlier band).
    const height = new Map(doc.tables.map((t) => [t.name, nodeHeight(t)]))
    const before = (ref: string, t: ModelDocument['tables'][number]) =>
      at.get(ref)!.x < positionOf(doc, t.id).x || at.get(ref)!.y + height.get(ref)! < positionOf(doc, t.id).y
    const backwards = doc.tables.flatMap((t) =>
      t.foreignKeys.filter((f) => !before(f.refTable, t)).map((f) => [t.name, f.refTable]),
    )
    expect(backwards.length).toBeGreaterThan(0)
    for (const [t, r] of backwards) expect(reaches(r, t)).toBe(true)
    expectNoOverlap(
      doc.tables.map((t) => ({
        x: positionOf(doc, t.id).x,
        y: positionOf(doc, t.id).y,
        w: NODE_WIDTH,
        h: nodeHeight(t),
      })),
    )
  })

  it("a long chain of references is folded into bands near a screen's proportions, not one endless strip", () => {
    let doc = emptyModel()
    const ids: string[] = []
    for (let i = 0; i < 300; i++) {
      const r = addTable(doc, { className: `C${i}` })
      doc = r.doc
      ids.push(r.id)
      if (i > 0) doc = connect(doc, { from: r.id, to: ids[i - 1], kind: 'many-to-one' }).doc
    }
    doc = autoLayout(doc)
    const right =
      Math.max(...doc.tables.map((t) => positionOf(doc, t.id).x + NODE_WIDTH)) -
      Math.min(...doc.tables.map((t) => positionOf(doc, t.id).x))
    const bottom =
      Math.max(...doc.tables.map((t) => positionOf(doc, t.id).y + nodeHeight(t))) -
      Math.min(...doc.tables.map((t) => positionOf(doc, t.id).y))
    expect(right / bottom).toBeGreaterThan(0.5)
    expect(right / bottom).toBeLessThan(4)
    // Reading order follows the chain: each table right of its parent, or on the next band down.
    for (let i = 1; i < 300; i++) {
      const [p, t] = [positionOf(doc, ids[i - 1]), positionOf(doc, ids[i])]
      expect(p.x < t.x || p.y < t.y).toBe(true)
    }
    expectNoOverlap(
      doc.tables.map((t) => ({
        x: positionOf(doc, t.id).x,
        y: positionOf(doc, t.id).y,
        w: NODE_WIDTH,
        h: nodeHeight(t),
      })),
    )
  })
})

function expectNoOverlap(boxes: { x: number; y: number; w: number; h: number }[]) {
  for (let i = 0; i < boxes.length; i++)
    for (let j = i + 1; j < boxes.length; j++) {
      const [p, q] = [boxes[i], boxes[j]]
      expect(p.x + p.w <= q.x || q.x + q.w <= p.x || p.y + p.h <= q.y || q.y + q.h <= p.y).toBe(true)
    }
}

describe('the diagram beside the model', () => {
  it('moving a table changes the layout only, never the table entity', () => {
    const { doc, a } = twoTables()
    const moved = moveTables(doc, { [a]: { x: 500, y: 70 } })
    expect(moved.tables).toBe(doc.tables)
    expect(positionOf(moved, a)).toEqual({ x: 500, y: 70 })
  })

  it('a version 1 file, positions and colours inside its tables, is read with them lifted into the layout', () => {
    const { doc, a, b } = twoTables()
    const v1 = {
      ...doc,
      version: 1,
      layout: undefined,
      tables: doc.tables.map((t, i) => ({
        ...t,
        position: { x: 10 * (i + 1), y: 20 },
        ...(i === 0 ? { color: '#f00' } : {}),
      })),
    }
    const read = parseModelDocument(JSON.parse(JSON.stringify(v1)))
    expect(read.version).toBe(2)
    expect(read.layout[a]).toEqual({ x: 10, y: 20, color: '#f00' })
    expect(read.layout[b]).toEqual({ x: 20, y: 20 })
    expect(read.tables.map((t) => Object.keys(t))).not.toContainEqual(expect.arrayContaining(['position']))
  })

  it('deleting a table drops its place on the canvas', () => {
    const { doc, a } = twoTables()
    expect(deleteTables(doc, [a]).layout[a]).toBeUndefined()
  })
})
