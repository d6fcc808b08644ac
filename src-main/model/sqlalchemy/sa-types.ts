import type { NeutralType } from '../../../src-shared/schema'

/**
 * SQLAlchemy's type names and Python's annotation types as the model's neutral types: what
 * `String(40)` or `Mapped[Decimal]` becomes. Names outside these tables are resolved by the
 * reader (a TypeDecorator's impl, an Enum) or reported.
 */

export const SA_TYPES: Record<string, NeutralType> = {
  Integer: 'integer',
  INTEGER: 'integer',
  INT: 'integer',
  MEDIUMINT: 'integer',
  BigInteger: 'bigint',
  BIGINT: 'bigint',
  SmallInteger: 'smallint',
  SMALLINT: 'smallint',
  TINYINT: 'smallint',
  REAL: 'real',
  Float: 'double',
  FLOAT: 'double',
  Double: 'double',
  DOUBLE: 'double',
  DOUBLE_PRECISION: 'double',
  Numeric: 'numeric',
  NUMERIC: 'numeric',
  DECIMAL: 'numeric',
  Boolean: 'boolean',
  BOOLEAN: 'boolean',
  Text: 'text',
  TEXT: 'text',
  UnicodeText: 'text',
  CLOB: 'text',
  LONGTEXT: 'text',
  MEDIUMTEXT: 'text',
  TINYTEXT: 'text',
  String: 'varchar',
  VARCHAR: 'varchar',
  NVARCHAR: 'varchar',
  Unicode: 'varchar',
  Date: 'date',
  DATE: 'date',
  Time: 'time',
  TIME: 'time',
  DateTime: 'timestamp',
  DATETIME: 'timestamp',
  TIMESTAMP: 'timestamp',
  JSON: 'json',
  JSONB: 'json',
  Uuid: 'uuid',
  UUID: 'uuid',
  LargeBinary: 'blob',
  BLOB: 'blob',
  BYTEA: 'blob',
  LONGBLOB: 'blob',
  BINARY: 'blob',
  VARBINARY: 'blob',
}

/** Types with no neutral equivalent, kept in the engine's own spelling. */
export const NATIVE_TYPES: Record<string, string> = {
  Interval: 'interval',
  INTERVAL: 'interval',
  INET: 'inet',
  CIDR: 'cidr',
  MACADDR: 'macaddr',
  MONEY: 'money',
  TSVECTOR: 'tsvector',
  CITEXT: 'citext',
  HSTORE: 'hstore',
  XML: 'xml',
  INT4RANGE: 'int4range',
  INT8RANGE: 'int8range',
  NUMRANGE: 'numrange',
  DATERANGE: 'daterange',
  TSRANGE: 'tsrange',
  TSTZRANGE: 'tstzrange',
  OID: 'oid',
}

/** Fixed-length character types: a real SQL type the model keeps as written. */
export const CHAR_TYPES = new Set(['CHAR', 'NCHAR'])

/** SQLAlchemy's default type for each Python annotation type (its `_type_map`). */
export const PY_TYPES: Record<string, { type: NeutralType } | { native: string }> = {
  int: { type: 'integer' },
  str: { type: 'varchar' },
  float: { type: 'double' },
  bool: { type: 'boolean' },
  Decimal: { type: 'numeric' },
  datetime: { type: 'timestamp' },
  date: { type: 'date' },
  time: { type: 'time' },
  timedelta: { native: 'interval' },
  bytes: { type: 'blob' },
  bytearray: { type: 'blob' },
  UUID: { type: 'uuid' },
}

/** The annotations that hold a mapped attribute's type. */
export const MAPPED = new Set(['Mapped', 'WriteOnlyMapped', 'DynamicMapped'])

/** Decorators under which a function is read as a class attribute. */
export const DECLARED_ATTR =
  /^(declared_attr|declared_attr\.directive|declared_attr\.cascading|declared_attr\(cascading=True\))$/
