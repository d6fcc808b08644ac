import type { Table } from '../../../src-shared/schema'
import { Icon } from '../../ui/icons'
import { addRow, setCell, setDefault } from './grid-edits'
import type { GridRow } from './grid-rows'

/** Add, duplicate and delete rows; set the selected cell to NULL or back to its DEFAULT. All pending until Commit. */
export function RowEditButtons({
  tabId,
  table,
  editable,
  row,
  column,
  onAdded,
  onDelete,
}: {
  tabId: string
  table: Table
  editable: boolean
  /** The selected row, when there is one. */
  row: GridRow | null
  column: string | undefined
  onAdded: () => void
  onDelete: () => void
}) {
  /** An action on the selected cell, when there is one. */
  const onCell = (act: (r: GridRow, c: string) => void) => () => {
    if (row && column) act(row, column)
  }
  return (
    <>
      <button
        className="btn small"
        disabled={!editable}
        onClick={() => {
          addRow(tabId)
          onAdded()
        }}
        title="Insert a row (columns left empty get their DEFAULT)"
        data-testid="add-row"
      >
        <Icon name="plus" size={12} /> Row
      </button>
      <button
        className="btn small"
        disabled={!editable || !row}
        onClick={() => {
          if (!row) return
          const v = { ...row.values }
          for (const c of table.columns) if (c.primaryKey && c.autoincrement) delete v[c.name]
          addRow(tabId, v)
        }}
        title="Duplicate the selected row as a new one"
      >
        Duplicate
      </button>
      <button
        className="btn small"
        disabled={!editable || !row}
        onClick={onDelete}
        title="Mark the selected row for deletion (again to unmark)"
        data-testid="delete-row"
      >
        <Icon name="trash" size={12} /> Delete
      </button>
      <button
        className="btn small"
        disabled={!editable || !row}
        onClick={onCell((r, c) => setCell(tabId, r, c, null))}
        title="Set the selected cell to NULL (Ctrl+Alt+N)"
        data-testid="set-null"
      >
        NULL
      </button>
      <button
        className="btn small"
        disabled={!editable || !row}
        onClick={onCell((r, c) => setDefault(tabId, r, c))}
        title="Put the selected cell back to its column's DEFAULT when committed (Ctrl+Alt+D)"
        data-testid="set-default"
      >
        DEFAULT
      </button>
    </>
  )
}
