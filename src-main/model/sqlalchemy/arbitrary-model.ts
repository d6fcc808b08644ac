import fc from 'fast-check'
import {
  blankTable,
  emptyModel,
  newId,
  type ModelColumn,
  type ModelDocument,
  type ModelForeignKey,
  type ModelTable,
} from '../../../src-shared/model/document'
import { newColumn } from '../../../src-shared/model/edit'
import type { NeutralType, ReferentialAction } from '../../../src-shared/schema'

/**
 * Random but valid designer models for property tests: keyed and keyless tables, composite
 * keys, every neutral type and a few engine-spelled ones, enums written as CHECKs, named and
 * unnamed constraints, partial indexes, foreign keys (composite, self-referencing, several to
 * one table) with relationship options, and many-to-many association tables. Built from a
 * seed so a failure names the model that failed.
 */

function rng(seed: number) {
  let a = seed >>> 0 || 1
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)],
    chance: (p: number) => next() < p,
  }
}

const NOUNS = [
  'user',
  'post',
  'city',
  'order',
  'item',
  'tag',
  'note',
  'team',
  'shop',
  'book',
  'author',
  'course',
  'room',
  'event',
  'device',
]
const WORDS = [
  'title',
  'body',
  'price',
  'total',
  'code',
  'label',
  'rank',
  'score',
  'starts',
  'ends',
  'flag',
  'data',
  'size',
  'kind',
  'owner',
  'level',
  'color',
  'weight',
  'remark',
  'slug',
]
const TYPES: NeutralType[] = [
  'integer',
  'bigint',
  'smallint',
  'real',
  'double',
  'numeric',
  'boolean',
  'text',
  'varchar',
  'date',
  'time',
  'timestamp',
  'timestamptz',
  'json',
  'uuid',
  'blob',
]
const NATIVE = ['inet', 'interval', 'text[]', 'integer[]']
const ACTIONS: ReferentialAction[] = ['NO ACTION', 'CASCADE', 'SET NULL', 'RESTRICT']
const LAZY = ['select', 'selectin', 'joined', 'raise'] as const

const className = (noun: string) => noun[0].toUpperCase() + noun.slice(1)

function column(r: ReturnType<typeof rng>, name: string, type: NeutralType | null): ModelColumn {
  const t = type ?? (r.chance(0.08) ? 'unknown' : r.pick(TYPES))
  const c = newColumn(name, t, { nativeType: t === 'unknown' ? r.pick(NATIVE) : '' })
  if (t === 'varchar' && r.chance(0.6)) c.length = r.pick([20, 50, 120])
  if (t === 'numeric' && r.chance(0.6)) {
    c.length = r.pick([10, 12])
    if (r.chance(0.7)) c.scale = 2
  }
  c.nullable = r.chance(0.5)
  if (r.chance(0.12)) c.unique = true
  if (r.chance(0.15)) {
    if (t === 'timestamp' || t === 'timestamptz') c.serverDefault = 'CURRENT_TIMESTAMP'
    else if (t === 'integer' || t === 'bigint' || t === 'smallint') c.serverDefault = String(r.int(0, 9))
    else if (t === 'varchar' || t === 'text') c.serverDefault = `'${r.pick(WORDS)}'`
  }
  if ((t === 'timestamp' || t === 'timestamptz') && r.chance(0.2)) c.onUpdate = 'CURRENT_TIMESTAMP'
  if (r.chance(0.1)) c.comment = `the ${name}`
  if (t === 'varchar' || t === 'text' || t === 'integer')
    if (r.chance(0.1)) c.appDefault = t === 'integer' ? r.int(0, 5) : r.pick(WORDS)
  return c
}

export function buildModel(seed: number): ModelDocument {
  const r = rng(seed)
  const doc = emptyModel(`generated ${seed}`)
  const nouns = [...NOUNS].sort(() => r.next() - 0.5).slice(0, r.int(1, 6))
  const keyed: ModelTable[] = []
  for (const noun of nouns) {
    const keyless = r.chance(0.15)
    const t = table(r, noun, keyless ? [] : keyColumns(r))
    doc.tables.push(t)
    if (!keyless) keyed.push(t)
  }
  addForeignKeys(r, doc, keyed)
  const assoc = association(r, keyed)
  if (assoc) doc.tables.push(assoc)
  return doc
}

type Rng = ReturnType<typeof rng>

const pkOf = (t: ModelTable) => t.columns.filter((c) => c.primaryKey > 0).sort((a, b) => a.primaryKey - b.primaryKey)

/** A primary key: one id of a random type, or (sometimes) two integers in either key order. */
function keyColumns(r: Rng): ModelColumn[] {
  const columns: ModelColumn[] = []
  const composite = r.chance(0.15)
  if (composite) {
    for (const n of ['a_id', 'b_id']) {
      const c = newColumn(n, 'integer', {})
      c.nullable = false
      columns.push(c)
    }
    // A key in another order than the columns.
    const order = r.chance(0.3) ? [2, 1] : [1, 2]
    columns[0].primaryKey = order[0]
    columns[1].primaryKey = order[1]
  } else {
    const type = r.pick<NeutralType>(['integer', 'integer', 'bigint', 'varchar', 'uuid'])
    const c = newColumn('id', type, {})
    if (type === 'varchar') c.length = 36
    c.nullable = false
    c.primaryKey = 1
    c.autoincrement = type === 'integer' || type === 'bigint' ? r.chance(0.8) : false
    columns.push(c)
  }
  return columns
}

/** A table of random columns after its key, with an enum, a check, a unique pair and an index at random. */
function table(r: Rng, noun: string, columns: ModelColumn[]): ModelTable {
  const name = `${noun}s`
  const keyless = columns.length === 0
  const words = [...WORDS].sort(() => r.next() - 0.5).slice(0, r.int(1, 5))
  for (const w of words) columns.push(column(r, w, null))
  const t = blankTable({ name, className: className(noun), columns })
  t.nameLocked = r.chance(0.2)
  if (!keyless && r.chance(0.2)) t.primaryKeyName = `pk_${name}`
  // An enum: a varchar with a CHECK of its values.
  if (r.chance(0.3)) {
    const values = ['low', 'mid', 'high'].slice(0, r.int(2, 3))
    const c = newColumn('status', 'varchar', {})
    c.length = Math.max(...values.map((v) => v.length))
    c.nullable = r.chance(0.3)
    t.columns.push(c)
    t.checks.push({ name: null, expression: `status IN (${values.map((v) => `'${v}'`).join(', ')})` })
  }
  if (r.chance(0.25))
    t.checks.push({ name: r.chance(0.5) ? `ck_${name}_positive` : null, expression: `length(${words[0]}) > 0` })
  const plain = t.columns.filter((c) => c.primaryKey === 0 && c.type !== 'unknown')
  if (plain.length >= 2 && r.chance(0.3))
    t.uniques.push({ name: r.chance(0.5) ? `uq_${name}_pair` : null, columns: [plain[0].name, plain[1].name] })
  if (plain.length && r.chance(0.4))
    t.indexes.push({
      name: `ix_${name}_${plain[plain.length - 1].name}`,
      columns: [plain[plain.length - 1].name],
      unique: r.chance(0.3),
      where: r.chance(0.2) ? `${plain[plain.length - 1].name} IS NOT NULL` : null,
    })
  return t
}

/** Foreign keys to keyed tables (their whole key), sometimes to the table itself. */
function addForeignKeys(r: Rng, doc: ModelDocument, keyed: ModelTable[]): void {
  for (const t of [...doc.tables]) {
    if (!keyed.length) break
    const n = r.int(0, 2)
    for (let i = 0; i < n; i++) {
      const target = r.pick(keyed)
      const key = pkOf(target)
      const base = target === t ? 'parent' : target.name.replace(/s$/, '')
      const cols = key.map((k, j) => {
        let name = key.length === 1 ? `${base}_id` : `${base}_${k.name}`
        while (t.columns.some((c) => c.name === name)) name = `${name}${j}x`
        const c = newColumn(name, k.type, {})
        if (k.length != null) c.length = k.length
        c.nullable = r.chance(0.4)
        t.columns.push(c)
        return c.name
      })
      const fk: ModelForeignKey = {
        id: newId('f'),
        name: r.chance(0.3) ? `fk_${t.name}_${cols[0]}` : null,
        columns: cols,
        refSchema: null,
        refTable: target.name,
        refColumns: key.map((k) => k.name),
        onDelete: r.pick(ACTIONS),
        onUpdate: r.chance(0.8) ? 'NO ACTION' : 'CASCADE',
      }
      const keylessT = !t.columns.some((c) => c.primaryKey > 0)
      if (!keylessT && r.chance(0.7)) fk.orm = relationship(r, target === t, base, t.name, i)
      t.foreignKeys.push(fk)
    }
  }
}

function relationship(r: Rng, self: boolean, base: string, table: string, i: number): ModelForeignKey['orm'] {
  const name = r.chance(0.8) ? (self ? `parent${i}` : `${base}_ref${i}`) : null
  const back = r.chance(0.7) || !name ? (self ? `children${i}` : `${table}_list${i}`) : null
  const orm = {
    name,
    backPopulates: back,
    cascade: back && r.chance(0.3) ? ['all', 'delete-orphan'] : [],
    passiveDeletes: back != null && r.chance(0.2),
    lazy: back ? r.pick(LAZY) : 'select',
  }
  // Only the collection side carries options; a scalar-only relationship keeps the defaults.
  return back ? orm : { ...orm, cascade: [], passiveDeletes: false, lazy: 'select' }
}

/** Many-to-many between two keyed tables with single-column keys. */
function association(r: Rng, keyed: ModelTable[]): ModelTable | null {
  const single = keyed.filter((t) => pkOf(t).length === 1)
  if (!(single.length >= 2 && r.chance(0.5))) return null
  const [a, b] = [single[0], single[1]]
  const cols = [a, b].map((x) => {
    const k = pkOf(x)[0]
    const c = newColumn(`${x.name.replace(/s$/, '')}_key`, k.type, {})
    if (k.length != null) c.length = k.length
    c.nullable = false
    return c
  })
  cols[0].primaryKey = 1
  cols[1].primaryKey = 2
  const assoc = blankTable({ name: `${a.name}_${b.name}`, className: `${a.className}${b.className}`, columns: cols })
  assoc.nameLocked = true
  assoc.foreignKeys = [a, b].map((x, i) => ({
    id: newId('f'),
    name: null,
    columns: [cols[i].name],
    refSchema: null,
    refTable: x.name,
    refColumns: [pkOf(x)[0].name],
    onDelete: 'CASCADE' as const,
    onUpdate: 'NO ACTION' as const,
  }))
  assoc.association = { names: [`${b.name}_set`, `${a.name}_set`], lazy: r.pick(LAZY) }
  return assoc
}

export const arbitraryModel = () => fc.nat().map((seed) => buildModel(seed))
