import { useEffect, useState } from 'react'
import type { MethodOutput } from '../../../src-shared/contract'
import type { CsvEncoding } from '../../../src-shared/csv'
import type { Table } from '../../../src-shared/schema'
import { errorMessage, onEvent } from '../../bridge/client'
import { dataApi } from './api'

export type ImportPreview = MethodOutput<'data.importPreview'>
export type ImportResult = MethodOutput<'data.import'>

/**
 * A CSV import's state: where the file is (a path on this machine, or a file picked in the
 * browser and decoded here), how it is read, its preview and column mapping, and the import's
 * progress and outcome.
 */
export function useCsvImport(handle: string, table: Table, onDone: () => void) {
  const [path, setPath] = useState('')
  const [text, setText] = useState<string | null>(null)
  const [delimiter, setDelimiter] = useState(',')
  const [hasHeader, setHasHeader] = useState(true)
  const [encoding, setEncoding] = useState<CsvEncoding>('auto')
  const [file, setFile] = useState<File | null>(null)
  const [preview, setPreview] = useState<ImportPreview | null>(null)
  const [mapping, setMapping] = useState<Record<string, number | null>>({})
  const [result, setResult] = useState<ImportResult | null>(null)
  const [progress, setProgress] = useState<{ rows: number; total: number | null } | null>(null)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  useEffect(() => onEvent('onImportProgress', (p) => setProgress({ rows: p.rows, total: p.total })), [])
  const source = () => (text !== null ? { text } : { path, encoding })

  // A file picked in the browser is decoded here, strictly: a byte that is not in the chosen
  // encoding is an error to act on, never a silent U+FFFD.
  const decodeFile = async (f: File, enc: CsvEncoding) => {
    try {
      setText(new TextDecoder(enc === 'auto' ? 'utf-8' : enc, { fatal: true }).decode(await f.arrayBuffer()))
      setError(null)
    } catch {
      setText(null)
      const name = enc === 'auto' ? 'UTF-8' : enc.toUpperCase()
      setError(
        `${f.name} is not valid ${name}: choose its encoding (Windows-1252 or Latin-1 are common) and preview again.`,
      )
    }
  }
  /** A path typed or browsed to replaces a picked file. */
  const choosePath = (p: string) => {
    setPath(p)
    setText(null)
    setFile(null)
  }
  const pickFile = async (f: File) => {
    setFile(f)
    setPath(f.name)
    await decodeFile(f, encoding)
  }
  const chooseEncoding = (enc: CsvEncoding) => {
    setEncoding(enc)
    if (file) void decodeFile(file, enc)
  }

  const load = async () => {
    setError(null)
    setResult(null)
    try {
      if (file && text === null) return void (await decodeFile(file, encoding))
      const p = await dataApi.importPreview({ ...source(), delimiter, hasHeader })
      setPreview(p)
      // Map columns by name where the header matches.
      const m: Record<string, number | null> = {}
      for (const c of table.columns) {
        const i = p.header.findIndex((h) => h.trim().toLowerCase() === c.name.toLowerCase())
        m[c.name] = i >= 0 ? i : null
      }
      setMapping(m)
    } catch (e) {
      setError(errorMessage(e))
    }
  }

  const start = async () => {
    setBusy(true)
    setError(null)
    setProgress(null)
    try {
      const ref = { schema: table.schema, name: table.name }
      const r = await dataApi.import({ handle, table: ref, ...source(), delimiter, hasHeader, mapping })
      setResult(r)
      if (r.ok) onDone()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }

  const state = { path, delimiter, hasHeader, encoding, preview, mapping, result, progress, error, busy }
  const actions = { setDelimiter, setHasHeader, setMapping, choosePath, pickFile, chooseEncoding, load, start }
  return { ...state, ...actions }
}

export type CsvImport = ReturnType<typeof useCsvImport>
