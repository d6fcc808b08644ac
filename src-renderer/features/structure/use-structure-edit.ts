import { useEffect, useState } from 'react'
import type { MethodOutput } from '../../../src-shared/contract'
import { type ModelDocument, type ModelTable } from '../../../src-shared/model/document'
import {
  deleteColumn,
  moveColumn,
  newColumn,
  renameTable,
  updateColumn,
  type ColumnPatch,
} from '../../../src-shared/model/edit'
import type { Table } from '../../../src-shared/schema'
import { errorMessage } from '../../bridge/client'
import { toast } from '../../app/store'
import { refreshSchema } from '../connections/actions'
import { modelApi } from './api'

export type Plan = MethodOutput<'model.diff'>

/** The live table inside a document of the whole database (read by model.reverse). */
function findTable(doc: ModelDocument, t: Table): ModelTable | undefined {
  return doc.tables.find(
    (x) =>
      x.name === t.name &&
      ((x.schema ?? null) === (t.schema ?? null) || x.schema == null || t.schema == null || t.schema === 'public'),
  )
}

/** A new column's name: new_column, new_column_2, ... whichever is free. */
function freeName(t: ModelTable): string {
  const taken = new Set(t.columns.map((c) => c.name))
  let name = 'new_column'
  for (let i = 2; taken.has(name); i++) name = `new_column_${i}`
  return name
}

/** The whole database as a model, read once; only `table` is edited in it. */
function useDatabaseModel(handle: string) {
  const [doc, setDoc] = useState<ModelDocument | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    let live = true
    modelApi
      .reverse({ handle })
      // Read back, each table and column knows the name it has in the database (`was`): a rename is a rename.
      .then((d) => live && setDoc(d))
      .catch((e) => live && setError(errorMessage(e)))
    return () => {
      live = false
    }
  }, [handle])
  return { doc, setDoc, error, setError }
}

/**
 * The structure edit's state: the table's staged changes with undo and redo, the migration
 * they make, and applying it.
 */
export function useStructureEdit(handle: string, table: Table, onDone: () => void) {
  const { doc, setDoc, error, setError } = useDatabaseModel(handle)
  const [undo, setUndo] = useState<ModelDocument[]>([])
  const [redo, setRedo] = useState<ModelDocument[]>([])
  const [plan, setPlan] = useState<Plan | null>(null)
  const [typed, setTyped] = useState('')
  const [busy, setBusy] = useState(false)
  const mine = doc ? findTable(doc, table) : undefined
  /** One staged change of the document (this table, and references to it elsewhere); false if refused. */
  const edit = (fn: (doc: ModelDocument) => ModelDocument): boolean => {
    if (!doc || !mine) return false
    let next: ModelDocument
    try {
      next = fn(doc)
    } catch (e) {
      toast('error', errorMessage(e))
      return false
    }
    if (next === doc) return true
    setUndo((u) => [...u, doc])
    setRedo([])
    setPlan(null)
    setDoc(next)
    return true
  }
  const change = (fn: (t: ModelTable) => ModelTable) =>
    edit((d) => ({ ...d, tables: d.tables.map((x) => (x.id === mine!.id ? fn(x) : x)) }))
  // A rename follows into this table's indexes and keys and into foreign keys elsewhere (updateColumn).
  const changeColumn = (id: string, patch: ColumnPatch) => edit((d) => updateColumn(d, mine!.id, id, patch))
  const renameTo = (name: string) => edit((d) => renameTable(d, mine!.id, name))
  const back = () => {
    if (!undo.length || !doc) return
    setRedo((r) => [doc, ...r])
    setDoc(undo[undo.length - 1])
    setUndo((u) => u.slice(0, -1))
    setPlan(null)
  }
  const forward = () => {
    if (!redo.length || !doc) return
    setUndo((u) => [...u, doc])
    setDoc(redo[0])
    setRedo((r) => r.slice(1))
    setPlan(null)
  }
  const keys = (e: React.KeyboardEvent) => {
    const mod = e.ctrlKey || e.metaKey
    if (!mod || (e.target as HTMLElement).tagName === 'INPUT') return
    if (e.key.toLowerCase() === 'z' && !e.shiftKey) back()
    else if (e.key.toLowerCase() === 'y' || (e.key.toLowerCase() === 'z' && e.shiftKey)) forward()
    else return
    e.preventDefault()
  }

  /** Runs one request with the busy flag up and the error shown. */
  const step = async (run: (doc: ModelDocument) => Promise<void>, failed = (m: string) => m) => {
    if (!doc) return
    setBusy(true)
    setError(null)
    try {
      await run(doc)
    } catch (e) {
      setError(failed(errorMessage(e)))
    } finally {
      setBusy(false)
    }
  }
  const preview = () =>
    step(async (doc) => {
      setPlan(await modelApi.diff({ handle, doc }))
      setTyped('')
    })
  const drops = plan ? plan.summary.filter((x) => /^drop (column|table) /.test(x)) : []
  const apply = () =>
    step(
      async (doc) => {
        const r = await modelApi.migrate({ handle, doc })
        toast('success', `${mine?.name}: ${r.ran} statement${r.ran === 1 ? '' : 's'} applied`)
        await refreshSchema(handle)
        onDone()
      },
      (m) => `Nothing was changed: ${m}`,
    )

  const addColumn = () => change((t) => ({ ...t, columns: [...t.columns, newColumn(freeName(t))] }))
  // Its indexes, constraints and the foreign keys that used it go with it (deleteColumn).
  const dropColumn = (id: string) => edit((d) => deleteColumn(d, mine!.id, id))
  const move = (id: string, to: number) => edit((d) => moveColumn(d, mine!.id, id, to))
  const staged = undo.length
  const canUndo = undo.length > 0
  const canRedo = redo.length > 0
  const state = { doc, mine, error, plan, typed, busy, drops, staged, canUndo, canRedo }
  return {
    ...state,
    setTyped,
    edit,
    changeColumn,
    renameTo,
    addColumn,
    dropColumn,
    move,
    back,
    forward,
    keys,
    preview,
    apply,
  }
}

export type StructureEdit = ReturnType<typeof useStructureEdit>
