import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import fc from 'fast-check'
import type { NeutralType, ReferentialAction } from '../../src-shared/schema'
import { emptyModel, type ModelColumn, type ModelDocument } from '../../src-shared/model/document'
import { addTable, connect, newColumn } from '../../src-shared/model/edit'
import { validateModel } from '../../src-shared/model/validate'
import { SqliteDriver } from '../db/sqlite/sqlite-driver'
import { PostgresDriver } from '../db/postgres/pg-driver'
import type { Driver } from '../db/driver'
import { freshPgDatabase, sqliteConfig } from '../test-support/databases'
import { applyModel } from './apply-model'
import { schemaToModel } from './reverse'
import { modelStructure } from './compare'

/**
 * model -> DDL -> apply to a real database -> reverse engineer -> the same model, on random
 * models with awkward identifiers (quotes, spaces, dots, reserved words, non-Latin letters).
 */

const FRAGMENTS = [
  'a',
  'Z',
  'x',
  '_',
  '"',
  ' ',
  "'",
  'é',
  '1',
  '-',
  '.',
  'order',
  'select',
  'user',
  'Жук',
  '$',
  '%',
  'Group',
  '?',
  ';',
]
const ident = fc
  .array(fc.constantFrom(...FRAGMENTS), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join(''))
  .filter((s) => s.trim() !== '' && !/^sqlite_/i.test(s) && Buffer.byteLength(s) <= 40)

const TYPES: { type: NeutralType; length?: number; scale?: number; dflt?: string }[] = [
  { type: 'integer', dflt: '7' },
  { type: 'bigint', dflt: '-3' },
  { type: 'smallint' },
  { type: 'real' },
  { type: 'double', dflt: '1.5' },
  { type: 'numeric', length: 10, scale: 2, dflt: '0' },
  { type: 'boolean' },
  { type: 'text', dflt: "'it''s'" },
  { type: 'varchar', length: 40, dflt: "'x'" },
  { type: 'date' },
  { type: 'time' },
  { type: 'timestamp', dflt: 'CURRENT_TIMESTAMP' },
  { type: 'timestamptz' },
  { type: 'json' },
  { type: 'uuid' },
  { type: 'blob' },
]

const ACTIONS: ReferentialAction[] = ['NO ACTION', 'CASCADE', 'SET NULL', 'RESTRICT']

const columnSpec = fc.record({
  t: fc.integer({ min: 0, max: TYPES.length - 1 }),
  nullable: fc.boolean(),
  unique: fc.boolean(),
  withDefault: fc.boolean(),
  indexed: fc.boolean(),
  /** Set on every UPDATE (onupdate), for timestamp columns: a touch trigger in the database. */
  touch: fc.boolean(),
})

const tableSpec = fc.record({
  key: fc.constantFrom('integer', 'text', 'composite'),
  columns: fc.array(columnSpec, { minLength: 0, maxLength: 4 }),
  /** Index of an earlier table to reference, and how. */
  ref: fc.option(
    fc.record({
      to: fc.nat(),
      kind: fc.constantFrom('many-to-one' as const, 'one-to-one' as const),
      onDelete: fc.constantFrom(...ACTIONS),
    }),
    { nil: undefined },
  ),
  /** A CHECK on the key column, named or left to the engine to name. */
  check: fc.option(fc.boolean(), { nil: undefined }),
})

const modelSpec = fc.record({
  names: fc.uniqueArray(ident, { minLength: 1, maxLength: 4, selector: (s) => s.toLowerCase() }),
  columnNames: fc.uniqueArray(ident, { minLength: 8, maxLength: 8, selector: (s) => s.toLowerCase() }),
  tables: fc.array(tableSpec, { minLength: 4, maxLength: 4 }),
  m2m: fc.boolean(),
})

type Spec = typeof modelSpec extends fc.Arbitrary<infer T> ? T : never

/** Build the model through the designer's own edit operations. */
function buildModel(spec: Spec): ModelDocument {
  let doc = emptyModel('round trip')
  const ids: string[] = []
  let ix = 0
  spec.names.forEach((name, ti) => {
    const ts = spec.tables[ti]
    // Column names other than the key's, kept apart from `id`/`code`/`k1`/`k2` and from FK columns (`…_id`).
    const colNames = spec.columnNames.filter((n) => !/^(id|code|k1|k2)$/i.test(n) && !/_id$/i.test(n))
    const keyCols: ModelColumn[] =
      ts.key === 'integer'
        ? [newColumn('id', 'integer', { nullable: false, autoincrement: true, primaryKey: 1 })]
        : ts.key === 'text'
          ? [newColumn('code', 'text', { nullable: false, primaryKey: 1 })]
          : [
              newColumn('k1', 'integer', { nullable: false, primaryKey: 1 }),
              newColumn('k2', 'varchar', { length: 20, nullable: false, primaryKey: 2 }),
            ]
    const cols = ts.columns.slice(0, colNames.length).map((c, i) => {
      const ty = TYPES[c.t]
      return newColumn(colNames[i], ty.type, {
        length: ty.length,
        scale: ty.scale,
        nullable: c.nullable,
        unique: c.unique,
        serverDefault: c.withDefault && ty.dflt ? ty.dflt : null,
        ...(c.touch && ty.type === 'timestamp' ? { onUpdate: 'CURRENT_TIMESTAMP' } : {}),
      })
    })
    for (const c of cols) if (c.length === undefined) delete c.length
    for (const c of cols) if (c.scale === undefined) delete c.scale
    const added = addTable(doc, { name, columns: [...keyCols, ...cols] })
    doc = added.doc
    ids.push(added.id)
    const indexes = ts.columns
      .slice(0, cols.length)
      .flatMap((c, i) =>
        c.indexed && !c.unique
          ? [{ name: `ix ${ix++} "${name}"`.slice(0, 50), columns: [cols[i].name], unique: false, where: null }]
          : [],
      )
    const keyCol = keyCols[0].name
    const checks =
      ts.check === undefined
        ? []
        : [
            {
              name: ts.check ? `ck ${ti} "${name}"`.slice(0, 50) : null,
              expression: keyCols[0].type === 'text' ? `length(${keyCol}) > 0` : `${keyCol} > 0`,
            },
          ]
    doc = { ...doc, tables: doc.tables.map((t) => (t.id === added.id ? { ...t, indexes, checks } : t)) }
    if (ts.ref && ti > 0) {
      const target = doc.tables.find((t) => t.id === ids[ts.ref!.to % ti])!
      doc = connect(doc, {
        from: added.id,
        to: target.id,
        kind: ts.ref.kind,
        onDelete: ts.ref.onDelete === 'SET NULL' ? 'CASCADE' : ts.ref.onDelete,
      }).doc
    }
  })
  if (spec.m2m && ids.length >= 2) doc = connect(doc, { from: ids[0], to: ids[1], kind: 'many-to-many' }).doc
  return doc
}

const RUNS = Number(process.env.ROUND_TRIP_RUNS ?? 40)

describe.each([
  { engine: 'sqlite' as const, open: async () => SqliteDriver.open(sqliteConfig()), reset: async (_d: Driver) => {} },
  {
    engine: 'postgres' as const,
    open: async () => PostgresDriver.open(await freshPgDatabase()),
    reset: async (d: Driver) => {
      await d.query('DROP SCHEMA public CASCADE')
      await d.query('CREATE SCHEMA public')
    },
  },
])('round trip on $engine', ({ engine, open, reset }) => {
  let shared: Driver | null = null
  beforeAll(async () => {
    if (engine === 'postgres') shared = await open()
  })
  afterAll(async () => {
    await shared?.close()
  })

  it('model -> DDL -> apply -> reverse engineer gives the same model', async () => {
    await fc.assert(
      fc.asyncProperty(modelSpec, async (spec) => {
        const doc = buildModel(spec)
        expect(validateModel(doc).filter((p) => p.level === 'error')).toEqual([])
        const d = shared ?? (await open())
        try {
          await reset(d)
          const applied = await applyModel(d, doc)
          expect(applied.created.sort()).toEqual(doc.tables.map((t) => t.name).sort())
          const back = schemaToModel(await d.dialect.introspect(d), d.dialect)
          expect(modelStructure(back, { constraintNames: false })).toEqual(
            modelStructure(doc, { constraintNames: false }),
          )
          // Relationship kinds survive too: association tables are recognised as such.
          expect(back.tables.filter((t) => t.association).map((t) => t.name)).toEqual(
            doc.tables.filter((t) => t.association).map((t) => t.name),
          )
        } finally {
          if (!shared) await d.close()
        }
      }),
      { numRuns: RUNS },
    )
  }, 120_000)
})
