import type { Column } from '../../../src-shared/schema'
import { formatCell, type Cell } from '../../../src-shared/values'
import { Icon } from '../../ui/icons'
import { CellEditor, saveBlob } from './CellEditor'
import type { GridState } from './grid-store'
import { ROW_H, type GridRow } from './grid-rows'
import type { CellAt } from './grid-range'

export interface Editing {
  row: number
  col: number
  text: string
  error: string | null
}

/** What a row needs from the grid around it. */
export interface RowContext {
  g: GridState
  cols: string[]
  widths: number[]
  colMeta: Map<string, Column>
  fkOf: Map<string, { refTable: string; refColumn: string }>
  selected: CellAt | null
  inRange: (row: number, col: number) => boolean
  editing: Editing | null
  /** Where rows are drawn: the virtual top less the real scroll position. */
  offset: number
  onCellDown: (at: CellAt, e: React.MouseEvent) => void
  onCellEnter: (at: CellAt) => void
  startEdit: (row: number, col: number) => void
  setEditing: (e: Editing | null) => void
  commitEdit: (move?: 'down' | 'right' | 'left' | null) => void
  closeEditor: () => void
  onEditorBlur: () => void
  /** The file chooser for a BLOB cell. */
  chooseFile: (at: { row: number; col: string }) => void
  onOpenRef: (refTable: string, refColumn: string, value: Cell) => void
}

/** One row: its number, and each shown column's cell with its pending change drawn over it. */
export function GridRowView({ r, x }: { r: GridRow; x: RowContext }) {
  const { g, editing } = x
  const p = r.pending
  const failed = g.failed?.id === r.id
  return (
    <div
      className={`grid-row${p ? ` pending-${p.kind}` : ''}${failed ? ' failed' : ''}${editing?.row === r.index ? ' editing' : ''}`}
      style={{ top: r.index * ROW_H - x.offset }}
      data-testid={r.key ? `row-${JSON.stringify(r.key)}` : r.id.startsWith('new:') ? `row-${r.id}` : undefined}
      title={failed ? g.failed!.message : undefined}
    >
      <div className="g-cell rownum">
        {r.id.startsWith('new:') ? '+' : r.id.startsWith('loading') ? '' : r.index - g.inserts.length + 1}
      </div>
      {x.cols.map((c, k) => (
        <GridCellView key={c} r={r} c={c} k={k} x={x} />
      ))}
    </div>
  )
}

function GridCellView({ r, c, k, x }: { r: GridRow; c: string; k: number; x: RowContext }) {
  const { editing } = x
  const p = r.pending
  const toDefault = p?.kind === 'update' && (p.defaults?.includes(c) ?? false)
  const changed = (p?.kind === 'update' && c in p.values) || toDefault
  const v = toDefault ? undefined : changed ? (p as { values: Record<string, Cell> }).values[c] : r.values[c]
  const isSel = x.selected?.row === r.index && x.selected.col === k
  const meta = x.colMeta.get(c)
  const isEditing = editing?.row === r.index && editing.col === k
  return (
    <div
      className={`g-cell${isEditing ? ' editing' : ''}${isSel ? ' selected' : ''}${x.inRange(r.index, k) ? ' in-range' : ''}${changed ? ' changed' : ''}${v === null ? ' null' : ''}${typeof v === 'number' ? ' num' : ''}`}
      style={{ width: x.widths[k] }}
      onMouseDown={(e) => x.onCellDown({ row: r.index, col: k }, e)}
      onMouseEnter={() => x.onCellEnter({ row: r.index, col: k })}
      onDoubleClick={() => x.startEdit(r.index, k)}
      data-testid={isSel ? 'selected-cell' : undefined}
    >
      {isEditing ? (
        <CellEditor
          editing={editing}
          type={meta?.type}
          value={v}
          onChange={(text, error = null) => x.setEditing({ ...editing, text, error })}
          onCommit={x.commitEdit}
          onCancel={x.closeEditor}
          onBlur={x.onEditorBlur}
          onLoadFile={() => x.chooseFile({ row: r.index, col: c })}
          onSaveFile={(hex) => saveBlob(hex, `${c}.bin`)}
        />
      ) : (
        <CellValue
          v={v}
          toDefault={toDefault}
          isNew={r.id.startsWith('new:')}
          meta={meta}
          fk={x.fkOf.get(c)}
          onOpenRef={x.onOpenRef}
        />
      )}
    </div>
  )
}

/** A cell's value as shown: the text, NULL, DEFAULT for a new row or a reset, and the link to a referenced row. */
function CellValue({
  v,
  toDefault,
  isNew,
  meta,
  fk,
  onOpenRef,
}: {
  v: Cell | undefined
  toDefault: boolean
  isNew: boolean
  meta: Column | undefined
  fk: { refTable: string; refColumn: string } | undefined
  onOpenRef: (refTable: string, refColumn: string, value: Cell) => void
}) {
  if (toDefault)
    return (
      <span className="default-mark" title="Set back to the column's default when committed">
        {meta?.serverDefault ? `DEFAULT ${meta.serverDefault}` : 'DEFAULT (NULL)'}
      </span>
    )
  if (v === undefined)
    return isNew ? (
      <span className="default-mark">
        {meta?.serverDefault || meta?.autoincrement
          ? `DEFAULT${meta?.serverDefault ? ` ${meta.serverDefault}` : ''}`
          : 'NULL'}
      </span>
    ) : null
  return (
    <>
      <span className="cell-text">{formatCell(v)}</span>
      {fk && v !== null && (
        <button
          className="fk-link"
          title={`Open ${fk.refTable} where ${fk.refColumn} = ${formatCell(v)}`}
          onMouseDown={(e) => e.stopPropagation()}
          onClick={() => onOpenRef(fk.refTable, fk.refColumn, v)}
        >
          <Icon name="link" size={11} />
        </button>
      )}
    </>
  )
}
