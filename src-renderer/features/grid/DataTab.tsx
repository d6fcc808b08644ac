import { dataApi } from './api'
import { useEffect, useRef, useState } from 'react'
import { tableKey } from '../../../src-shared/schema'
import type { Cell } from '../../../src-shared/values'
import { toast, useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { openDataTab, openStructureTab } from '../tabs/actions'
import { DataGrid } from './DataGrid'
import { FilterBar } from './FilterBar'
import { toggleDelete } from './grid-edits'
import { closeReview, commitEdits, inspectSession } from './grid-commit'
import { initGrid, refreshView, useGrid } from './grid-store'
import { ReviewDialog } from './ReviewDialog'
import { CommitError, PendingActions } from './PendingActions'
import { ColumnsMenu } from './ColumnsMenu'
import { GridSessionPane } from './GridSessionPane'
import { RowEditButtons } from './RowEditButtons'
import { ExportDialog } from './ExportDialog'
import { GridStatus } from './GridStatus'
import { ImportDialog } from './ImportDialog'
import { RelatedPanel } from './RelatedPanel'
import { DeleteConfirm } from './DeleteConfirm'

import { rowAt, totalRows } from './DataGrid'
import { ReconnectButton } from '../connections/ReconnectButton'

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
  const table = entry?.state === 'ready' ? entry.schema.tables.find((t) => tableKey(t) === tableName) : undefined
  const g = useGrid((s) => s[tabId])
  const [selected, setSelected] = useState<{ row: number; col: number } | null>(null)
  const [anchor, setAnchor] = useState<{ row: number; col: number } | null>(null)
  const select = (s: { row: number; col: number }, extend: boolean) => {
    setAnchor(extend ? (anchor ?? selected ?? s) : null)
    setSelected(s)
  }
  const [colWidths, setColWidths] = useState<Record<string, number>>({})
  const [showFilter, setShowFilter] = useState(!!initialFilter)
  const [dialog, setDialog] = useState<'export' | 'import' | null>(null)
  const [showRelated, setShowRelated] = useState(false)
  const [showSession, setShowSession] = useState(false)
  const [jump, setJump] = useState<{ row: number; seq: number } | null>(null)
  const jumpInput = useRef<HTMLInputElement>(null)
  const [order, setOrder] = useState<string[] | null>(null)
  const [hidden, setHidden] = useState<string[]>([])
  const [showColumns, setShowColumns] = useState(false)
  const [deleting, setDeleting] = useState<{
    row: { id: string; key: Cell[] | null; values: Record<string, Cell> }
    effects: { table: string; via: string; action: string; rows: number }[]
  } | null>(null)

  useEffect(() => {
    if (table)
      initGrid(
        tabId,
        handle,
        { schema: table.schema, name: table.name },
        initialFilter ? { op: 'cmp', column: initialFilter.column, cmp: '=', value: initialFilter.value } : null,
      )
  }, [tabId, handle, table?.name, table?.schema, initialFilter, table])

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's' && useApp.getState().activeTab === tabId) {
        e.preventDefault()
        void commitEdits(tabId)
      }
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 'g' && useApp.getState().activeTab === tabId) {
        e.preventDefault()
        jumpInput.current?.focus()
        jumpInput.current?.select()
      }
    }
    window.addEventListener('keydown', onKey)
    return () => window.removeEventListener('keydown', onKey)
  }, [tabId])

  // The Session panel follows the pending edits (debounced: each look is a round trip).
  const edits = g?.edits
  useEffect(() => {
    if (!showSession || !edits) return
    const t = setTimeout(() => void inspectSession(tabId), 250)
    return () => clearTimeout(t)
  }, [showSession, edits, tabId])

  if (!table) return <div className="pane-note">Loading…</div>
  if (!g)
    return (
      <div className="pane-note">
        <span className="spinner" /> Reading rows…
      </div>
    )
  const hasKey = table.columns.some((c) => c.primaryKey > 0)
  const editable = table.kind === 'table' && (hasKey || table.hasRowid)
  const noEditReason =
    table.kind === 'view'
      ? 'Views are read-only here'
      : !editable
        ? 'Read-only: this table has no primary key, so a changed row could not be found again reliably'
        : !hasKey
          ? 'No primary key: rows are edited by their SQLite rowid'
          : null
  const selRow = () => (selected ? rowAt(g, selected.row) : null)
  /** Before a row is marked, say what its deletion does to other tables. */
  const askDelete = async () => {
    const r = selRow()
    if (!r) return
    if (!r.key || g.edits[r.id]?.kind === 'delete') return toggleDelete(tabId, r)
    const effects = await dataApi.deleteEffects({ handle, table: g.table, keys: [r.key] }).catch(() => [])
    if (effects.length === 0) toggleDelete(tabId, r)
    else setDeleting({ row: r, effects })
  }
  const sortBy = (col: string, add: boolean) => {
    const cur = g.sort.find((s) => s.column === col)
    let next = add ? g.sort.filter((s) => s.column !== col) : []
    if (!cur) next = [...next, { column: col, desc: false }]
    else if (!cur.desc) next = [...next, { column: col, desc: true }]
    void refreshView(tabId, { sort: next })
  }
  const total = totalRows(g)
  const allColumns = order ?? table.columns.map((c) => c.name)
  const visibleColumns = allColumns.filter((c) => !hidden.includes(c))
  const moveColumn = (c: string, d: -1 | 1) => {
    const list = [...allColumns]
    const i = list.indexOf(c)
    const j = i + d
    if (j < 0 || j >= list.length) return
    ;[list[i], list[j]] = [list[j], list[i]]
    setOrder(list)
  }
  /** Dragged header: `c` goes before `before` among all columns (hidden ones keep their place). */
  const dropColumn = (c: string, before: string | null) => {
    const list = allColumns.filter((x) => x !== c)
    const i = before === null ? list.length : list.indexOf(before)
    list.splice(i < 0 ? list.length : i, 0, c)
    setOrder(list)
  }
  return (
    <div className="data-tab">
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
        <RowEditButtons
          tabId={tabId}
          table={table}
          editable={editable}
          row={selRow()}
          column={selected ? visibleColumns[selected.col] : undefined}
          onAdded={() => setSelected({ row: 0, col: 0 })}
          onDelete={() => void askDelete()}
        />
        <span className="sep-v" />
        <ColumnsMenu
          all={allColumns}
          hidden={hidden}
          setHidden={setHidden}
          open={showColumns}
          setOpen={setShowColumns}
          move={moveColumn}
          reset={() => {
            setOrder(null)
            setHidden([])
          }}
        />
        <button
          className={`btn small ghost${showRelated ? ' on' : ''}`}
          onClick={() => setShowRelated(!showRelated)}
          data-testid="toggle-related"
          title="Rows related to the selected one, through the ORM's relationships"
        >
          Related
        </button>
        <button
          className={`btn small ghost${showSession ? ' on' : ''}`}
          onClick={() => setShowSession(!showSession)}
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
        {noEditReason && (
          <span className="muted small" data-testid="read-only-note">
            {noEditReason}
          </span>
        )}
        <PendingActions gridId={tabId} commitTitle="Commit in one transaction (Ctrl+S)" />
      </div>
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
              if (col) sortBy(col, e.shiftKey)
            }
          }}
        >
          <DataGrid
            tabId={tabId}
            table={table}
            visible={visibleColumns}
            selected={selected}
            anchor={anchor}
            onSelect={select}
            onMessage={(kind, text) => toast(kind === 'error' ? 'error' : 'info', text)}
            editable={editable}
            colWidths={colWidths}
            onResize={(c, w) => setColWidths((x) => ({ ...x, [c]: w }))}
            onMoveColumn={dropColumn}
            jump={jump}
            onOpenRef={(refTable, refColumn, value) =>
              openDataTab(
                handle,
                entry?.state === 'ready'
                  ? entry.schema.tables.find((t) => t.name === refTable)
                    ? tableKey(entry.schema.tables.find((t) => t.name === refTable)!)
                    : refTable
                  : refTable,
                { column: refColumn, value },
              )
            }
          />
        </div>
        {showSession && <GridSessionPane tabId={tabId} g={g} />}
        {showRelated && (
          <RelatedPanel
            handle={handle}
            table={g.table}
            rowKey={selRow()?.key ?? null}
            onOpen={(t) =>
              openDataTab(
                handle,
                entry?.state === 'ready'
                  ? tableKey(entry.schema.tables.find((x) => x.name === t) ?? { schema: null, name: t })
                  : t,
              )
            }
          />
        )}
      </div>
      <GridStatus g={g} total={total} jump={jump} setJump={setJump} jumpInput={jumpInput} />
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
