import type { NeutralType, ReferentialAction } from '../../../src-shared/schema'
import type { ModelColumn, ModelTable } from '../../../src-shared/model/document'
import type { ImportNote } from '../../../src-shared/model/import-report'
import type { Py, PyModule } from './python-ast'
import { lastPart, type ClassInfo, type Project, type Sym } from './project'

/**
 * What the SQLAlchemy reader's parts share: the project, the report's notes and counts, and the
 * few questions every part asks of a Python expression. The parts, in the order they run:
 * read-classes (the class hierarchy, which classes are mapped), read-metadata (MetaData and
 * naming conventions), read-types (annotations and SQLAlchemy types), read-columns (one column),
 * read-tables (a table's columns and constraints), read-declarations (the passes over the
 * project's tables, classes and indexes), read-keys (foreign keys, keys, conventions),
 * read-relationships; reader.ts runs them and writes the document.
 */

export interface Attr {
  name: string
  annotation: Py | null
  value: Py | null
  at: number
  cls: ClassInfo
  /** A `declared_attr` function whose body is not one return: computed, so not read. */
  computed: boolean
}

export type TypeResult =
  | {
      type: NeutralType
      length?: number
      scale?: number
      native?: string
      enum?: { values: string[]; name: string | null; native: boolean; from: string }
    }
  | { unresolved: string }

export type FkTarget =
  | { k: 'str'; path: string }
  | { k: 'classattr'; cls: ClassInfo; attr: string }
  | { k: 'tablevar'; sym: Extract<Sym, { k: 'value' }>; column: string }

export interface FkSpec {
  columns: string[]
  targets: FkTarget[]
  name: string | null
  onDelete: ReferentialAction
  onUpdate: ReferentialAction
  at: number
  mod: PyModule
}

export interface Meta {
  convention: Record<string, string>
  schema: string | null
}

export interface Build {
  table: ModelTable
  mod: PyModule
  at: number
  cls: ClassInfo | null
  /** A Table(...) assigned to a module-level name. */
  variable: Extract<Sym, { k: 'value' }> | null
  meta: Meta
  /** Attribute name -> column name (`Column("user_name", ...)` under `name`). */
  attrs: Map<string, string>
  fks: FkSpec[]
  /** Columns typed by the column their foreign key points at. */
  typeFromFk: Set<string>
  /** Columns whose autoincrement= is written out (not SQLAlchemy's "auto"). */
  autoExplicit: Set<string>
  /** Unnamed constraints and indexes, named by the metadata's convention at the end. */
  unnamed: { uniques: Set<object>; indexes: Set<object>; checks: Set<object>; fks: Set<object> }
}

export interface Rel {
  owner: ClassInfo
  attr: string
  target: ClassInfo | null
  targetText: string
  list: boolean | null
  kw: Record<string, Py>
  at: number
}

export declare const CALL: unique symbol

export const DEFAULT_CONVENTION: Record<string, string> = { ix: 'ix_%(column_0_label)s' }
export const quoteSql = (n: string) => (/^[a-z_][a-z0-9_]*$/.test(n) ? n : `"${n.replaceAll('"', '""')}"`)
export const sqlString = (s: string) => `'${s.replaceAll("'", "''")}'`

/** `Mapped[...]` and what it wraps. */
export interface Ann {
  mapped: boolean
  optional: boolean
  collection: boolean
  /** The Python type inside, e.g. `int`, `"User"`, an alias name. */
  type: Py | null
  typeMod: PyModule
  /** An `Annotated[...]` alias (named or inline): its own mapped_column and key. */
  alias: { key: string | null; inner: Py; extras: Py[]; mod: PyModule } | null
}

export interface ColumnRead {
  col: ModelColumn
  fks: FkSpec[]
  index: boolean
  unique: boolean
  autoExplicit: boolean
  typeFromFk: boolean
  checks: { name: string | null; expression: string }[]
  sortOrder: number
  enumNote: { from: string; name: string | null; native: boolean } | null
}

export const SQL_NOW = 'CURRENT_TIMESTAMP'

export const str = (p: Py | undefined) => (p && p.k === 'str' ? p.v : undefined)
export const bool = (p: Py | undefined) => (p && p.k === 'bool' ? p.v : undefined)
export const num = (p: Py | undefined) => (p && p.k === 'num' ? p.v : undefined)

export class ReadContext {
  readonly approximated: ImportNote[] = []
  readonly skipped: ImportNote[] = []
  readonly counts = {
    enums: 0,
    decorators: 0,
    aliases: new Set<string>(),
    single: 0,
    joined: 0,
    rels: 0,
    conventions: new Set<string>(),
  }
  readonly classes: ClassInfo[]

  constructor(readonly project: Project) {
    this.classes = project.allClasses()
  }

  private note(list: ImportNote[], mod: PyModule | null, at: number | null, message: string) {
    list.push({ file: mod?.file ?? null, line: mod && at != null ? mod.line(at) : null, message })
  }
  readonly approx = (mod: PyModule, at: number, m: string) => this.note(this.approximated, mod, at, m)
  readonly skip = (mod: PyModule, at: number, m: string) => this.note(this.skipped, mod, at, m)

  /** What a name or call's callee names: the project's own symbol, or the last part of an outside name. */
  readonly symOf = (mod: PyModule, p: Py): Sym | null =>
    p.k === 'name' ? this.project.resolve(mod, p.v) : p.k === 'call' ? this.symOf(mod, p.fn) : null
  readonly outside = (s: Sym | null) => (s?.k === 'external' ? lastPart(s.path) : null)
  // The guard's type carries a brand so that a false answer does not narrow `p` (it may still be another call).
  readonly calls = (
    mod: PyModule,
    p: Py | null | undefined,
    ...names: string[]
  ): p is Extract<Py, { k: 'call' }> & { readonly [CALL]: true } =>
    !!p && p.k === 'call' && names.includes(this.outside(this.symOf(mod, p.fn)) ?? '')
}
