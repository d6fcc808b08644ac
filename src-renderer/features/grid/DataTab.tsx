import { useEffect, useRef, useState } from 'react'
import { tableKey, type DatabaseSchema, type Table } from '../../../src-shared/schema'
import type { Cell } from '../../../src-shared/values'
import { toast, useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { ReconnectButton } from '../connections/ReconnectButton'
import { openDataTab, openStructureTab } from '../tabs/actions'
import { dataApi } from './api'
import { ColumnsMenu } from './ColumnsMenu'
import { DataGrid, rowAt, totalRows } from './DataGrid'
import { DeleteConfirm } from './DeleteConfirm'
import { ExportDialog } from './ExportDialog'
import { FilterBar } from './FilterBar'
import { closeReview, commitEdits, inspectSession } from './grid-commit'
import { toggleDelete } from './grid-edits'
import type { GridRow } from './grid-rows'
import { initGrid, refreshView, useGrid, type GridState } from './grid-store'
import { GridSessionPane } from './GridSessionPane'
import { GridStatus } from './GridStatus'
import { ImportDialog } from './ImportDialog'
import { CommitError, PendingActions } from './PendingActions'
import { RelatedPanel } from './RelatedPanel'
import { ReviewDialog } from './ReviewDialog'
import { RowEditButtons } from './RowEditButtons'
import { editability, sortBy, useColumnLayout, useGridShortcuts, type ColumnLayout } from './use-data-tab'

type Deleting = { row: GridRow; effects: { table: string; via: string; action: string; rows: number }[] }
type Cellpos = { row: number; col: number }

/** A table named in a foreign key, as its tab key (schema-qualified when the schema knows it). */
const keyOf = (schema: DatabaseSchema | null, name: string) =>
  tableKey(schema?.tables.find((t) => t.name === name) ?? { schema: null, name })

/** Reads the table's rows into the grid (filtered when opened from a foreign key), and keeps the Session panel current. */
function useGridData(
  tabId: string,
  handle: string,
  table: Table | undefined,
  initialFilter: { column: string; value: Cell } | undefined,
  showSession: boolean,
) {
  useEffect(() => {
    if (table)
      initGrid(
        tabId,
        handle,
        { schema: table.schema, name: table.name },
        initialFilter ? { op: 'cmp', column: initialFilter.column, cmp: '=', value: initialFilter.value } : null,
      )
  }, [tabId, handle, table?.name, table?.schema, initialFilter, table])

  // The Session panel follows the pending edits (debounced: each look is a round trip).
  const edits = useGrid((s) => s[tabId]?.edits)
  useEffect(() => {
    if (!showSession || !edits) return
    const t = setTimeout(() => void inspectSession(tabId), 250)
    return () => clearTimeout(t)
  }, [showSession, edits, tabId])
}

/** A table's rows: keyset-paged grid, sort, filter, and edits reviewed before one commit. */
export function DataTab({
  tabId,
  handle,
  tableName,
  initialFilter,
}: {
  tabId: string
  handle: string
  tableName: string
  initialFilter?: { column: string; value: Cell }
}) {
  const entry = useApp((s) => s.schemas[handle])
  const schema = entry?.state === 'ready' ? entry.schema : null
  const table = schema?.tables.find((t) => tableKey(t) === tableName)
  const g = useGrid((s) => s[tabId])
  const [selected, setSelected] = useState<Cellpos | null>(null)
  const [anchor, setAnchor] = useState<Cellpos | null>(null)
  const [showFilter, setShowFilter] = useState(!!initialFilter)
  const [panels, setPanels] = useState({ related: false, session: false })
  const [jump, setJump] = useState<{ row: number; seq: number } | null>(null)
  const jumpInput = useRef<HTMLInputElement>(null)
  const columns = useColumnLayout(table)
  useGridShortcuts(tabId, tabId, jumpInput)

  useGridData(tabId, handle, table, initialFilter, panels.session)

  if (!table) return <div className="pane-note">Loading…</div>
  if (!g)
    return (
      <div className="pane-note">
        <span className="spinner" /> Reading rows…
      </div>
    )
  const { editable } = editability(table)
  const selRow = selected ? rowAt(g, selected.row) : null
  return (
    <div className="data-tab">
      <DataToolbar
        {...{ tabId, handle, tableName, table, g, columns, panels, setPanels, showFilter, setShowFilter }}
        row={selRow}
        column={selected ? columns.visible[selected.col] : undefined}
        onAdded={() => setSelected({ row: 0, col: 0 })}
      />
      {showFilter && (
        <FilterBar
          columns={table.columns}
          initialWhere={g.where}
          onApply={(filter, where) => refreshView(tabId, { filter, where })}
        />
      )}
      <CommitError gridId={tabId} testId="grid-error" markedRow />
      {g.loadError && (
        <div className="error-box grid-error" role="alert">
          {g.loadError} <ReconnectButton handle={handle} />
        </div>
      )}
      <div className="grid-area">
        <div
          className="grid-wrap"
          onClickCapture={(e) => {
            const h = (e.target as HTMLElement).closest('.gh-cell') as HTMLElement | null
            if (h && !(e.target as HTMLElement).classList.contains('gh-resize')) {
              const col = h.dataset.testid?.replace(/^col-/, '')
              if (col) sortBy(tabId, g, col, e.shiftKey)
            }
          }}
        >
          <DataGrid
            tabId={tabId}
            table={table}
            visible={columns.visible}
            selected={selected}
            anchor={anchor}
            onSelect={(s, extend) => {
              setAnchor(extend ? (anchor ?? selected ?? s) : null)
              setSelected(s)
            }}
            onMessage={(kind, text) => toast(kind === 'error' ? 'error' : 'info', text)}
            editable={editable}
            colWidths={columns.colWidths}
            onResize={columns.resize}
            onMoveColumn={columns.drop}
            jump={jump}
            onOpenRef={(refTable, refColumn, value) =>
              openDataTab(handle, keyOf(schema, refTable), { column: refColumn, value })
            }
          />
        </div>
        {panels.session && <GridSessionPane tabId={tabId} g={g} />}
        {panels.related && (
          <RelatedPanel
            handle={handle}
            table={g.table}
            rowKey={selRow?.key ?? null}
            onOpen={(t) => openDataTab(handle, keyOf(schema, t))}
          />
        )}
      </div>
      <GridStatus g={g} total={totalRows(g)} jump={jump} setJump={setJump} jumpInput={jumpInput} />
      {g.review && (
        <ReviewDialog
          review={g.review}
          busy={g.busy}
          onClose={() => closeReview(tabId)}
          onCommit={() => commitEdits(tabId)}
        />
      )}
    </div>
  )
}

interface DataToolbarProps {
  tabId: string
  handle: string
  tableName: string
  table: Table
  g: GridState
  columns: ColumnLayout
  panels: { related: boolean; session: boolean }
  setPanels: (p: { related: boolean; session: boolean }) => void
  showFilter: boolean
  setShowFilter: (on: boolean) => void
  row: GridRow | null
  column: string | undefined
  onAdded: () => void
}

/** Filter, structure, reload; row edits; columns, related rows, the session; export and import; commit. */
function DataToolbar(props: DataToolbarProps) {
  const { tabId, handle, tableName, table, g, columns, panels, setPanels, showFilter, setShowFilter } = props
  const { row, column, onAdded } = props
  const [showColumns, setShowColumns] = useState(false)
  const [dialog, setDialog] = useState<'export' | 'import' | null>(null)
  const [deleting, setDeleting] = useState<Deleting | null>(null)
  const { editable, reason } = editability(table)
  /** Before a row is marked, say what its deletion does to other tables. */
  const askDelete = async () => {
    if (!row) return
    if (!row.key || g.edits[row.id]?.kind === 'delete') return toggleDelete(tabId, row)
    const effects = await dataApi.deleteEffects({ handle, table: g.table, keys: [row.key] }).catch(() => [])
    if (effects.length === 0) toggleDelete(tabId, row)
    else setDeleting({ row, effects })
  }
  return (
    <>
      <div className="toolbar">
        <button className="btn small" onClick={() => setShowFilter(!showFilter)} data-testid="toggle-filter">
          Filter{g.filter || g.where ? ' •' : ''}
        </button>
        <button
          className="btn small ghost"
          onClick={() => openStructureTab(handle, tableName)}
          title="Columns, keys, constraints and DDL"
        >
          <Icon name="key" size={12} /> Structure
        </button>
        <button className="icon-button" title="Reload rows" onClick={() => refreshView(tabId)}>
          <Icon name="refresh" size={14} />
        </button>
        <span className="sep-v" />
        <RowEditButtons {...{ tabId, table, editable, row, column, onAdded }} onDelete={() => void askDelete()} />
        <span className="sep-v" />
        <ColumnsMenu
          all={columns.all}
          hidden={columns.hidden}
          setHidden={columns.setHidden}
          open={showColumns}
          setOpen={setShowColumns}
          move={columns.move}
          reset={columns.reset}
        />
        <button
          className={`btn small ghost${panels.related ? ' on' : ''}`}
          onClick={() => setPanels({ ...panels, related: !panels.related })}
          data-testid="toggle-related"
          title="Rows related to the selected one, through the ORM's relationships"
        >
          Related
        </button>
        <button
          className={`btn small ghost${panels.session ? ' on' : ''}`}
          onClick={() => setPanels({ ...panels, session: !panels.session })}
          data-testid="toggle-session"
          title="The ORM session the edits go through: its new, dirty and deleted objects and the SQL it sends"
        >
          Session
        </button>
        <button className="btn small ghost" onClick={() => setDialog('export')} data-testid="open-export">
          Export
        </button>
        <button
          className="btn small ghost"
          onClick={() => setDialog('import')}
          disabled={table.kind !== 'table'}
          data-testid="open-import"
        >
          Import
        </button>
        <span className="spacer" />
        {reason && (
          <span className="muted small" data-testid="read-only-note">
            {reason}
          </span>
        )}
        <PendingActions gridId={tabId} commitTitle="Commit in one transaction (Ctrl+S)" />
      </div>
      {dialog === 'export' && (
        <ExportDialog
          handle={handle}
          table={g.table}
          view={{ sort: g.sort, filter: g.filter, where: g.where }}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === 'import' && (
        <ImportDialog handle={handle} table={table} onClose={() => setDialog(null)} onDone={() => refreshView(tabId)} />
      )}
      {deleting && (
        <DeleteConfirm
          effects={deleting.effects}
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            toggleDelete(tabId, deleting.row)
            setDeleting(null)
          }}
        />
      )}
    </>
  )
}
