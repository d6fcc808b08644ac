import type { MethodOutput } from '../../../src-shared/contract'
import type { ModelDocument } from '../../../src-shared/model/document'
import { errorMessage } from '../../bridge/client'
import { toast } from '../../app/store'
import { Icon } from '../../ui/icons'
import { designer, redo, requestFit, undo, type Designer } from './designer-store'
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

/** The designer's toolbar: add, undo and redo, layout and fit, find, the file, exports, imports, the target and Apply. */
export function DesignerToolbar(p: ToolbarProps) {
  return (
    <div className="dz-toolbar">
      <EditTools {...p} />
      <span className="spacer" />
      <ModelTools {...p} />
    </div>
  )
}

type ToolbarProps = {
  tabId: string
  handle: string
  d: Designer
  theme: 'dark' | 'light'
  targetName: string | null
  search: string
  setSearch: (s: string) => void
  matches: Set<string> | null
  /** Enter in the search: select the tables found and show them. */
  onFind: (ids: string[]) => void
  errors: number
  addNewTable: () => void
  layout: () => void
  onChooseTarget: () => void
  onApply: () => void
  onCompared: (c: { plan: MethodOutput<'model.diff'>; file: string; from: ModelDocument }) => void
}

/** Add, undo and redo, layout and fit, and find. */
function EditTools({ tabId, d, search, setSearch, matches, onFind, addNewTable, layout }: ToolbarProps) {
  return (
    <>
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
          if (e.key === 'Enter' && matches?.size) onFind([...matches])
        }}
        data-testid="dz-search"
      />
    </>
  )
}

/** The file, exports, imports, the ORM playground, the target database and Apply. */
function ModelTools({
  tabId,
  handle,
  d,
  theme,
  targetName,
  errors,
  onChooseTarget,
  onApply,
  onCompared,
}: ToolbarProps) {
  return (
    <>
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
            .then((c) => c && onCompared(c))
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
        onClick={onChooseTarget}
        title="The database Apply goes to"
        data-testid="dz-target-chip"
      >
        {targetName ? `Target: ${targetName}` : 'No target database'}
      </button>
      <button
        className="btn small primary"
        onClick={onApply}
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
    </>
  )
}
