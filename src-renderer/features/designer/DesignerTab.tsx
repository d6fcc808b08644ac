import { modelApi } from './api'
import { ENGINE_LIST } from '../../../src-shared/engines'
import { useCallback, useEffect, useMemo, useState } from 'react'
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
import { positionOf, type ModelDocument, type ModelTable } from '../../../src-shared/model/document'
import { addTable, deleteTables, duplicateTables, moveTables } from '../../../src-shared/model/edit'
import { autoLayout, NODE_WIDTH, nodeHeight } from '../../../src-shared/model/layout'
import { validateModel } from '../../../src-shared/model/validate'
import { errorMessage } from '../../bridge/client'
import type { MethodOutput } from '../../../src-shared/contract'
import { toast, useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { TableNode, useCompact, type TableNodeType } from './TableNode'
import { buildEdges, buildNodes } from './graph'
import { ConnectMenu } from './ConnectMenu'
import { MigrationDialog } from './MigrationDialog'
import { TargetDialog } from './TargetDialog'
import {
  compareWithFile,
  downloadPng,
  downloadSvg,
  importFile,
  openModel,
  reverse,
  save,
  tryInOrm,
} from './model-actions'
import { RelationEdge, type RelationEdgeType } from './RelationEdge'
import { Inspector } from './Inspector'
import {
  designer,
  edit,
  initDesigner,
  redo,
  requestFit,
  select,
  setEngine,
  setTarget,
  undo,
  useDesigners,
} from './designer-store'
import { CodeView } from '../../ui/CodeView'

// Props React Flow tracks by identity live outside the component, so they never look changed.
const nodeTypes = { table: TableNode }
const PRO_OPTIONS = { hideAttribution: true }
const PAN_BUTTONS = [1, 2]
const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control']
const edgeTypes = { relation: RelationEdge }

type Panel = 'inspector' | 'ddl' | 'code' | 'problems'

/** Tables copied with Ctrl+C, shared by every designer tab in this window. */
let clipboard: { tables: ModelTable[]; layout: ModelDocument['layout'] } = { tables: [], layout: {} }

export function DesignerTab(props: {
  tabId: string
  handle: string
  initial?: ModelDocument
  path?: string | null
  target: string | null
}) {
  return (
    <ReactFlowProvider>
      <Designer {...props} />
    </ReactFlowProvider>
  )
}

function Designer({
  tabId,
  handle,
  initial,
  path,
  target: initialTarget,
}: {
  tabId: string
  handle: string
  initial?: ModelDocument
  path?: string | null
  target: string | null
}) {
  const engine = useApp((s) => s.open[handle]?.engine ?? 'sqlite')
  const theme = useApp((s) => s.theme)
  if (!useDesigners.getState()[tabId]) initDesigner(tabId, { doc: initial, path, engine, target: initialTarget })
  const d = useDesigners((s) => s[tabId])
  const target = useApp((s) => (d.target && s.open[d.target] ? s.open[d.target] : null))
  const [choosingTarget, setChoosingTarget] = useState(false)
  /** Preview the migration to the target (asking for one first when there is none). */
  const previewApply = (to: string | null) => {
    if (!to || !useApp.getState().open[to]) return setChoosingTarget(true)
    void modelApi
      .diff({ handle: to, doc: designer(tabId).doc })
      .then(setPlan)
      .catch((e) => toast('error', errorMessage(e)))
  }
  const doc = d.doc
  const [panel, setPanel] = useState<Panel>('inspector')
  const [pending, setPending] = useState<Connection | null>(null)
  const [search, setSearch] = useState('')
  const [plan, setPlan] = useState<MethodOutput<'model.diff'> | null>(null)
  const [comparison, setComparison] = useState<{
    plan: MethodOutput<'model.diff'>
    file: string
    from: ModelDocument
  } | null>(null)
  const rf = useReactFlow()
  const problems = useMemo(() => validateModel(doc), [doc])

  // Nodes live in local state while dragging; the document gets the final positions as one edit.
  const matches = useMemo(() => {
    const q = search.trim().toLowerCase()
    return q
      ? new Set(
          doc.tables
            .filter(
              (t) =>
                t.name.toLowerCase().includes(q) ||
                t.className.toLowerCase().includes(q) ||
                t.columns.some((c) => c.name.toLowerCase().includes(q)),
            )
            .map((t) => t.id),
        )
      : null
  }, [doc, search])
  const toNodes = (prev: TableNodeType[]) => buildNodes(prev, doc, problems, matches, d.selection.tables)
  // Built on the first render too, so React Flow never starts from an empty frame.
  const [nodes, setNodes] = useState<TableNodeType[]>(() => toNodes([]))
  useEffect(() => {
    setNodes((prev) => toNodes(prev))
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [doc, problems, matches, d.selection.tables])

  // Edges follow the document's positions, not the live drag: dragging one table re-renders its own edges only.
  const compact = useCompact()
  const edges = useMemo(() => buildEdges(doc, d.selection.fk, compact), [doc, d.selection.fk, compact])

  useEffect(() => {
    const id = requestAnimationFrame(() => void rf.fitView({ padding: 0.15, duration: 0, maxZoom: 1.2 }))
    return () => cancelAnimationFrame(id)
  }, [d.fitRequest, rf])

  // The DDL beside the canvas follows every edit (debounced), in the chosen engine's dialect.
  const [ddl, setDdl] = useState<{ script: string; error: string | null }>({ script: '', error: null })
  useEffect(() => {
    if (panel !== 'ddl') return
    const timer = setTimeout(() => {
      modelApi
        .ddl({ doc, engine: d.engine })
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
      modelApi
        .export({ doc, format: codeFormat })
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
      setNodes((ns) =>
        applyNodeChanges(
          changes.filter((c) => c.type !== 'remove'),
          ns,
        ),
      )
      const picks = changes.filter((c) => c.type === 'select')
      if (!picks.length) return
      const cur = new Set(designer(tabId).selection.tables)
      for (const c of picks)
        if (c.selected) cur.add(c.id)
        else cur.delete(c.id)
      const tables = designer(tabId)
        .doc.tables.map((t) => t.id)
        .filter((id) => cur.has(id))
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
    setPending({
      source: state.fromNode.id,
      sourceHandle: state.fromHandle?.id ?? null,
      target,
      targetHandle: row ? `${row.dataset.colid}:l` : null,
    })
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
    const center = rect
      ? rf.screenToFlowPosition({ x: rect.left + rect.width / 2, y: rect.top + rect.height / 2 })
      : { x: 40, y: 40 }
    // At the middle of the view, or the nearest free place around it (ring by ring), so it is seen at once.
    const current = designer(tabId).doc
    const taken = current.tables.map((t) => ({ t, at: positionOf(current, t.id) }))
    const free = (p: { x: number; y: number }) =>
      !taken.some(
        ({ t, at }) =>
          p.x < at.x + NODE_WIDTH + 30 &&
          at.x < p.x + NODE_WIDTH + 30 &&
          p.y < at.y + nodeHeight(t) + 30 &&
          at.y < p.y + 110,
      )
    const origin = { x: Math.round(center.x - NODE_WIDTH / 2), y: Math.round(center.y - 50) }
    let spot = origin
    search: for (let r = 0; r < 12; r++) {
      const ring: [number, number][] = []
      for (let dy = -r; dy <= r; dy++)
        for (let dx = -r; dx <= r; dx++) if (Math.max(Math.abs(dx), Math.abs(dy)) === r) ring.push([dx, dy])
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
      if (s.x < rect.left || s.y < rect.top || e.x > rect.right || e.y > rect.bottom)
        void rf.setCenter(spot.x + NODE_WIDTH / 2, spot.y + 50, { zoom: rf.getZoom(), duration: 200 })
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
      const typing =
        e.target instanceof HTMLElement && (e.target.matches('input, textarea, select') || e.target.isContentEditable)
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
        clipboard = { tables: s.doc.tables.filter((t) => s.selection.tables.includes(t.id)), layout: s.doc.layout }
      } else if (mod && k === 'v' && clipboard.tables.length) {
        e.preventDefault()
        let ids: string[] = []
        edit(tabId, (x) => {
          const r = duplicateTables(x, clipboard.tables, 40, clipboard.layout)
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
        <button
          className="icon-button"
          onClick={() => undo(tabId)}
          disabled={!d.past.length}
          title="Undo (Ctrl+Z)"
          data-testid="dz-undo"
        >
          <Icon name="undo" size={15} />
        </button>
        <button
          className="icon-button"
          onClick={() => redo(tabId)}
          disabled={!d.future.length}
          title="Redo (Ctrl+Shift+Z)"
          data-testid="dz-redo"
        >
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
        <button
          className="icon-button"
          onClick={() => void save(tabId, false)}
          title="Save (Ctrl+S); Save as: Ctrl+Shift+S"
          data-testid="dz-save"
        >
          <Icon name="save" size={15} />
        </button>
        <button
          className="btn small ghost"
          onClick={() => downloadSvg(designer(tabId).doc, theme)}
          title="Save the diagram as SVG"
          data-testid="dz-export-svg"
        >
          SVG
        </button>
        <button
          className="btn small ghost"
          onClick={() => void downloadPng(designer(tabId).doc, theme)}
          title="Save the diagram as PNG"
          data-testid="dz-export-png"
        >
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
        <button
          className="btn small ghost"
          onClick={() => void importFile(tabId)}
          title="Read SQLAlchemy models (.py, parsed, never run), CREATE TABLE statements (.sql) or DBML (.dbml) into this model"
        >
          Import…
        </button>
        <button
          className="btn small ghost"
          onClick={() => void reverse(tabId, d.target ?? handle)}
          title="Replace the model with the tables of the target database (or of this tab's connection)"
          data-testid="dz-reverse"
        >
          Reverse engineer
        </button>
        <button
          className="btn small ghost"
          onClick={() => void tryInOrm(tabId)}
          disabled={errors > 0 || d.doc.tables.length === 0}
          title="Open an ORM playground on a scratch SQLite database made from this model, with the model's relationship names, cascades and loading strategies"
          data-testid="dz-try-orm"
        >
          Try in ORM…
        </button>
        <button
          className="btn small ghost"
          onClick={() => setChoosingTarget(true)}
          title="The database Apply goes to"
          data-testid="dz-target-chip"
        >
          {target ? `Target: ${target.name}` : 'No target database'}
        </button>
        <button
          className="btn small primary"
          onClick={() => previewApply(d.target)}
          disabled={errors > 0}
          title={
            errors
              ? 'Fix the errors first (see Problems)'
              : 'Preview the changes that bring the target database to the model, then run them in one transaction'
          }
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
          {plan && d.target && (
            <MigrationDialog tabId={tabId} handle={d.target} plan={plan} onClose={() => setPlan(null)} />
          )}
          {choosingTarget && (
            <TargetDialog
              current={d.target}
              onClose={() => setChoosingTarget(false)}
              onPick={(h) => {
                setTarget(tabId, h)
                setChoosingTarget(false)
                previewApply(h)
              }}
            />
          )}
          {comparison && (
            <MigrationDialog
              tabId={tabId}
              handle={handle}
              plan={comparison.plan}
              compareWith={comparison.file}
              from={comparison.from}
              onClose={() => setComparison(null)}
            />
          )}
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
              <button
                key={p}
                role="tab"
                aria-selected={panel === p}
                className={panel === p ? 'on' : ''}
                onClick={() => setPanel(p)}
                data-testid={`dz-panel-${p}`}
              >
                {label}
              </button>
            ))}
          </div>
          <div className="dz-side-body">
            {panel === 'inspector' && (
              <Inspector tabId={tabId} doc={doc} tableId={selectedTable} fk={d.selection.fk} problems={problems} />
            )}
            {panel === 'ddl' && (
              <div className="dz-code">
                <div className="dz-inline">
                  <div className="segmented small">
                    {ENGINE_LIST.map(({ name: e, label }) => (
                      <button
                        key={e}
                        className={d.engine === e ? 'on' : ''}
                        onClick={() => setEngine(tabId, e)}
                        data-testid={`dz-engine-${e}`}
                      >
                        {label}
                      </button>
                    ))}
                  </div>
                  <span className="spacer" />
                  <button className="btn small ghost" onClick={() => void navigator.clipboard?.writeText(ddl.script)}>
                    Copy
                  </button>
                </div>
                {ddl.error && <p className="dz-problems-inline error">{ddl.error}</p>}
                <CodeView text={ddl.script || '-- no tables yet'} lang={d.engine} testId="dz-ddl" />
              </div>
            )}
            {panel === 'code' && (
              <div className="dz-code">
                <div className="dz-inline">
                  <div className="segmented small">
                    {(['sqlalchemy', 'typescript', 'dbml'] as const).map((f) => (
                      <button
                        key={f}
                        className={codeFormat === f ? 'on' : ''}
                        onClick={() => setCodeFormat(f)}
                        data-testid={`dz-code-${f}`}
                      >
                        {f === 'sqlalchemy' ? 'SQLAlchemy 2.0' : f === 'typescript' ? 'TypeScript' : 'DBML'}
                      </button>
                    ))}
                  </div>
                  <span className="spacer" />
                  <button className="btn small ghost" onClick={() => void navigator.clipboard?.writeText(code)}>
                    Copy
                  </button>
                </div>
                <CodeView text={code} lang={codeFormat === 'sqlalchemy' ? 'python' : 'plain'} testId="dz-code" />
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
