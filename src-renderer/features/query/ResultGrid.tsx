import { useEffect, useState } from 'react'
import type { QueryResult } from '../../../src-shared/query'
import { tableKey } from '../../../src-shared/schema'
import { toast, useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { DataGrid, rowAt } from '../grid/DataGrid'
import { closeReview, commitEdits } from '../grid/grid-commit'
import { initResultGrid, useGrid } from '../grid/grid-store'
import { useGridShortcuts } from '../grid/use-data-tab'
import { setCell, setDefault, toggleDelete } from '../grid/grid-edits'
import { ReviewDialog } from '../grid/ReviewDialog'
import { CommitError, PendingActions } from '../grid/PendingActions'
import { openDataTab } from '../tabs/actions'
import type { GridRow } from '../grid/grid-rows'

/**
 * A query's rows, editable because they map to one table's primary key: the same grid, pending
 * edits, review and commit as a table tab, through an ORM session; after a commit the query runs
 * again.
 */
export function ResultGrid({
  gridId,
  tabId,
  handle,
  result,
  source,
  sql,
  rerun,
}: {
  gridId: string
  tabId: string
  handle: string
  result: QueryResult
  source: NonNullable<QueryResult['source']>
  sql: string
  rerun: () => Promise<void>
}) {
  const entry = useApp((s) => s.schemas[handle])
  const table =
    entry?.state === 'ready'
      ? entry.schema.tables.find(
          (t) => t.name === source.table.name && (source.table.schema === null || t.schema === source.table.schema),
        )
      : undefined
  const g = useGrid((s) => s[gridId])
  const [selected, setSelected] = useState<{ row: number; col: number } | null>(null)
  const [anchor, setAnchor] = useState<{ row: number; col: number } | null>(null)
  const [colWidths, setColWidths] = useState<Record<string, number>>({})

  useEffect(() => {
    initResultGrid(
      gridId,
      handle,
      source,
      result.columns.map((c) => c.name),
      result.rows,
      sql,
      rerun,
    )
  }, [gridId, handle, result, source, sql, rerun])

  useGridShortcuts(tabId, gridId)

  if (!g) return null
  const cur = selected ? rowAt(g, selected.row) : null
  const col = selected ? g.columns[selected.col] : null
  return (
    <div className="result-grid" data-testid="result-grid">
      <ResultToolbar gridId={gridId} source={source} row={cur} column={col} />
      <CommitError gridId={gridId} testId="result-error" />
      <div className="grid-wrap">
        <DataGrid
          tabId={gridId}
          table={table}
          visible={null}
          selected={selected}
          anchor={anchor}
          onSelect={(s, extend) => {
            setAnchor(extend ? (anchor ?? selected ?? s) : null)
            setSelected(s)
          }}
          onMessage={(kind, text) => toast(kind === 'error' ? 'error' : 'info', text)}
          editable
          colWidths={colWidths}
          onResize={(c, w) => setColWidths((x) => ({ ...x, [c]: w }))}
          onOpenRef={(refTable, refColumn, value) => {
            const t = entry?.state === 'ready' ? entry.schema.tables.find((x) => x.name === refTable) : undefined
            openDataTab(handle, t ? tableKey(t) : refTable, { column: refColumn, value })
          }}
        />
      </div>
      {g.review && (
        <ReviewDialog
          review={g.review}
          busy={g.busy}
          onClose={() => closeReview(gridId)}
          onCommit={() => commitEdits(gridId)}
        />
      )}
    </div>
  )
}

/** Where the rows come from, NULL / DEFAULT / Delete on the selection, and the pending edits' actions. */
function ResultToolbar({
  gridId,
  source,
  row,
  column,
}: {
  gridId: string
  source: NonNullable<QueryResult['source']>
  row: GridRow | null
  column: string | null
}) {
  return (
    <div className="toolbar slim">
      <span className="muted small" data-testid="result-source">
        <Icon name="key" size={11} /> Editable: rows of <span className="mono">{source.table.name}</span> by{' '}
        {source.keyColumns.join(', ')}
      </span>
      <span className="sep-v" />
      <button
        className="btn small"
        disabled={!row || !column}
        onClick={() => row && column && setCell(gridId, row, column, null)}
        title="Set the selected cell to NULL (Ctrl+Alt+N)"
      >
        NULL
      </button>
      <button
        className="btn small"
        disabled={!row || !column}
        onClick={() => row && column && setDefault(gridId, row, column)}
        title="Back to the column's DEFAULT at commit (Ctrl+Alt+D)"
      >
        DEFAULT
      </button>
      <button
        className="btn small"
        disabled={!row?.key}
        onClick={() => row && toggleDelete(gridId, row)}
        title="Mark the selected row for deletion (again to unmark)"
      >
        <Icon name="trash" size={12} /> Delete
      </button>
      <span className="spacer" />
      <PendingActions
        gridId={gridId}
        prefix="result-"
        commitTitle="Commit in one transaction (Ctrl+S), then run the query again"
      />
    </div>
  )
}
