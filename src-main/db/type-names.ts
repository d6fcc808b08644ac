import type { NeutralType } from '../../src-shared/schema'

/** Parse `name(a,b)` into its base name and numeric arguments. */
export function splitTypeName(native: string): { base: string; args: number[] } {
  const m = /^\s*([^(]*?)\s*(?:\(\s*([^)]*)\))?\s*(\[\])?\s*$/.exec(native)
  if (!m) return { base: native.trim().toLowerCase(), args: [] }
  const args = (m[2] ?? '')
    .split(',')
    .map((s) => Number.parseInt(s.trim(), 10))
    .filter((n) => Number.isFinite(n))
  return { base: m[1].toLowerCase() + (m[3] ?? ''), args }
}

/** Shared spelling table: base names both engines use for the same neutral type. */
export const COMMON_TYPE_NAMES: Record<string, NeutralType> = {
  integer: 'integer',
  int: 'integer',
  int4: 'integer',
  mediumint: 'integer',
  bigint: 'bigint',
  int8: 'bigint',
  smallint: 'smallint',
  int2: 'smallint',
  tinyint: 'smallint',
  real: 'real',
  float4: 'real',
  float: 'double',
  float8: 'double',
  double: 'double',
  'double precision': 'double',
  numeric: 'numeric',
  decimal: 'numeric',
  boolean: 'boolean',
  bool: 'boolean',
  text: 'text',
  clob: 'text',
  varchar: 'varchar',
  'character varying': 'varchar',
  char: 'varchar',
  character: 'varchar',
  nvarchar: 'varchar',
  date: 'date',
  time: 'time',
  'time without time zone': 'time',
  timestamp: 'timestamp',
  datetime: 'timestamp',
  'timestamp without time zone': 'timestamp',
  timestamptz: 'timestamptz',
  'timestamp with time zone': 'timestamptz',
  json: 'json',
  jsonb: 'json',
  uuid: 'uuid',
  blob: 'blob',
  bytea: 'blob',
}

export function neutralFromNative(native: string): { type: NeutralType; length?: number; scale?: number } {
  const { base, args } = splitTypeName(native)
  const type = COMMON_TYPE_NAMES[base] ?? 'unknown'
  const out: { type: NeutralType; length?: number; scale?: number } = { type }
  if ((type === 'varchar' || type === 'numeric') && args.length > 0) out.length = args[0]
  if (type === 'numeric' && args.length > 1) out.scale = args[1]
  return out
}
