import { useEffect, useMemo, useState } from 'react'
import type { DeclaredProposal, DiagnosisView, FdSpec } from '../../../src-shared/normalize'
import type { ModelTable } from '../../../src-shared/model/document'
import { applyDecomposition } from '../../../src-shared/model/decompose-model'
import { proposalModel } from '../../../src-shared/model/proposal-model'
import { modelSvg } from '../../../src-shared/model/svg'
import { errorMessage } from '../../bridge/client'
import { toast, useApp } from '../../app/store'
import { parseFdText } from '../normalize/fd-text'
import { normalizeApi } from './api'
import { edit, select, useDesigners } from './designer-store'

/** The table as normalization on paper sees it: its columns, key and unique column sets. */
function paperOf(t: ModelTable) {
  const columns = t.columns.map((c) => c.name)
  const key = t.columns
    .filter((c) => c.primaryKey > 0)
    .sort((a, b) => a.primaryKey - b.primaryKey)
    .map((c) => c.name)
  return { name: t.name, columns, key: key.length ? key : null, uniques: t.uniques.map((u) => u.columns) }
}

/**
 * A designer table's declared dependencies (saved with the model, each change one undoable
 * edit), the diagnosis they give, and the 3NF or BCNF split carried out in the model.
 */
export function useDeclaredDependencies(tabId: string, tableId: string, onClose: () => void) {
  const doc = useDesigners((s) => s[tabId].doc)
  const t = doc.tables.find((x) => x.id === tableId)
  const theme = useApp((s) => s.theme)
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [diagnosis, setDiagnosis] = useState<DiagnosisView | null>(null)
  const [target, setTarget] = useState<'3nf' | 'bcnf'>('3nf')
  const [proposal, setProposal] = useState<DeclaredProposal | null>(null)
  const [names, setNames] = useState<Record<string, string>>({})
  const paper = t && paperOf(t)
  const fds: FdSpec[] = (t?.dependencies ?? []).map((f) => ({ ...f, error: 0 }))
  const depsKey = JSON.stringify([t?.dependencies ?? [], paper?.columns, paper?.key, paper?.uniques])

  useEffect(() => {
    if (!paper) return
    let live = true
    setProposal(null)
    normalizeApi
      .declared({ table: paper, fds, target: null })
      .then((r) => live && setDiagnosis(r.diagnosis))
      .catch((e) => live && setError(errorMessage(e)))
    return () => {
      live = false
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [depsKey])

  /** The proposal under the names the user gave its tables. */
  const renamed = useMemo(() => {
    if (!proposal) return null
    const to = (n: string) => names[n]?.trim() || n
    return {
      ...proposal,
      tables: proposal.tables.map((x) => ({
        ...x,
        name: to(x.name),
        references: x.references.map((r) => ({ ...r, table: to(r.table) })),
      })),
    }
  }, [proposal, names])
  const svg = useMemo(
    () => (renamed && t ? modelSvg(proposalModel(renamed, t.columns), theme) : ''),
    [renamed, t, theme],
  )

  const setDeps = (next: { lhs: string[]; rhs: string }[]) =>
    edit(tabId, (d) => ({ ...d, tables: d.tables.map((x) => (x.id === tableId ? { ...x, dependencies: next } : x)) }))

  function add() {
    if (!t || !paper) return
    const r = parseFdText(text, paper.columns, t.name)
    if ('error' in r) return setError(r.error)
    const have = t.dependencies ?? []
    const same = (h: { lhs: string[]; rhs: string }, f: FdSpec) =>
      h.rhs === f.rhs && h.lhs.length === f.lhs.length && h.lhs.every((c) => f.lhs.includes(c))
    const fresh = r.fds.filter((f) => !have.some((h) => same(h, f)))
    setDeps([...have, ...fresh.map(({ lhs, rhs }) => ({ lhs, rhs }))])
    setText('')
    setError(null)
  }

  async function propose(to = target) {
    if (!paper) return
    setTarget(to)
    setError(null)
    setNames({})
    try {
      setProposal((await normalizeApi.declared({ table: paper, fds, target: to })).proposal)
    } catch (e) {
      setProposal(null)
      setError(errorMessage(e))
    }
  }

  function apply() {
    if (!renamed || !t) return
    const taken = doc.tables.filter((x) => x.id !== tableId).map((x) => x.name.toLowerCase())
    const clash = renamed.tables.find((x) => x.name !== t.name && taken.includes(x.name.toLowerCase()))
    if (clash) return setError(`The model already has a table named ${clash.name}: rename the proposed table first`)
    let ids: Record<string, string> = {}
    try {
      edit(tabId, (d) => {
        const r = applyDecomposition(d, tableId, renamed)
        ids = r.ids
        return r.doc
      })
    } catch (e) {
      return setError(errorMessage(e))
    }
    select(tabId, { tables: Object.values(ids), fk: null })
    toast('success', `Split ${t.name} into ${renamed.tables.map((x) => x.name).join(', ')} (Ctrl+Z undoes it)`)
    onClose()
  }

  const state = { t, paper, fds, text, error, diagnosis, target, proposal, renamed, names, svg }
  return { ...state, setText, setNames, setDeps, add, propose, apply }
}

export type DeclaredDependencies = ReturnType<typeof useDeclaredDependencies>
