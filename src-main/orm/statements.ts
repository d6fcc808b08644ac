import type { Expr } from '../../src-shared/expr'
import type { Cell } from '../../src-shared/values'
import type { LoadStrategy, Mapper } from './mapper'

export interface LoaderOption {
  relationship: string
  strategy: LoadStrategy
}

/** SQLAlchemy's loader options: `select(User).options(selectinload('posts'))`. */
export const joinedload = (relationship: string): LoaderOption => ({ relationship, strategy: 'joined' })
export const selectinload = (relationship: string): LoaderOption => ({ relationship, strategy: 'selectin' })
export const subqueryload = (relationship: string): LoaderOption => ({ relationship, strategy: 'subquery' })
export const lazyload = (relationship: string): LoaderOption => ({ relationship, strategy: 'select' })
export const raiseload = (relationship: string): LoaderOption => ({ relationship, strategy: 'raise' })

function eqAll(values: Record<string, unknown>): Expr[] {
  return Object.entries(values).map(([column, value]) => ({ op: 'cmp', column, cmp: '=', value: value as Cell }))
}

/** An ORM SELECT of one mapped entity. Immutable: every method returns a new statement. */
export class Select {
  readonly kind = 'select'
  constructor(
    readonly mapper: Mapper,
    readonly criteria: Expr[] = [],
    readonly order: { column: string; desc: boolean }[] = [],
    readonly limitN: number | null = null,
    readonly offsetN: number | null = null,
    readonly loaders: LoaderOption[] = [],
  ) {}

  private with(p: Partial<Pick<Select, 'criteria' | 'order' | 'limitN' | 'offsetN' | 'loaders'>>): Select {
    return new Select(
      this.mapper,
      p.criteria ?? this.criteria,
      p.order ?? this.order,
      p.limitN !== undefined ? p.limitN : this.limitN,
      p.offsetN !== undefined ? p.offsetN : this.offsetN,
      p.loaders ?? this.loaders,
    )
  }
  where(...exprs: Expr[]) {
    return this.with({ criteria: [...this.criteria, ...exprs] })
  }
  /** `filter_by(name='x')`: equality on this entity's columns. */
  filterBy(values: Record<string, unknown>) {
    for (const k of Object.keys(values)) this.mapper.col(k)
    return this.with({ criteria: [...this.criteria, ...eqAll(values)] })
  }
  /** SQLAlchemy's legacy spelling of `where`. */
  filter(...exprs: Expr[]) {
    return this.where(...exprs)
  }
  orderBy(column: string, direction: 'asc' | 'desc' = 'asc') {
    this.mapper.col(column)
    return this.with({ order: [...this.order, { column, desc: direction === 'desc' }] })
  }
  limit(n: number) {
    return this.with({ limitN: n })
  }
  offset(n: number) {
    return this.with({ offsetN: n })
  }
  options(...opts: LoaderOption[]) {
    for (const o of opts)
      if (!this.mapper.relationships.has(o.relationship))
        throw new Error(`${this.mapper.name} has no relationship ${o.relationship}`)
    return this.with({ loaders: [...this.loaders, ...opts] })
  }
}

export type SynchronizeSession = 'auto' | 'evaluate' | 'fetch' | false

/** Bulk `update(User).where(...).values(...)`, bypassing the unit of work. */
export class Update {
  readonly kind = 'update'
  constructor(
    readonly mapper: Mapper,
    readonly criteria: Expr[] = [],
    readonly assignments: Record<string, unknown> = {},
  ) {}
  where(...exprs: Expr[]) {
    return new Update(this.mapper, [...this.criteria, ...exprs], this.assignments)
  }
  filterBy(values: Record<string, unknown>) {
    return this.where(...eqAll(values))
  }
  values(v: Record<string, unknown>) {
    for (const k of Object.keys(v)) this.mapper.col(k)
    return new Update(this.mapper, this.criteria, { ...this.assignments, ...v })
  }
}

/** Bulk `delete(User).where(...)`: no ORM cascades, as in SQLAlchemy. */
export class Delete {
  readonly kind = 'delete'
  constructor(
    readonly mapper: Mapper,
    readonly criteria: Expr[] = [],
  ) {}
  where(...exprs: Expr[]) {
    return new Delete(this.mapper, [...this.criteria, ...exprs])
  }
  filterBy(values: Record<string, unknown>) {
    return this.where(...eqAll(values))
  }
}

/** Plain SQL, SQLAlchemy's `text()`: rows come back as values, not objects. */
export class TextClause {
  readonly kind = 'text'
  constructor(
    readonly sql: string,
    readonly params: unknown[] = [],
  ) {}
}

export const select = (mapper: Mapper) => new Select(mapper)
export const update = (mapper: Mapper) => new Update(mapper)
export const delete_ = (mapper: Mapper) => new Delete(mapper)
export const text = (sql: string, params: unknown[] = []) => new TextClause(sql, params)
export type Statement = Select | Update | Delete | TextClause
