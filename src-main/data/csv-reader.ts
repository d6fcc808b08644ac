import { TextDecoder } from 'node:util'
import { createReadStream } from 'node:fs'
import { stat } from 'node:fs/promises'
import { parse, type Parser } from 'csv-parse'
import { AppError } from '../../src-shared/errors'

import type { CsvEncoding } from '../../src-shared/csv'

export interface CsvInput {
  path?: string
  text?: string
  delimiter: string
  encoding?: CsvEncoding
}

export interface CsvRecord {
  fields: string[]
  /** The file's line where the record starts (1-based). */
  line: number
}

/** What was found about the file while reading it, for the user to see. */
export interface CsvReadInfo {
  encoding: Exclude<CsvEncoding, 'auto'>
}

function bomEncoding(b: Buffer): { encoding: Exclude<CsvEncoding, 'auto'>; skip: number } | null {
  if (b.length >= 3 && b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { encoding: 'utf-8', skip: 3 }
  if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) return { encoding: 'utf-16le', skip: 2 }
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) return { encoding: 'utf-16be', skip: 2 }
  return null
}

/** Bytes of the source as they come: the file streamed in chunks, or the given text at once. */
async function* byteChunks(src: CsvInput): AsyncGenerator<Buffer> {
  if (src.text !== undefined) {
    yield Buffer.from(src.text, 'utf8')
    return
  }
  if (!src.path) throw new AppError('BAD_REQUEST', 'Give a file path or the CSV text')
  const st = await stat(src.path).catch(() => null)
  if (!st) throw new AppError('FILE_NOT_FOUND', `No such file: ${src.path}`)
  if (!st.isFile()) throw new AppError('FILE_ERROR', `${src.path} is not a regular file`)
  for await (const chunk of createReadStream(src.path, { highWaterMark: 256 * 1024 })) yield chunk as Buffer
}

/** csv-parse's error codes, said as a person would. */
function csvErrorMessage(e: { code?: string; message: string; lines?: number }): string {
  const at = e.lines ? ` (line ${e.lines})` : ''
  switch (e.code) {
    case 'CSV_QUOTE_NOT_CLOSED':
      return `A quoted field is never closed${at}: the rest of the file would be read as one value. Close the quote, or the file is not what it seems.`
    case 'CSV_INVALID_CLOSING_QUOTE':
      return `Text follows a closing quote${at}; inside a quoted field a quote is written twice ("").`
    case 'CSV_INVALID_OPENING_QUOTE':
      return `A quote appears inside an unquoted field${at}; quote the whole field and double the quote.`
    default:
      return `${e.message}`
  }
}

/**
 * The records of a CSV source, streamed: a file of any size is read in chunks with bounded
 * memory, decoded strictly (a byte that is not UTF-8 stops the read and says to choose the
 * encoding, instead of becoming U+FFFD) and parsed by csv-parse, which refuses an unterminated
 * quote rather than swallowing the rest of the file. Rows are yielded as read; a caller checks
 * their widths, since only it knows the header.
 */
export async function* readCsv(src: CsvInput, info: Partial<CsvReadInfo> = {}): AsyncGenerator<CsvRecord> {
  const parser: Parser = parse({
    delimiter: src.delimiter,
    relax_column_count: true,
    skip_empty_lines: true,
    info: true,
    bom: false,
  })
  let decoder: TextDecoder | null = null
  let offset = 0
  let feedError: unknown = null

  const feed = (async () => {
    try {
      for await (const chunk of byteChunks(src)) {
        let bytes = chunk
        if (!decoder) {
          const bom = bomEncoding(bytes)
          const encoding = src.encoding && src.encoding !== 'auto' ? src.encoding : (bom?.encoding ?? 'utf-8')
          if (bom && bom.encoding === encoding) bytes = bytes.subarray(bom.skip)
          info.encoding = encoding
          decoder = new TextDecoder(encoding, { fatal: true })
        }
        let text: string
        try {
          text = decoder.decode(bytes, { stream: true })
        } catch {
          throw new AppError(
            'BAD_REQUEST',
            `The file is not valid ${info.encoding?.toUpperCase()} (near byte ${offset.toLocaleString('en')}). It is probably in another encoding, such as Windows-1252 or Latin-1: choose the file's encoding and read it again.`,
            { reason: 'ENCODING', encoding: info.encoding },
          )
        }
        offset += chunk.length
        if (text && !parser.write(text)) await new Promise<void>((r) => parser.once('drain', () => r()))
      }
      const tail = decoder ? (decoder as TextDecoder).decode() : ''
      if (tail) parser.write(tail)
      parser.end()
    } catch (e) {
      feedError = e
      parser.destroy(e instanceof Error ? e : new Error(String(e)))
    }
  })()

  try {
    for await (const r of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { fields: r.record, line: r.info.lines }
    }
  } catch (e) {
    if (feedError) throw feedError
    const err = e as { code?: string; message: string; lines?: number }
    throw new AppError('BAD_REQUEST', csvErrorMessage(err), { reason: err.code ?? 'CSV', line: err.lines ?? null })
  } finally {
    parser.destroy()
    await feed
  }
  if (feedError) throw feedError
}
