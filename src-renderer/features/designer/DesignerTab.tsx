import { useCallback, useEffect, useMemo, useState } from 'react'
import {
  Background,
  BackgroundVariant,
  ConnectionMode,
  Controls,
  MiniMap,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
  type Connection,
} from '@xyflow/react'
import '@xyflow/react/dist/style.css'
import type { ModelDocument } from '../../../src-shared/model/document'
import { validateModel } from '../../../src-shared/model/validate'
import type { MethodOutput } from '../../../src-shared/contract'
import { errorMessage } from '../../bridge/client'
import { toast, useApp } from '../../app/store'
import { modelApi } from './api'
import { TableNode, type TableNodeType } from './TableNode'
import { ConnectMenu } from './ConnectMenu'
import { MigrationDialog } from './MigrationDialog'
import { TargetDialog } from './TargetDialog'
import { RelationEdge, type RelationEdgeType } from './RelationEdge'
import { designer, initDesigner, select, setTarget, useDesigners } from './designer-store'
import { DesignerSide, type Panel } from './DesignerSide'
import { DesignerToolbar } from './DesignerToolbar'
import { layoutModel, useDesignerKeys } from './designer-keys'
import { useAddTable } from './add-table'
import { useDesignerCanvas } from './use-designer-canvas'

// Props React Flow tracks by identity live outside the component, so they never look changed.
const nodeTypes = { table: TableNode }
const PRO_OPTIONS = { hideAttribution: true }
const PAN_BUTTONS = [1, 2]
const MULTI_SELECT_KEYS = ['Shift', 'Meta', 'Control']
const edgeTypes = { relation: RelationEdge }

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

/**
 * The designer: the canvas (use-designer-canvas.ts), its toolbar (DesignerToolbar), the side panel
 * (DesignerSide), the keyboard (designer-keys.ts), and the dialogs for Apply and Compare.
 */
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
  const showInspector = useCallback(() => setPanel('inspector'), [])
  const [pending, setPending] = useState<Connection | null>(null)
  const [search, setSearch] = useState('')
  const [plan, setPlan] = useState<MethodOutput<'model.diff'> | null>(null)
  const [comparison, setComparison] = useState<Comparison | null>(null)
  const rf = useReactFlow()
  const problems = useMemo(() => validateModel(doc), [doc])
  const matches = useMemo(() => tablesMatching(doc, search), [doc, search])
  const canvas = useDesignerCanvas(tabId, d, problems, matches, showInspector, setPending)

  useEffect(() => {
    const id = requestAnimationFrame(() => void rf.fitView({ padding: 0.15, duration: 0, maxZoom: 1.2 }))
    return () => cancelAnimationFrame(id)
  }, [d.fitRequest, rf])

  const addNewTable = useAddTable(tabId, showInspector)

  useDesignerKeys(tabId, addNewTable)

  const errors = problems.filter((p) => p.level === 'error').length

  return (
    <div className="designer" data-designer={tabId} data-testid="designer">
      <DesignerToolbar
        tabId={tabId}
        handle={handle}
        d={d}
        theme={theme}
        targetName={target?.name ?? null}
        search={search}
        setSearch={setSearch}
        matches={matches}
        onFind={(ids) => {
          select(tabId, { tables: ids, fk: null })
          void rf.fitView({ nodes: ids.map((id) => ({ id })), padding: 0.4, duration: 200, maxZoom: 1.2 })
        }}
        errors={errors}
        addNewTable={addNewTable}
        layout={() => layoutModel(tabId)}
        onChooseTarget={() => setChoosingTarget(true)}
        onApply={() => previewApply(d.target)}
        onCompared={setComparison}
      />
      <div className="dz-body">
        <div className="dz-canvas">
          <Canvas canvas={canvas} theme={theme} onConnect={setPending} many={doc.tables.length > 150} />
          {doc.tables.length === 0 && (
            <div className="dz-empty">
              <p>An empty model. Add a table (N), or reverse engineer this connection's database.</p>
            </div>
          )}
          <DesignerDialogs
            tabId={tabId}
            handle={handle}
            target={d.target}
            plan={plan}
            setPlan={setPlan}
            choosingTarget={choosingTarget}
            setChoosingTarget={setChoosingTarget}
            previewApply={previewApply}
            comparison={comparison}
            setComparison={setComparison}
          />
          {pending && <ConnectMenu tabId={tabId} doc={doc} conn={pending} onDone={() => setPending(null)} />}
        </div>
        <DesignerSide
          tabId={tabId}
          d={d}
          problems={problems}
          panel={panel}
          setPanel={setPanel}
          onProblem={(tableId) => {
            select(tabId, { tables: [tableId], fk: null })
            void rf.fitView({ nodes: [{ id: tableId }], padding: 0.6, duration: 200, maxZoom: 1.2 })
            setPanel('inspector')
          }}
        />
      </div>
    </div>
  )
}

type Comparison = { plan: MethodOutput<'model.diff'>; file: string; from: ModelDocument }

/** Apply's preview, the choice of target database, and a comparison with a saved file. */
function DesignerDialogs({
  tabId,
  handle,
  target,
  plan,
  setPlan,
  choosingTarget,
  setChoosingTarget,
  previewApply,
  comparison,
  setComparison,
}: {
  tabId: string
  handle: string
  target: string | null
  plan: MethodOutput<'model.diff'> | null
  setPlan: (p: MethodOutput<'model.diff'> | null) => void
  choosingTarget: boolean
  setChoosingTarget: (on: boolean) => void
  previewApply: (to: string | null) => void
  comparison: Comparison | null
  setComparison: (c: Comparison | null) => void
}) {
  return (
    <>
      {plan && target && <MigrationDialog tabId={tabId} handle={target} plan={plan} onClose={() => setPlan(null)} />}
      {choosingTarget && (
        <TargetDialog
          current={target}
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
    </>
  )
}

/** The tables whose name, class or a column contains the search text; null when there is none. */
function tablesMatching(doc: ModelDocument, search: string): Set<string> | null {
  const q = search.trim().toLowerCase()
  if (!q) return null
  const hit = (t: ModelDocument['tables'][number]) =>
    t.name.toLowerCase().includes(q) ||
    t.className.toLowerCase().includes(q) ||
    t.columns.some((c) => c.name.toLowerCase().includes(q))
  return new Set(doc.tables.filter(hit).map((t) => t.id))
}

/** React Flow with the designer's nodes, edges and handlers. */
function Canvas({
  canvas,
  theme,
  onConnect,
  many,
}: {
  canvas: ReturnType<typeof useDesignerCanvas>
  theme: 'dark' | 'light'
  onConnect: (c: Connection) => void
  /** Past 150 tables only the visible ones are drawn. */
  many: boolean
}) {
  return (
    <ReactFlow<TableNodeType, RelationEdgeType>
      nodes={canvas.nodes}
      edges={canvas.edges}
      nodeTypes={nodeTypes}
      edgeTypes={edgeTypes}
      onNodesChange={canvas.onNodesChange}
      onNodeDragStop={canvas.onDragStop}
      onEdgesChange={canvas.onEdgesChange}
      onConnect={onConnect}
      onConnectEnd={canvas.onConnectEnd}
      connectionMode={ConnectionMode.Loose}
      colorMode={theme}
      deleteKeyCode={null}
      minZoom={0.05}
      maxZoom={2}
      onlyRenderVisibleElements={many}
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
  )
}
