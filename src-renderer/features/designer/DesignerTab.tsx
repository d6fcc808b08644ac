import { useCallback, useEffect, useMemo, useRef, useState } from 'react'
import {
  Background,
  BackgroundVariant,
  ConnectionMode,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  applyNodeChanges,
  useReactFlow,
  type Connection,
  type FinalConnectionState,
  type NodeChange,
  type EdgeChange,
} from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import type { ModelDocument, ModelTable } from '../../../src-shared/model/document'
import { addTable, connect, deleteTables, duplicateTables, markSynced, moveTables, RELATIONSHIP_KINDS, type RelationshipKind } from '../../../src-shared/model/edit'
import { autoLayout, NODE_WIDTH, nodeHeight } from '../../../src-shared/model/layout'
import { modelSvg } from '../../../src-shared/model/svg'
import { validateModel, type ModelProblem } from '../../../src-shared/model/validate'
import { call, errorMessage } from '../../bridge/client'
import type { MethodOutput } from '../../../src-shared/contract'
import { toast, useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { refreshSchema } from '../connections/actions'
import { TableNode, type TableNodeType } from './TableNode'
import { RelationEdge, type RelationEdgeType } from './RelationEdge'
import { Inspector } from './Inspector'
import { designer, edit, initDesigner, redo, replaceDoc, requestFit, saveModel, select, setEngine, undo, useDesigners } from './designer-store'

// Props React Flow tracks by identity live outside the component, so they never look changed.
const nodeTypes = { table: TableNode }
const PRO_OPTIONS = { hideAttribution: true }
const PAN_BUTTONS = [1, 2]
const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control']
const edgeTypes = { relation: RelationEdge }

type Panel = 'inspector' | 'ddl' | 'code' | 'problems'

/** Tables copied with Ctrl+C, shared by every designer tab in this window. */
let clipboard: ModelTable[] = []

export function DesignerTab(props: { tabId: string; handle: string; initial?: ModelDocument; path?: string | null }) {
  return (
    <ReactFlowProvider>
      <Designer {...props} />
    </ReactFlowProvider>
  )
}

function Designer({ tabId, handle, initial, path }: { tabId: string; handle: string; initial?: ModelDocument; path?: string | null }) {
  const engine = useApp((s) => s.open[handle]?.engine ?? 'sqlite')
  const theme = useApp((s) => s.theme)
  if (!useDesigners.getState()[tabId]) initDesigner(tabId, { doc: initial, path, engine })
  const d = useDesigners((s) => s[tabId])
  const doc = d.doc
  const [panel, setPanel] = useState<Panel>('inspector')
  const [pending, setPending] = useState<Connection | null>(null)
  const [search, setSearch] = useState('')
  const [plan, setPlan] = useState<MethodOutput<'model.diff'> | null>(null)
  const [comparison, setComparison] = useState<{ plan: MethodOutput<'model.diff'>; file: string } | null>(null)
  const rf = useReactFlow()
  const problems = useMemo(() => validateModel(doc), [doc])

  // Nodes live in local state while dragging; the document gets the final positions as one edit.
  const matches = useMemo(() => {
    const q = search.trim().toLowerCase()
    return q ? new Set(doc.tables.filter((t) => t.name.toLowerCase().includes(q) || t.className.toLowerCase().includes(q) || t.columns.some((c) => c.name.toLowerCase().includes(q))).map((t) => t.id)) : null
  }, [doc, search])
  const toNodes = (prev: TableNodeType[]) => buildNodes(prev, doc, problems, matches, d.selection.tables)
  // Built on the first render too, so React Flow never starts from an empty frame.
  const [nodes, setNodes] = useState<TableNodeType[]>(() => toNodes([]))
  useEffect(() => {
    setNodes((prev) => toNodes(prev))
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [doc, problems, matches, d.selection.tables])

  // Edges follow the document's positions, not the live drag: dragging one table re-renders its own edges only.
  const edges = useMemo(() => buildEdges(doc, d.selection.fk), [doc, d.selection.fk])

  useEffect(() => {
    const id = requestAnimationFrame(() => void rf.fitView({ padding: 0.15, duration: 0, maxZoom: 1.2 }))
    return () => cancelAnimationFrame(id)
  }, [d.fitRequest, rf])

  // The DDL beside the canvas follows every edit (debounced), in the chosen engine's dialect.
  const [ddl, setDdl] = useState<{ script: string; error: string | null }>({ script: '', error: null })
  useEffect(() => {
    if (panel !== 'ddl') return
    const timer = setTimeout(() => {
      call('model.ddl', { doc, engine: d.engine })
        .then((r) => setDdl({ script: r.script, error: null }))
        .catch((e) => setDdl((x) => ({ ...x, error: errorMessage(e) })))
    }, 150)
    return () => clearTimeout(timer)
  }, [doc, d.engine, panel])
  const [code, setCode] = useState('')
  const [codeFormat, setCodeFormat] = useState<'sqlalchemy' | 'typescript' | 'dbml'>('sqlalchemy')
  useEffect(() => {
    if (panel !== 'code') return
    const timer = setTimeout(() => {
      call('model.export', { doc, format: codeFormat })
        .then((r) => setCode(r.code))
        .catch((e) => setCode(`# ${errorMessage(e)}`))
    }, 150)
    return () => clearTimeout(timer)
  }, [doc, panel, codeFormat])

  // Selection lives in the designer's store and is changed only by what the user does (React Flow's
  // 'select' changes); the nodes and edges get it back as props. Listening to onSelectionChange
  // instead races the props on a remount and never settles.
  const onNodesChange = useCallback(
    (changes: NodeChange<TableNodeType>[]) => {
      // Removal goes through the document (undoable), not React Flow's own state.
      setNodes((ns) => applyNodeChanges(changes.filter((c) => c.type !== 'remove'), ns))
      const picks = changes.filter((c) => c.type === 'select')
      if (!picks.length) return
      const cur = new Set(designer(tabId).selection.tables)
      for (const c of picks) if (c.selected) cur.add(c.id)
      else cur.delete(c.id)
      const tables = designer(tabId).doc.tables.map((t) => t.id).filter((id) => cur.has(id))
      select(tabId, tables.length ? { tables, fk: null } : { tables })
      if (tables.length) setPanel('inspector')
    },
    [tabId],
  )
  const onEdgesChange = useCallback(
    (changes: EdgeChange<RelationEdgeType>[]) => {
      for (const c of changes) {
        if (c.type !== 'select') continue
        const [table, fk] = c.id.split('|')
        if (c.selected) {
          select(tabId, { tables: [], fk: { table, fk } })
          setPanel('inspector')
        } else if (designer(tabId).selection.fk?.fk === fk) select(tabId, { fk: null })
      }
    },
    [tabId],
  )
  const onDragStop = useCallback(
    (_: unknown, __: unknown, dragged: TableNodeType[]) => {
      const pos: Record<string, { x: number; y: number }> = {}
      for (const n of dragged) pos[n.id] = { x: Math.round(n.position.x), y: Math.round(n.position.y) }
      edit(tabId, (x) => moveTables(x, pos))
    },
    [tabId],
  )
  const onConnectEnd = useCallback((event: MouseEvent | TouchEvent, state: FinalConnectionState) => {
    // Dropped on a table (or one of its columns) rather than exactly on a handle: connect to it anyway.
    if (state.isValid || !state.fromNode) return
    const pt = 'changedTouches' in event ? event.changedTouches[0] : event
    const el = document.elementFromPoint(pt.clientX, pt.clientY)
    const node = el?.closest<HTMLElement>('.react-flow__node')
    const row = el?.closest<HTMLElement>('[data-colid]')
    const target = node?.dataset.id
    if (!target || target === state.fromNode.id) return
    setPending({ source: state.fromNode.id, sourceHandle: state.fromHandle?.id ?? null, target, targetHandle: row ? `${row.dataset.colid}:l` : null })
  }, [])
  const deleteSelection = useCallback(() => {
    const s = designer(tabId).selection
    if (s.tables.length) {
      edit(tabId, (x) => deleteTables(x, s.tables))
      select(tabId, { tables: [], fk: null })
    }
  }, [tabId])

  const addNewTable = useCallback(() => {
    const el = document.querySelector(`[data-designer="${tabId}"] .react-flow`)
    const rect = el?.getBoundingClientRect()
    const center = rect ? rf.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 }) : { x: 40, y: 40 }
    // At the middle of the view, or the nearest free place around it (ring by ring), so it is seen at once.
    const taken = designer(tabId).doc.tables
    const free = (p: { x: number; y: number }) => !taken.some((t) => p.x < t.position.x + NODE_WIDTH + 30 && t.position.x < p.x + NODE_WIDTH + 30 && p.y < t.position.y + nodeHeight(t) + 30 && t.position.y < p.y + 110)
    const origin = { x: Math.round(center.x - NODE_WIDTH / 2), y: Math.round(center.y - 50) }
    let spot = origin
    search: for (let r = 0; r < 12; r++) {
      const ring: [number, number][] = []
      for (let dy = -r; dy <= r; dy++) for (let dx = -r; dx <= r; dx++) if (Math.max(Math.abs(dx), Math.abs(dy)) === r) ring.push([dx, dy])
      // Same row first, right before left, then below before above.
      ring.sort((a, b) => Math.abs(a[1]) - Math.abs(b[1]) || b[0] - a[0] || b[1] - a[1])
      for (const [dx, dy] of ring) {
        const p = { x: origin.x + dx * (NODE_WIDTH + 60), y: origin.y + dy * 160 }
        if (free(p)) {
          spot = p
          break search
        }
      }
    }
    if (rect) {
      const s = rf.flowToScreenPosition(spot)
      const e = rf.flowToScreenPosition({ x: spot.x + NODE_WIDTH, y: spot.y + 100 })
      if (s.x < rect.left || s.y < rect.top || e.x > rect.right || e.y > rect.bottom) void rf.setCenter(spot.x + NODE_WIDTH / 2, spot.y + 50, { zoom: rf.getZoom(), duration: 200 })
    }
    let id = ''
    edit(tabId, (x) => {
      const r = addTable(x, { position: spot })
      id = r.id
      return r.doc
    })
    select(tabId, { tables: [id], fk: null })
    setPanel('inspector')
  }, [rf, tabId])

  const layout = useCallback(() => {
    edit(tabId, (x) => autoLayout(x))
    requestFit(tabId)
  }, [tabId])

  // Keyboard: undo/redo, copy/paste tables, delete, add, layout, save. Not while typing in a field.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const root = document.querySelector(`[data-designer="${tabId}"]`)
      if (!root) return
      const typing = e.target instanceof HTMLElement && (e.target.matches('input, textarea, select') || e.target.isContentEditable)
      const mod = e.ctrlKey || e.metaKey
      const k = e.key.toLowerCase()
      if (mod && k === 's') {
        e.preventDefault()
        void save(tabId, e.shiftKey)
        return
      }
      if (typing) return
      if (mod && k === 'z' && !e.shiftKey) {
        e.preventDefault()
        undo(tabId)
      } else if (mod && (k === 'y' || (k === 'z' && e.shiftKey))) {
        e.preventDefault()
        redo(tabId)
      } else if (mod && k === 'c') {
        const s = designer(tabId)
        clipboard = s.doc.tables.filter((t) => s.selection.tables.includes(t.id))
      } else if (mod && k === 'v' && clipboard.length) {
        e.preventDefault()
        let ids: string[] = []
        edit(tabId, (x) => {
          const r = duplicateTables(x, clipboard)
          ids = r.ids
          return r.doc
        })
        select(tabId, { tables: ids, fk: null })
      } else if (e.key === 'Delete' || e.key === 'Backspace') {
        deleteSelection()
      } else if (!mod && k === 'n') {
        e.preventDefault()
        addNewTable()
      } else if (!mod && k === 'l') {
        layout()
      } else if (!mod && k === 'f') {
        requestFit(tabId)
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [tabId, deleteSelection, addNewTable, layout])

  const errors = problems.filter((p) => p.level === 'error').length
  const selectedTable = d.selection.tables[0] ?? null

  return (
    <div className="designer" data-designer={tabId} data-testid="designer">
      <div className="dz-toolbar">
        <button className="btn small" onClick={addNewTable} title="Add a table (N)" data-testid="dz-add-table">
          <Icon name="plus" size={13} /> Table
        </button>
        <button className="icon-button" onClick={() => undo(tabId)} disabled={!d.past.length} title="Undo (Ctrl+Z)" data-testid="dz-undo">
          <Icon name="undo" size={15} />
        </button>
        <button className="icon-button" onClick={() => redo(tabId)} disabled={!d.future.length} title="Redo (Ctrl+Shift+Z)" data-testid="dz-redo">
          <Icon name="redo" size={15} />
        </button>
        <button className="icon-button" onClick={layout} title="Automatic layout (L)" data-testid="dz-layout">
          <Icon name="layout" size={15} />
        </button>
        <button className="icon-button" onClick={() => requestFit(tabId)} title="Fit to screen (F)">
          <Icon name="fit" size={15} />
        </button>
        <input
          className="dz-search"
          placeholder="Find table or column"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && matches?.size) {
              const ids = [...matches]
              select(tabId, { tables: ids, fk: null })
              void rf.fitView({ nodes: ids.map((id) => ({ id })), padding: 0.4, duration: 200, maxZoom: 1.2 })
            }
          }}
          data-testid="dz-search"
        />
        <span className="spacer" />
        <span className="muted small dz-file" title={d.path ?? 'Not saved to a file yet (kept in the app data folder)'}>
          {d.path ? d.path.split(/[\\/]/).pop() : 'unsaved model'}
          {d.saved ? '' : ' •'}
        </span>
        <button className="icon-button" onClick={() => void openModel(tabId)} title="Open a model file">
          <Icon name="folder" size={15} />
        </button>
        <button className="icon-button" onClick={() => void save(tabId, false)} title="Save (Ctrl+S); Save as: Ctrl+Shift+S" data-testid="dz-save">
          <Icon name="save" size={15} />
        </button>
        <button className="btn small ghost" onClick={() => downloadSvg(designer(tabId).doc, theme)} title="Save the diagram as SVG" data-testid="dz-export-svg">
          SVG
        </button>
        <button className="btn small ghost" onClick={() => void downloadPng(designer(tabId).doc, theme)} title="Save the diagram as PNG" data-testid="dz-export-png">
          PNG
        </button>
        <button
          className="btn small ghost"
          onClick={() =>
            void compareWithFile(tabId)
              .then((c) => c && setComparison(c))
              .catch((e) => toast('error', errorMessage(e)))
          }
          title="The migration from another version of this model (a saved file) to this one"
        >
          Compare…
        </button>
        <button className="btn small ghost" onClick={() => void importFile(tabId)} title="Read SQLAlchemy models (.py, parsed, never run), CREATE TABLE statements (.sql) or DBML (.dbml) into this model">
          Import…
        </button>
        <button className="btn small ghost" onClick={() => void reverse(tabId, handle)} title="Replace the model with the tables of this connection's database" data-testid="dz-reverse">
          Reverse engineer
        </button>
        <button
          className="btn small primary"
          onClick={() =>
            void call('model.diff', { handle, doc: designer(tabId).doc })
              .then(setPlan)
              .catch((e) => toast('error', errorMessage(e)))
          }
          disabled={errors > 0}
          title={errors ? 'Fix the errors first (see Problems)' : 'Preview the changes that bring this database to the model, then run them in one transaction'}
          data-testid="dz-apply"
        >
          Apply to database…
        </button>
      </div>
      <div className="dz-body">
        <div className="dz-canvas">
          <ReactFlow<TableNodeType, RelationEdgeType>
            nodes={nodes}
            edges={edges}
            nodeTypes={nodeTypes}
            edgeTypes={edgeTypes}
            onNodesChange={onNodesChange}
            onNodeDragStop={onDragStop}
            onEdgesChange={onEdgesChange}
            onConnect={setPending}
            onConnectEnd={onConnectEnd}
            connectionMode={ConnectionMode.Loose}
            colorMode={theme}
            deleteKeyCode={null}
            minZoom={0.05}
            maxZoom={2}
            onlyRenderVisibleElements={doc.tables.length > 150}
            proOptions={PRO_OPTIONS}
            selectionOnDrag
            panOnDrag={PAN_BUTTONS}
            panOnScroll
            multiSelectionKeyCode={MULTI_SELECT_KEYS}
          >
            <Background variant={BackgroundVariant.Dots} gap={20} size={1} />
            <MiniMap pannable zoomable nodeStrokeWidth={2} className="dz-minimap" />
            <Controls showInteractive={false} />
          </ReactFlow>
          {doc.tables.length === 0 && (
            <div className="dz-empty">
              <p>An empty model. Add a table (N), or reverse engineer this connection's database.</p>
            </div>
          )}
          {plan && <MigrationDialog tabId={tabId} handle={handle} plan={plan} onClose={() => setPlan(null)} />}
          {comparison && <MigrationDialog tabId={tabId} handle={handle} plan={comparison.plan} compareWith={comparison.file} onClose={() => setComparison(null)} />}
          {pending && <ConnectMenu tabId={tabId} doc={doc} conn={pending} onDone={() => setPending(null)} />}
        </div>
        <aside className="dz-side">
          <div className="segmented small dz-tabs" role="tablist">
            {(
              [
                ['inspector', selectedTable || d.selection.fk ? 'Inspector' : 'Model'],
                ['ddl', 'DDL'],
                ['code', 'Code'],
                ['problems', `Problems${problems.length ? ` (${problems.length})` : ''}`],
              ] as [Panel, string][]
            ).map(([p, label]) => (
              <button key={p} role="tab" aria-selected={panel === p} className={panel === p ? 'on' : ''} onClick={() => setPanel(p)} data-testid={`dz-panel-${p}`}>
                {label}
              </button>
            ))}
          </div>
          <div className="dz-side-body">
            {panel === 'inspector' && <Inspector tabId={tabId} doc={doc} tableId={selectedTable} fk={d.selection.fk} problems={problems} />}
            {panel === 'ddl' && (
              <div className="dz-code">
                <div className="dz-inline">
                  <div className="segmented small">
                    {(['sqlite', 'postgres'] as const).map((e) => (
                      <button key={e} className={d.engine === e ? 'on' : ''} onClick={() => setEngine(tabId, e)} data-testid={`dz-engine-${e}`}>
                        {e === 'sqlite' ? 'SQLite' : 'PostgreSQL'}
                      </button>
                    ))}
                  </div>
                  <span className="spacer" />
                  <button className="btn small ghost" onClick={() => void navigator.clipboard?.writeText(ddl.script)}>
                    Copy
                  </button>
                </div>
                {ddl.error && <p className="dz-problems-inline error">{ddl.error}</p>}
                <pre className="mono" data-testid="dz-ddl">
                  {ddl.script || '-- no tables yet'}
                </pre>
              </div>
            )}
            {panel === 'code' && (
              <div className="dz-code">
                <div className="dz-inline">
                  <div className="segmented small">
                    {(['sqlalchemy', 'typescript', 'dbml'] as const).map((f) => (
                      <button key={f} className={codeFormat === f ? 'on' : ''} onClick={() => setCodeFormat(f)} data-testid={`dz-code-${f}`}>
                        {f === 'sqlalchemy' ? 'SQLAlchemy 2.0' : f === 'typescript' ? 'TypeScript' : 'DBML'}
                      </button>
                    ))}
                  </div>
                  <span className="spacer" />
                  <button className="btn small ghost" onClick={() => void navigator.clipboard?.writeText(code)}>
                    Copy
                  </button>
                </div>
                <pre className="mono" data-testid="dz-code">
                  {code}
                </pre>
              </div>
            )}
            {panel === 'problems' && (
              <ul className="dz-problem-list" data-testid="dz-problems">
                {problems.length === 0 && <li className="muted">No problems.</li>}
                {problems.map((p, i) => (
                  <li key={i} className={p.level}>
                    <button
                      onClick={() => {
                        select(tabId, { tables: [p.tableId], fk: null })
                        void rf.fitView({ nodes: [{ id: p.tableId }], padding: 0.6, duration: 200, maxZoom: 1.2 })
                        setPanel('inspector')
                      }}
                    >
                      <span className={`dz-level ${p.level}`}>{p.level}</span> {p.message}
                    </button>
                  </li>
                ))}
              </ul>
            )}
          </div>
        </aside>
      </div>
    </div>
  )
}

/** Table nodes for React Flow; unchanged tables keep their node object (and its measurements). */
function buildNodes(prev: TableNodeType[], doc: ModelDocument, problems: ModelProblem[], matches: Set<string> | null, selection: string[]): TableNodeType[] {
  const level = new Map<string, 'error' | 'warning'>()
  for (const p of problems) if (p.level === 'error' || !level.has(p.tableId)) level.set(p.tableId, p.level)
  const selected = new Set(selection)
  const old = new Map(prev.map((n) => [n.id, n]))
  return doc.tables.map((t) => {
    const o = old.get(t.id)
    const data = { table: t, fkColumns: new Set(t.foreignKeys.flatMap((f) => f.columns)), problems: level.get(t.id) ?? null, highlight: matches?.has(t.id) ?? false }
    if (o && o.data.table === t && o.data.problems === data.problems && o.data.highlight === data.highlight && !!o.selected === selected.has(t.id)) return o
    return o ? { ...o, position: t.position, data, selected: selected.has(t.id) } : { id: t.id, type: 'table' as const, position: t.position, data, selected: selected.has(t.id) }
  })
}

/** Which column handle a foreign key leaves and enters by, so edges take the short way round. */
function buildEdges(doc: ModelDocument, selectedFk: { table: string; fk: string } | null): RelationEdgeType[] {
  const byName = new Map(doc.tables.map((t) => [`${t.schema ?? ''}.${t.name}`, t]))
  const out: RelationEdgeType[] = []
  for (const t of doc.tables) {
    for (const f of t.foreignKeys) {
      const ref = byName.get(`${f.refSchema ?? ''}.${f.refTable}`)
      if (!ref) continue
      const from = t.columns.find((c) => c.name === f.columns[0])
      const to = ref.columns.find((c) => c.name === f.refColumns[0])
      if (!from || !to) continue
      const leftToRight = t.position.x <= ref.position.x
      const unique = (f.columns.length === 1 && from.unique) || t.uniques.some((u) => u.columns.length === f.columns.length && u.columns.every((c) => f.columns.includes(c))) || (f.columns.length === t.columns.filter((c) => c.primaryKey > 0).length && f.columns.every((n) => (t.columns.find((c) => c.name === n)?.primaryKey ?? 0) > 0) && !t.association)
      const many = unique ? '1' : 'N'
      const one = t.columns.filter((c) => f.columns.includes(c.name)).every((c) => !c.nullable) ? '1' : '0..1'
      const optional = t.columns.some((c) => f.columns.includes(c.name) && c.nullable)
      // Edges always leave by a right-hand (source) handle and enter by a left-hand (target) one,
      // so the edge runs from whichever table is further left.
      out.push({
        id: `${t.id}|${f.id}`,
        source: leftToRight ? t.id : ref.id,
        target: leftToRight ? ref.id : t.id,
        sourceHandle: `${leftToRight ? from.id : to.id}:r`,
        targetHandle: `${leftToRight ? to.id : from.id}:l`,
        type: 'relation',
        selected: selectedFk?.fk === f.id,
        data: { from: leftToRight ? many : one, to: leftToRight ? one : many, title: `${t.name} → ${ref.name}`, optional },
      })
    }
  }
  return out
}

const KIND_LABEL: Record<RelationshipKind, string> = {
  'many-to-one': 'Many-to-one',
  'one-to-many': 'One-to-many',
  'one-to-one': 'One-to-one',
  'many-to-many': 'Many-to-many',
}

/** After a drag from one table (or column) to another: which relationship to draw. */
function ConnectMenu({ tabId, doc, conn, onDone }: { tabId: string; doc: ModelDocument; conn: Connection; onDone: () => void }) {
  const a = doc.tables.find((t) => t.id === conn.source)
  const b = doc.tables.find((t) => t.id === conn.target)
  const colOf = (h: string | null | undefined) => (h && h.includes(':') ? h.split(':')[0] : undefined)
  if (!a || !b) return null
  const fromColumn = colOf(conn.sourceHandle)
  const toColumn = colOf(conn.targetHandle)
  const fromName = fromColumn ? `${a.name}.${a.columns.find((c) => c.id === fromColumn)?.name}` : a.name
  const toName = toColumn ? `${b.name}.${b.columns.find((c) => c.id === toColumn)?.name}` : b.name
  const choose = (kind: RelationshipKind) => {
    const cols = kind === 'many-to-many' ? {} : { fromColumn, toColumn }
    edit(tabId, (x) => connect(x, { from: a.id, to: b.id, kind, ...cols }).doc)
    onDone()
  }
  const explain: Record<RelationshipKind, string> = {
    'many-to-one': `each ${a.name} row refers to one ${b.name} row (${fromColumn ? fromName : `a new ${a.name} column`} → ${toName})`,
    'one-to-many': `each ${a.name} row has many ${b.name} rows (the key goes on ${b.name})`,
    'one-to-one': `each ${a.name} row refers to at most one ${b.name} row, uniquely (uselist=False)`,
    'many-to-many': `an association table links ${a.name} and ${b.name}, both keys its primary key`,
  }
  return (
    <div className="dz-connect" role="dialog" aria-label="New relationship" data-testid="dz-connect">
      <strong>
        {fromName} → {toName}
      </strong>
      {RELATIONSHIP_KINDS.map((k) => (
        <button key={k} onClick={() => choose(k)} data-testid={`dz-kind-${k}`}>
          <span className="strong">{KIND_LABEL[k]}</span> <span className="muted small">{explain[k]}</span>
        </button>
      ))}
      <button className="btn small ghost" onClick={onDone}>
        Cancel
      </button>
    </div>
  )
}

async function save(tabId: string, saveAs: boolean) {
  const d = designer(tabId)
  let path = d.path
  if (!path || saveAs) {
    const dir = useApp.getState().info?.dataDir ?? '.'
    path = prompt('Save the model as (a path on this machine):', path ?? `${dir}/models/${d.doc.name.replace(/[^A-Za-z0-9_-]+/g, '-') || 'model'}.schemist.json`)
    if (!path) return
  }
  await saveModel(tabId, path)
}

async function openModel(tabId: string) {
  const recent = await call('model.recent', {}).catch(() => [] as string[])
  const path = prompt(`Open a model file (a path on this machine).${recent.length ? `\nRecent:\n${recent.slice(0, 5).join('\n')}` : ''}`, recent[0] ?? '')
  if (!path) return
  try {
    const r = await call('model.open', { path })
    replaceDoc(tabId, r.doc, r.path)
  } catch (e) {
    toast('error', errorMessage(e))
  }
}

function fileName(doc: ModelDocument, ext: string): string {
  return `${doc.name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '') || 'model'}.${ext}`
}

function download(blob: Blob, name: string) {
  const url = URL.createObjectURL(blob)
  const a = document.createElement('a')
  a.href = url
  a.download = name
  document.body.appendChild(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(url), 10_000)
}

function downloadSvg(doc: ModelDocument, theme: 'light' | 'dark') {
  download(new Blob([modelSvg(doc, theme)], { type: 'image/svg+xml' }), fileName(doc, 'svg'))
}

/** The same SVG drawn onto a canvas at twice the size, for a crisp PNG. */
async function downloadPng(doc: ModelDocument, theme: 'light' | 'dark') {
  const svg = modelSvg(doc, theme)
  const m = /width="(\d+)" height="(\d+)"/.exec(svg)
  const [w, h] = m ? [Number(m[1]), Number(m[2])] : [800, 600]
  const scale = Math.min(2, 16000 / Math.max(w, h))
  const img = new Image()
  img.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`
  try {
    await img.decode()
    const canvas = document.createElement('canvas')
    canvas.width = Math.round(w * scale)
    canvas.height = Math.round(h * scale)
    const ctx = canvas.getContext('2d')!
    ctx.scale(scale, scale)
    ctx.drawImage(img, 0, 0, w, h)
    const blob = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/png'))
    if (!blob) throw new Error('the diagram is too large for one image')
    download(blob, fileName(doc, 'png'))
  } catch (e) {
    toast('error', `Could not make the PNG: ${errorMessage(e)}`)
  }
}

/** Another saved version of the model, and the migration from it to this one. */
async function compareWithFile(tabId: string): Promise<{ plan: MethodOutput<'model.diff'>; file: string } | null> {
  const recent = await call('model.recent', {}).catch(() => [] as string[])
  const path = prompt('Compare with which saved model (a path on this machine)?', recent[0] ?? '')
  if (!path) return null
  const other = await call('model.open', { path })
  const d = designer(tabId)
  return { plan: await call('model.diffModels', { from: other.doc, to: d.doc, engine: d.engine }), file: other.path }
}

async function importFile(tabId: string) {
  const path = prompt('Import SQLAlchemy models (.py), CREATE TABLE statements (.sql) or DBML (.dbml): a path on this machine')
  if (!path) return
  try {
    const r = await call('model.import', { format: /\.py$/i.test(path) ? 'sqlalchemy' : /\.dbml$/i.test(path) ? 'dbml' : 'sql', path })
    if (designer(tabId).doc.tables.length && !confirm(`Replace this model with the ${r.doc.tables.length} tables read from the file? (Undo brings the model back.)`)) return
    replaceDoc(tabId, r.doc)
    toast(r.warnings.length ? 'info' : 'success', `Read ${r.doc.tables.length} tables${r.warnings.length ? `; ${r.warnings.length} thing(s) left out: ${r.warnings.join(' ')}` : ''}`)
  } catch (e) {
    toast('error', errorMessage(e))
  }
}

async function reverse(tabId: string, handle: string) {
  const d = designer(tabId)
  if (d.doc.tables.length && !confirm('Replace this model with the tables of the database? (Undo brings the model back.)')) return
  try {
    const doc = await call('model.reverse', { handle })
    replaceDoc(tabId, doc)
    toast('success', `Read ${doc.tables.length} tables from the database`)
  } catch (e) {
    toast('error', errorMessage(e))
  }
}

/** What applying the model will do to the database, reviewed before anything runs. */
function MigrationDialog({ tabId, handle, plan, onClose, compareWith }: { tabId: string; handle: string; plan: MethodOutput<'model.diff'>; onClose: () => void; compareWith?: string }) {
  const name = useApp((s) => s.open[handle]?.name ?? 'the database')
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const run = async () => {
    setBusy(true)
    setError(null)
    try {
      const r = await call('model.migrate', { handle, doc: designer(tabId).doc })
      edit(tabId, (x) => markSynced(x))
      toast('success', r.ran ? `Applied ${r.summary.length} change(s) to ${name}` : `${name} already matches the model`)
      void refreshSchema(handle)
      onClose()
    } catch (e) {
      setError(errorMessage(e))
    } finally {
      setBusy(false)
    }
  }
  return (
    <div className="modal-backdrop" onMouseDown={(e) => e.target === e.currentTarget && !busy && onClose()}>
      <div className="modal dz-migration" role="dialog" aria-modal="true" aria-labelledby="dz-mig-title" data-testid="dz-migration" onKeyDown={(e) => e.key === 'Escape' && !busy && onClose()}>
        <header className="modal-head">
          <h2 id="dz-mig-title">{compareWith ? `From ${compareWith.split(/[\\/]/).pop()} to this model` : `Apply the model to ${name}`}</h2>
          <button className="icon-button" onClick={onClose} disabled={busy} aria-label="Close">
            <Icon name="close" />
          </button>
        </header>
        <div className="modal-body">
          {plan.summary.length === 0 ? (
            <p className="muted">{compareWith ? 'The two versions create the same database.' : 'The database already matches the model. Nothing to do.'}</p>
          ) : (
            <>
              <ul className="dz-summary" data-testid="dz-migration-summary">
                {plan.summary.map((x, i) => (
                  <li key={i}>{x}</li>
                ))}
              </ul>
              {plan.warnings.length > 0 && (
                <ul className="dz-problems-inline" data-testid="dz-migration-warnings">
                  {plan.warnings.map((w, i) => (
                    <li key={i} className="warning">
                      {w}
                    </li>
                  ))}
                </ul>
              )}
              <p className="muted small">{compareWith ? `The migration script between the versions, in ${designer(tabId).engine === 'sqlite' ? 'SQLite' : 'PostgreSQL'}'s dialect (the DDL tab's engine).` : 'It runs in one transaction: if any statement fails, nothing changes.'}</p>
              <pre className="mono dz-script" data-testid="dz-migration-script">
                {plan.script}
              </pre>
            </>
          )}
          {error && (
            <p className="dz-problems-inline error" role="alert" data-testid="dz-migration-error">
              {error}
            </p>
          )}
        </div>
        <footer className="modal-foot">
          <button className="btn ghost" onClick={() => void navigator.clipboard?.writeText(plan.script)} disabled={!plan.summary.length}>
            Copy script
          </button>
          <span className="spacer" />
          <button className="btn" onClick={onClose} disabled={busy}>
            Cancel
          </button>
          {!compareWith && (
            <button className="btn primary" onClick={() => void run()} disabled={busy || !plan.summary.length} data-testid="dz-migration-run">
              {busy ? 'Running…' : 'Run migration'}
            </button>
          )}
        </footer>
      </div>
    </div>
  )
}
