/** How a CSV file's bytes become text; 'auto' reads a byte-order mark, else strict UTF-8. */
export const CSV_ENCODINGS = ['auto', 'utf-8', 'windows-1252', 'iso-8859-1', 'utf-16le', 'utf-16be'] as const
export type CsvEncoding = (typeof CSV_ENCODINGS)[number]

/**
 * CSV as RFC 4180 has it: fields separated by a delimiter, quoted with double quotes when they
 * hold the delimiter, a quote or a line break; a quote inside is doubled. Also reads TSV.
 */
export function parseCsv(text: string, delimiter = ','): string[][] {
  const rows: string[][] = []
  let row: string[] = []
  let field = ''
  let i = 0
  let quoted = false
  let sawAny = false
  const n = text.length
  if (text.charCodeAt(0) === 0xfeff) i = 1 // byte order mark
  while (i < n) {
    const c = text[i]
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"'
          i += 2
          continue
        }
        quoted = false
        i++
        continue
      }
      field += c
      i++
      continue
    }
    if (c === '"' && field === '') {
      quoted = true
      sawAny = true
      i++
    } else if (c === delimiter) {
      row.push(field)
      field = ''
      sawAny = true
      i++
    } else if (c === '\n' || c === '\r') {
      row.push(field)
      rows.push(row)
      row = []
      field = ''
      sawAny = false
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1
    } else {
      field += c
      sawAny = true
      i++
    }
  }
  if (sawAny || field !== '' || row.length) {
    row.push(field)
    rows.push(row)
  }
  return rows
}

export function csvField(v: string, delimiter = ','): string {
  return /[",\r\n]/.test(v) || v.includes(delimiter) || v !== v.trim() ? `"${v.replaceAll('"', '""')}"` : v
}

export function csvLine(fields: string[], delimiter = ','): string {
  return fields.map((f) => csvField(f, delimiter)).join(delimiter)
}

/** Tab-separated values for the clipboard: tabs and line breaks inside values become spaces. */
export function toTsv(rows: string[][]): string {
  return rows.map((r) => r.map((v) => v.replace(/[\t\r\n]+/g, ' ')).join('\t')).join('\n')
}
