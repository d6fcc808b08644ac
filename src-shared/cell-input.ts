import type { NeutralType } from './schema'
import type { Cell } from './values'

export type ParseResult = { ok: true; value: Cell } | { ok: false; error: string }

const DATE = /^\d{4}-\d{2}-\d{2}$/
const TIME = /^\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/
const TIMESTAMPTZ = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}(:?\d{2})?)?$/

/**
 * Turn what a person typed into a cell editor into a value of the column's type, or say why it
 * is not one. Empty text is an empty string for text columns; NULL is set explicitly elsewhere.
 */
export function parseCellInput(text: string, type: NeutralType): ParseResult {
  const t = text.trim()
  switch (type) {
    case 'integer':
    case 'smallint':
    case 'bigint': {
      if (!/^[-+]?\d+$/.test(t)) return { ok: false, error: `"${text}" is not a whole number` }
      const n = Number(t)
      if (type === 'smallint' && (n < -32768 || n > 32767))
        return { ok: false, error: `${t} is out of range for smallint` }
      if (type === 'integer' && (n < -2147483648 || n > 2147483647))
        return { ok: false, error: `${t} is out of range for integer` }
      return { ok: true, value: Number.isSafeInteger(n) ? n : { $bigint: BigInt(t).toString() } }
    }
    case 'real':
    case 'double':
    case 'numeric': {
      if (t === '' || Number.isNaN(Number(t)) || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t))
        return { ok: false, error: `"${text}" is not a number` }
      // numeric keeps its exact digits as text; binary floats become numbers.
      return { ok: true, value: type === 'numeric' ? t : Number(t) }
    }
    case 'boolean': {
      const l = t.toLowerCase()
      if (['true', 't', '1', 'yes', 'y'].includes(l)) return { ok: true, value: true }
      if (['false', 'f', '0', 'no', 'n'].includes(l)) return { ok: true, value: false }
      return { ok: false, error: `"${text}" is not true or false` }
    }
    case 'date':
      return DATE.test(t) && !Number.isNaN(Date.parse(t))
        ? { ok: true, value: t }
        : { ok: false, error: `"${text}" is not a date (YYYY-MM-DD)` }
    case 'time':
      return TIME.test(t) ? { ok: true, value: t } : { ok: false, error: `"${text}" is not a time (HH:MM[:SS])` }
    case 'timestamp':
      return TIMESTAMP.test(t) && !Number.isNaN(Date.parse(t.replace(' ', 'T')))
        ? { ok: true, value: t }
        : { ok: false, error: `"${text}" is not a timestamp (YYYY-MM-DD HH:MM[:SS])` }
    case 'timestamptz':
      return TIMESTAMPTZ.test(t)
        ? { ok: true, value: t }
        : { ok: false, error: `"${text}" is not a timestamp with time zone` }
    case 'json':
      try {
        JSON.parse(text)
        return { ok: true, value: text }
      } catch (e) {
        return { ok: false, error: `Not valid JSON: ${(e as Error).message}` }
      }
    case 'uuid':
      return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(t)
        ? { ok: true, value: t.toLowerCase() }
        : { ok: false, error: `"${text}" is not a UUID` }
    case 'blob': {
      const hex = t.replace(/^\\x|^x'|'$/g, '').replace(/\s+/g, '')
      return /^([0-9a-f]{2})*$/i.test(hex)
        ? { ok: true, value: { $blob: hex.toLowerCase() } }
        : { ok: false, error: 'Binary values are typed as hex digits, two per byte' }
    }
    default:
      return { ok: true, value: text }
  }
}

/** The text an editor starts with for a value. */
export function cellEditText(v: Cell): string {
  if (v === null) return ''
  if (typeof v === 'object') return '$bigint' in v ? v.$bigint : v.$blob
  return String(v)
}
