import { decodeTable, encodeTable, type EncodedTable } from './columnar'
import type { Envelope } from './errors'

/**
 * The replies whose values carry tables of cells, by method, and which fields those are: a
 * client of the WebSocket bridge that asks for columnar frames (`frames=columnar` on its URL)
 * gets these replies as one binary frame each, the tables columnar (see `columnar.ts`) and the
 * rest of the value as JSON. The Electron transport clones values as they are and needs none.
 */
export const COLUMNAR_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'data.page': ['rows', 'keys'],
  'query.run': ['rows'],
}

/** "SCF1": a frame this file wrote. */
const MAGIC = 0x31464353
const pad8 = (n: number) => (n + 7) & ~7
const encoder = new TextEncoder()
const decoder = new TextDecoder()

export type ReplyMessage = { type: 'reply'; id: number | null; envelope: Envelope<unknown> }

/**
 * A reply as a binary frame: `u32 magic, u32 header bytes`, the header (the reply as JSON without
 * the tables, and the tables' field names), then each table. Null when the reply has no tables
 * to carry this way (an error, or a field that is not rectangular rows): send it as JSON.
 */
export function encodeReplyFrame(
  id: number | null,
  envelope: Envelope<unknown>,
  fields: readonly string[],
): Uint8Array | null {
  if (!envelope.ok || typeof envelope.value !== 'object' || envelope.value === null) return null
  const rest: Record<string, unknown> = { ...(envelope.value as Record<string, unknown>) }
  const tables: EncodedTable[] = []
  for (const f of fields) {
    const rows = rest[f]
    const table = Array.isArray(rows) ? encodeTable(rows as unknown[][]) : null
    if (!table) return null
    tables.push(table)
    delete rest[f]
  }
  const header = encoder.encode(
    JSON.stringify({ type: 'reply', id, envelope: { ok: true, value: rest }, tables: fields }),
  )
  let bytes = 8 + pad8(header.length)
  for (const t of tables) bytes += t.bytes
  const out = new Uint8Array(bytes)
  const view = new DataView(out.buffer)
  view.setUint32(0, MAGIC, true)
  view.setUint32(4, header.length, true)
  out.set(header, 8)
  let at = 8 + pad8(header.length)
  for (const t of tables) {
    t.write(out, at)
    at += t.bytes
  }
  return out
}

/** Read a frame `encodeReplyFrame` wrote back into the reply JSON would have given. */
export function decodeReplyFrame(buf: Uint8Array): ReplyMessage {
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength)
  if (buf.byteLength < 8 || view.getUint32(0, true) !== MAGIC) throw new Error('Not a Schemist reply frame')
  const headerBytes = view.getUint32(4, true)
  const head = JSON.parse(decoder.decode(buf.subarray(8, 8 + headerBytes))) as ReplyMessage & { tables: string[] }
  const value = (head.envelope as { value: Record<string, unknown> }).value
  let at = 8 + pad8(headerBytes)
  for (const f of head.tables) {
    const t = decodeTable(buf, at)
    value[f] = t.rows
    at = t.end
  }
  return { type: 'reply', id: head.id, envelope: head.envelope }
}
