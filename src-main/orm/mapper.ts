import type { Table } from '../../src-shared/schema'
import { primaryKeyColumns, tableKey } from '../../src-shared/schema'
import type { Dialect } from '../db/dialect'

export const CASCADES = ['save-update', 'merge', 'expunge', 'delete', 'delete-orphan', 'refresh-expire'] as const
export type Cascade = (typeof CASCADES)[number]
export type LoadStrategy = 'select' | 'joined' | 'selectin' | 'subquery' | 'raise'
/** SQLAlchemy's three relationship directions; one-to-one is either with `uselist: false`. */
export type Direction = 'manytoone' | 'onetomany' | 'manytomany'

/** Parse SQLAlchemy's cascade string: `"all, delete-orphan"`, `"save-update, merge"`, `""`. */
export function parseCascade(spec: string): Set<Cascade> {
  const out = new Set<Cascade>()
  for (const raw of spec
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    if (raw === 'all')
      for (const c of ['save-update', 'merge', 'refresh-expire', 'expunge', 'delete'] as const) out.add(c)
    else if ((CASCADES as readonly string[]).includes(raw)) out.add(raw as Cascade)
    else throw new Error(`Unknown cascade "${raw}"; use ${['all', ...CASCADES].join(', ')}`)
  }
  return out
}

export interface Relationship {
  name: string
  owner: Mapper
  target: Mapper
  direction: Direction
  /** False for scalar sides: many-to-one, and one-to-one (SQLAlchemy's uselist=False). */
  uselist: boolean
  /**
   * Column pairs. manytoone: owner's FK columns -> target's referenced columns.
   * onetomany: owner's referenced columns <- target's FK columns.
   */
  ownerColumns: number[]
  targetColumns: number[]
  /** many-to-many: the association table and its columns pointing at owner and at target. */
  secondary: { table: Table; ownerFk: string[]; targetFk: string[] } | null
  backPopulates: string | null
  cascade: Set<Cascade>
  passiveDeletes: boolean | 'all'
  lazy: LoadStrategy
  /** Break a cycle: INSERT with this FK NULL and UPDATE it afterwards (manytoone side only). */
  postUpdate: boolean
  /** Human-readable kind for the UI. */
  kind: 'many-to-one' | 'one-to-many' | 'one-to-one' | 'many-to-many'
}

/** How one table maps to objects: columns by position, key, defaults, relationships. */
export class Mapper {
  readonly name: string
  readonly columns: string[]
  readonly colIndex = new Map<string, number>()
  readonly pk: number[]
  /** True when the database generates the key (autoincrement / identity). */
  readonly generatedPk: boolean
  /** Columns the database fills when the INSERT leaves them out. */
  readonly serverGenerated: number[]
  readonly booleanColumns: number[]
  readonly relationships = new Map<string, Relationship>()
  /**
   * The same relationships in an array, for the loops that run once per row in a flush: a Map's
   * for-of makes an iterator and a result object per step there.
   */
  readonly relationshipList: Relationship[] = []
  /** Python-side defaults (SQLAlchemy's `default=`), applied at INSERT when a value is not set. */
  readonly appDefaults = new Map<number, unknown | (() => unknown)>()
  /** Position in the registry, used in identity keys and for a stable flush order. */
  readonly index: number
  entityClass: (new () => object) | null = null

  constructor(
    readonly table: Table,
    readonly dialect: Dialect,
    index: number,
  ) {
    this.index = index
    this.name = tableKey(table)
    this.columns = table.columns.map((c) => c.name)
    this.columns.forEach((c, i) => this.colIndex.set(c, i))
    const pkNames = primaryKeyColumns(table)
    this.pk = pkNames.map((n) => this.colIndex.get(n)!)
    this.generatedPk = this.pk.length === 1 && table.columns[this.pk[0]].autoincrement
    this.serverGenerated = table.columns.flatMap((c, i) =>
      c.serverDefault != null || (c.autoincrement && c.primaryKey > 0) ? [i] : [],
    )
    this.booleanColumns = table.columns.flatMap((c, i) => (c.type === 'boolean' ? [i] : []))
    for (const [i, c] of table.columns.entries()) if (c.appDefault !== undefined) this.appDefaults.set(i, c.appDefault)
  }

  /** The quoted, qualified table name. */
  get sqlName(): string {
    return this.dialect.qualify(this.table.schema, this.table.name)
  }

  col(name: string): number {
    const i = this.colIndex.get(name)
    if (i === undefined) throw new Error(`${this.name} has no column ${name}`)
    return i
  }

  quoted(i: number): string {
    return this.dialect.quoteIdent(this.columns[i])
  }

  get hasPrimaryKey(): boolean {
    return this.pk.length > 0
  }
}
