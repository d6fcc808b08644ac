import { createHash } from 'node:crypto'

/** PostgreSQL keeps the first 63 bytes of an identifier (NAMEDATALEN - 1) and drops the rest. */
export const PG_MAX_IDENTIFIER_BYTES = 63

/** The longest prefix of `s` that fits in `bytes` bytes of UTF-8, never cutting a character. */
function fitBytes(s: string, bytes: number): string {
  let out = ''
  let used = 0
  for (const ch of s) {
    const n = Buffer.byteLength(ch)
    if (used + n > bytes) break
    out += ch
    used += n
  }
  return out
}

/**
 * The name of a column's touch trigger (and its function): `<table>_<column>_touch` when that
 * fits in 63 bytes; otherwise a prefix of it and a hash of the whole, so two long names never
 * truncate to the same one (before, the second trigger silently replaced the first).
 */
export function touchName(table: string, column: string): string {
  const plain = `${table}_${column}_touch`
  if (Buffer.byteLength(plain) <= PG_MAX_IDENTIFIER_BYTES) return plain
  const hash = createHash('sha1').update(`${table}\0${column}`).digest('hex').slice(0, 8)
  const tail = `_${hash}_touch`
  return fitBytes(`${table}_${column}`, PG_MAX_IDENTIFIER_BYTES - tail.length) + tail
}
