import { columnsOf } from './cell-columns'
import { decodeTable, encodeCellColumns, encodeTable, type EncodedTable } from './columnar'
import type { MethodName } from './contract'
import type { Envelope } from './errors'

/**
 * The replies whose values carry tables of cells, by method, and which fields those are: a
 * client of the WebSocket bridge that asks for columnar frames (`frames=columnar` on its URL)
 * gets these replies as one binary frame each, the tables columnar (see `columnar.ts`) and the
 * rest of the value as JSON. The Electron transport clones values as they are and needs none.
 */
export const COLUMNAR_FIELDS: Readonly<Partial<Record<MethodName, readonly string[]>>> = {
  'data.page': ['rows', 'keys'],
  'query.run': ['rows'],
}

/** "SCF1": a frame this file wrote. */
const MAGIC = 0x31464353
/** The magic, the header's length and the id. */
const HEAD = 16
const pad8 = (n: number) => (n + 7) & ~7
const encoder = new TextEncoder()
const decoder = new TextDecoder()

export type ReplyMessage = { type: 'reply'; id: number | null; envelope: Envelope<unknown> }

/**
 * A reply as a binary frame: `u32 magic, u32 header bytes, f64 id` (NaN for none: the id stands
 * apart so a frame that cannot be read still answers its caller), the header (the reply as JSON
 * without the tables, and the tables' field names), then each table. Null when the reply has no
 * tables to carry this way (an error, or a field that is not rectangular rows): send it as JSON.
 */
export function encodeReplyFrame(
  id: number | null,
  envelope: Envelope<unknown>,
  fields: readonly string[],
): Uint8Array | null {
  if (!envelope.ok || typeof envelope.value !== 'object' || envelope.value === null) return null
  const value = envelope.value as Record<string, unknown>
  // The tables' fields are not read here: one still held as columns (./cell-columns.ts) would be
  // made into rows by reading it.
  const rest: Record<string, unknown> = {}
  for (const k of Object.keys(value)) if (!fields.includes(k)) rest[k] = value[k]
  const tables: EncodedTable[] = []
  for (const f of fields) {
    const columns = columnsOf(value, f)
    const rows = columns ? null : value[f]
    const table = columns ? encodeCellColumns(columns) : Array.isArray(rows) ? encodeTable(rows as unknown[][]) : null
    if (!table) return null
    tables.push(table)
  }
  const header = encoder.encode(JSON.stringify({ envelope: { ok: true, value: rest }, tables: fields }))
  let bytes = HEAD + pad8(header.length)
  for (const t of tables) bytes += t.bytes
  const out = new Uint8Array(bytes)
  const view = new DataView(out.buffer)
  view.setUint32(0, MAGIC, true)
  view.setUint32(4, header.length, true)
  view.setFloat64(8, id ?? NaN, true)
  out.set(header, HEAD)
  let at = HEAD + pad8(header.length)
  for (const t of tables) {
    t.write(out, at)
    at += t.bytes
  }
  return out
}

/**
 * Read a frame `encodeReplyFrame` wrote back into the reply JSON would have given. A frame that
 * cannot be read (cut short, or from another version) answers its caller with an error, so no
 * request is left waiting; bytes that are not a frame at all throw.
 */
export function decodeReplyFrame(buf: Uint8Array): ReplyMessage {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  if (buf.byteLength < HEAD || view.getUint32(0, true) !== MAGIC) throw new Error('Not a Schemist reply frame')
  const idValue = view.getFloat64(8, true)
  const id = Number.isNaN(idValue) ? null : idValue
  try {
    const headerBytes = view.getUint32(4, true)
    const head = JSON.parse(decoder.decode(buf.subarray(HEAD, HEAD + headerBytes))) as {
      envelope: { ok: true; value: Record<string, unknown> }
      tables: string[]
    }
    const { tables, envelope } = head
    const value = envelope.value
    let at = HEAD + pad8(headerBytes)
    for (const f of tables) {
      if (at >= buf.byteLength) throw new Error('the frame ends early')
      const t = decodeTable(buf, at)
      value[f] = t.rows
      at = t.end
    }
    return { type: 'reply', id, envelope }
  } catch (e) {
    const message = `A reply from the host could not be read: ${(e as Error).message}`
    return { type: 'reply', id, envelope: { ok: false, error: { code: 'INTERNAL', message } } }
  }
}
