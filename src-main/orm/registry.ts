import type { DatabaseSchema, ForeignKey, Table } from '../../src-shared/schema'
import { isAssociationTable, primaryKeyColumns, tableKey } from '../../src-shared/schema'
import type { Dialect } from '../db/dialect'
import { defineEntityClass } from './entity'
import { Mapper, parseCascade, type LoadStrategy, type Relationship } from './mapper'
import { manyToOneName, plural, singular } from '../../src-shared/naming'

/** User overrides for a derived relationship, by `table.attribute`. */
export interface RelationshipOverride {
  name?: string
  cascade?: string
  passiveDeletes?: boolean | 'all'
  lazy?: LoadStrategy
  backPopulates?: string | null
  postUpdate?: boolean
}

export interface RegistryOptions {
  /** Keyed `"<table>.<attribute>"` with the derived attribute name. */
  relationships?: Record<string, RelationshipOverride>
  /** Python-side defaults: `{ "users.name": "anonymous" }`. */
  defaults?: Record<string, unknown | (() => unknown)>
  /**
   * Leave children to the database where the foreign key has ON DELETE CASCADE / SET NULL /
   * SET DEFAULT (passive_deletes=True on those relationships). SQLAlchemy's default is False;
   * the data grid turns this on, so deleting a row does what the schema says.
   */
  passiveWhereDatabaseActs?: boolean
  /**
   * Relationship options declared with a foreign key (the designer's): attribute names on both
   * sides, and the one-to-many side's cascade, passive_deletes and loading strategy.
   */
  foreignKeyOptions?: (table: Table, fk: ForeignKey) => DeclaredRelationship | undefined
  /** A many-to-many association table's attribute names (by its foreign keys' order) and loading strategy. */
  associationOptions?: (table: Table) => { names: [string, string]; lazy: LoadStrategy } | undefined
}

/** What a foreign key says about its relationship: `name` on the referencing class, `backPopulates` on the referenced one. */
export interface DeclaredRelationship {
  name: string | null
  backPopulates: string | null
  cascade: string[]
  passiveDeletes: boolean
  lazy: LoadStrategy
}

export { isAssociationTable }

/**
 * The mappers of one database: one per table with a primary key, and relationships derived from
 * foreign keys the way a SQLAlchemy user would declare them, with `back_populates` pairs.
 */
export class Registry {
  readonly mappers = new Map<string, Mapper>()

  constructor(
    readonly schema: DatabaseSchema,
    readonly dialect: Dialect,
    options: RegistryOptions = {},
  ) {
    const tables = schema.tables.filter((t) => t.kind === 'table')
    tables.forEach((t, i) => this.mappers.set(tableKey(t), new Mapper(t, dialect, i)))
    for (const [key, value] of Object.entries(options.defaults ?? {})) {
      const dot = key.lastIndexOf('.')
      const m = this.get(key.slice(0, dot))
      m.appDefaults.set(m.col(key.slice(dot + 1)), value)
    }
    this.deriveRelationships(tables, options)
    for (const [key, o] of Object.entries(options.relationships ?? {})) {
      const dot = key.lastIndexOf('.')
      const rel = this.get(key.slice(0, dot)).relationships.get(key.slice(dot + 1))
      if (!rel) throw new Error(`No relationship ${key} to override`)
      if (o.cascade !== undefined) rel.cascade = parseCascade(o.cascade)
      if (o.passiveDeletes !== undefined) rel.passiveDeletes = o.passiveDeletes
      if (o.lazy !== undefined) rel.lazy = o.lazy
      if (o.postUpdate !== undefined) rel.postUpdate = o.postUpdate
      if (o.backPopulates !== undefined) rel.backPopulates = o.backPopulates
    }
    for (const m of this.mappers.values()) m.entityClass = defineEntityClass(m)
  }

  get(name: string): Mapper {
    const m = this.mappers.get(name) ?? [...this.mappers.values()].find((x) => x.table.name === name)
    if (!m) throw new Error(`No mapped table ${name}`)
    return m
  }

  private add(owner: Mapper, rel: Omit<Relationship, 'owner' | 'name'>, wanted: string): Relationship {
    let name = wanted
    while (owner.colIndex.has(name) || owner.relationships.has(name)) name = `${name}_rel`
    const r: Relationship = { ...rel, owner, name }
    owner.relationships.set(name, r)
    owner.relationshipList.push(r)
    return r
  }

  private deriveRelationships(tables: Table[], options: RegistryOptions) {
    const acts = (a: string) => !!options.passiveWhereDatabaseActs && a !== 'NO ACTION' && a !== 'RESTRICT'
    const defaults = () => ({
      cascade: parseCascade('save-update, merge'),
      passiveDeletes: false as const,
      lazy: 'select' as LoadStrategy,
      postUpdate: false,
    })
    for (const t of tables) {
      const child = this.mappers.get(tableKey(t))!
      if (isAssociationTable(t)) {
        const [a, b] = t.foreignKeys
        const ma = this.mappers.get(tableKey({ schema: a.refSchema ?? t.schema, name: a.refTable }))
        const mb = this.mappers.get(tableKey({ schema: b.refSchema ?? t.schema, name: b.refTable }))
        if (ma && mb && ma !== mb) {
          const declared = options.associationOptions?.(t)
          const lazy = declared?.lazy ?? 'select'
          const ra = this.add(
            ma,
            {
              ...defaults(),
              lazy,
              passiveDeletes: acts(a.onDelete),
              target: mb,
              direction: 'manytomany',
              uselist: true,
              ownerColumns: a.refColumns.map((c) => ma.col(c)),
              targetColumns: b.refColumns.map((c) => mb.col(c)),
              secondary: { table: t, ownerFk: a.columns, targetFk: b.columns },
              backPopulates: null,
              kind: 'many-to-many',
            },
            declared?.names[0] || plural(mb.table.name),
          )
          const rb = this.add(
            mb,
            {
              ...defaults(),
              lazy,
              passiveDeletes: acts(b.onDelete),
              target: ma,
              direction: 'manytomany',
              uselist: true,
              ownerColumns: b.refColumns.map((c) => mb.col(c)),
              targetColumns: a.refColumns.map((c) => ma.col(c)),
              secondary: { table: t, ownerFk: b.columns, targetFk: a.columns },
              backPopulates: null,
              kind: 'many-to-many',
            },
            declared?.names[1] || plural(ma.table.name),
          )
          ra.backPopulates = rb.name
          rb.backPopulates = ra.name
          continue
        }
      }
      for (const fk of t.foreignKeys) {
        const parent = this.mappers.get(tableKey({ schema: fk.refSchema ?? t.schema, name: fk.refTable }))
        if (!parent) continue
        // A unique FK (its own UNIQUE, or the whole primary key) makes the link one-to-one.
        const pk = primaryKeyColumns(t)
        const unique =
          (fk.columns.length === 1 && t.columns.find((c) => c.name === fk.columns[0])?.unique) ||
          t.uniques.some(
            (u) => u.columns.length === fk.columns.length && u.columns.every((c) => fk.columns.includes(c)),
          ) ||
          (pk.length === fk.columns.length && pk.every((c) => fk.columns.includes(c)))
        const ownerColumns = fk.columns.map((c) => child.col(c))
        const targetColumns = fk.refColumns.map((c) => parent.col(c))
        const declared = options.foreignKeyOptions?.(t, fk)
        const m2o = this.add(
          child,
          {
            ...defaults(),
            target: parent,
            direction: 'manytoone',
            uselist: false,
            ownerColumns,
            targetColumns,
            secondary: null,
            backPopulates: null,
            kind: unique ? 'one-to-one' : 'many-to-one',
          },
          declared?.name || manyToOneName(fk.columns, parent.table.name),
        )
        const selfRef = parent === child
        const o2mName =
          declared?.backPopulates || (unique ? singular(t.name) : selfRef ? `${singular(t.name)}_children` : t.name)
        const o2mOptions = declared
          ? {
              ...(declared.cascade.length ? { cascade: parseCascade(declared.cascade.join(', ')) } : {}),
              passiveDeletes: declared.passiveDeletes || acts(fk.onDelete),
              lazy: declared.lazy,
            }
          : { passiveDeletes: acts(fk.onDelete) }
        const o2m = this.add(
          parent,
          {
            ...defaults(),
            ...o2mOptions,
            target: child,
            direction: 'onetomany',
            uselist: !unique,
            ownerColumns: targetColumns,
            targetColumns: ownerColumns,
            secondary: null,
            backPopulates: m2o.name,
            kind: unique ? 'one-to-one' : 'one-to-many',
          },
          o2mName,
        )
        m2o.backPopulates = o2m.name
      }
    }
  }
}
