import type { ModelColumn, ModelTable } from '../../src-shared/model/document'

/** How model values are spelled in the exported Python: names, types, defaults, literals. */

const PY_KEYWORDS = new Set(
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield metadata registry'.split(
    ' ',
  ),
)

/** A Python identifier for a column or attribute name (the SQL name is passed explicitly when they differ). */
export function pyIdent(name: string): string {
  let s = name.replace(/[^A-Za-z0-9_]/g, '_')
  if (!s || /^\d/.test(s)) s = `_${s}`
  if (PY_KEYWORDS.has(s)) s += '_'
  return s
}

export const str = (s: string) => JSON.stringify(s)

interface PyType {
  py: string
  /** The SQLAlchemy type to pass, or null where `Mapped[py]` already implies it. */
  sa: string | null
  imports: string[]
}

export function pyType(c: ModelColumn): PyType {
  switch (c.type) {
    case 'integer':
      return { py: 'int', sa: null, imports: [] }
    case 'bigint':
      return { py: 'int', sa: 'BigInteger', imports: ['BigInteger'] }
    case 'smallint':
      return { py: 'int', sa: 'SmallInteger', imports: ['SmallInteger'] }
    case 'real':
      return { py: 'float', sa: 'REAL', imports: ['REAL'] }
    case 'double':
      return { py: 'float', sa: null, imports: [] }
    case 'numeric':
      return {
        py: 'Decimal',
        sa: c.length != null ? `Numeric(${c.length}${c.scale != null ? `, ${c.scale}` : ''})` : null,
        imports: c.length != null ? ['Numeric'] : [],
      }
    case 'boolean':
      return { py: 'bool', sa: null, imports: [] }
    case 'text':
      return { py: 'str', sa: 'Text', imports: ['Text'] }
    case 'varchar':
      return {
        py: 'str',
        sa: c.length != null ? `String(${c.length})` : null,
        imports: c.length != null ? ['String'] : [],
      }
    case 'date':
      return { py: 'date', sa: null, imports: [] }
    case 'time':
      return { py: 'time', sa: null, imports: [] }
    case 'timestamp':
      return { py: 'datetime', sa: null, imports: [] }
    case 'timestamptz':
      return { py: 'datetime', sa: 'DateTime(timezone=True)', imports: ['DateTime'] }
    case 'json':
      return { py: 'dict', sa: 'JSON', imports: ['JSON'] }
    case 'uuid':
      return { py: 'uuid.UUID', sa: null, imports: [] }
    case 'blob':
      return { py: 'bytes', sa: 'LargeBinary', imports: ['LargeBinary'] }
    default:
      // The engine's own spelling (an array, inet, interval), through the one-line Native type below.
      return { py: 'str', sa: `Native(${str(c.nativeType || 'TEXT')})`, imports: ['types'] }
  }
}

const NOW = /^(CURRENT_TIMESTAMP|now\(\))$/i

export function serverDefault(expr: string, imports: Set<string>): string {
  if (NOW.test(expr.trim())) {
    imports.add('func')
    return 'func.now()'
  }
  const lit = /^'((?:[^']|'')*)'$/.exec(expr.trim())
  if (lit) return str(lit[1].replaceAll("''", "'"))
  imports.add('text')
  return `text(${str(expr)})`
}

export function pyLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'None'
  if (typeof v === 'boolean') return v ? 'True' : 'False'
  if (typeof v === 'number') return String(v)
  if (typeof v === 'string') return str(v)
  return JSON.stringify(v)
}

/** Types `Mapped[...]` would imply, spelled out for `Table(...)` columns. */
export const TABLE_TYPES: Record<string, string> = {
  integer: 'Integer',
  double: 'Double',
  numeric: 'Numeric',
  boolean: 'Boolean',
  varchar: 'String',
  date: 'Date',
  time: 'Time',
  timestamp: 'DateTime',
  uuid: 'Uuid',
}

export const BASE_COLUMNS = ['id', 'created_at', 'updated_at']

/**
 * autoincrement= as the model has it. SQLAlchemy's default ("auto") makes a lone integer primary
 * key without a foreign key autoincrement, so a model that says otherwise writes False.
 */
export function autoincrementArg(t: ModelTable, c: ModelColumn): string | null {
  if (c.autoincrement) return 'autoincrement=True'
  const pk = t.columns.filter((x) => x.primaryKey > 0)
  const auto =
    pk.length === 1 &&
    pk[0] === c &&
    ['integer', 'bigint', 'smallint'].includes(c.type) &&
    !t.foreignKeys.some((f) => f.columns.includes(c.name)) &&
    c.serverDefault == null
  return auto ? 'autoincrement=False' : null
}

/** The body of a UserDefinedType that spells a column's type as the database does (an array, an enum type). */
export const NATIVE_TYPE_BODY = [
  '    cache_ok = True',
  '',
  '    def __init__(self, spelling):',
  '        self.spelling = spelling',
  '',
  '    def get_col_spec(self, **kw):',
  '        return self.spelling',
]
