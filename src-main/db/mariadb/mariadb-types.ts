import type { NeutralType } from '../../../src-shared/schema'
import { neutralFromNative, splitTypeName } from '../type-names'

/** Where MariaDB's spelling differs from the shared table: its BOOLEAN, text and blob sizes, DATETIME and TIMESTAMP. */
const MARIADB_NAMES: Record<string, NeutralType> = {
  float: 'real',
  tinytext: 'text',
  mediumtext: 'text',
  longtext: 'text',
  tinyblob: 'blob',
  mediumblob: 'blob',
  longblob: 'blob',
  varbinary: 'blob',
  binary: 'blob',
  datetime: 'timestamp',
  // TIMESTAMP is stored in UTC and shown in the session's time zone: a moment, not a wall-clock time.
  timestamp: 'timestamptz',
}

/** A MariaDB column type (information_schema's COLUMN_TYPE, e.g. `tinyint(1)`, `decimal(10,2)`) as a neutral type. */
export function mariadbNeutral(native: string): { type: NeutralType; length?: number; scale?: number } {
  const { base, args } = splitTypeName(native.replace(/\s+unsigned\b|\s+zerofill\b/gi, ''))
  if (base === 'tinyint' && args[0] === 1) return { type: 'boolean' }
  const type = MARIADB_NAMES[base]
  if (type) return { type }
  const out = neutralFromNative(native.replace(/\s+unsigned\b|\s+zerofill\b/gi, ''))
  // Integer display widths (`int(11)`) are not lengths.
  return out.type === 'varchar' || out.type === 'numeric' ? out : { type: out.type }
}
