import { useState } from 'react'
import type { ModelTable } from '../../../../src-shared/model/document'
import { splitTable } from '../../../../src-shared/model/edit'
import { Icon } from '../../../ui/icons'
import { DependenciesDialog } from '../DependenciesDialog'
import { edit, select } from '../designer-store'

type SplitDraft = { key: string[]; move: string[]; cls: string }

/** Split a table by hand (a key and the columns that depend on it), or open the dependencies to normalize it. */
export function SplitSection({ tabId, table: t }: { tabId: string; table: ModelTable }) {
  const [split, setSplit] = useState<SplitDraft | null>(null)
  const [normalizing, setNormalizing] = useState(false)
  return (
    <>
      <div className="dz-section-head">
        <h5>Split</h5>
        <span className="spacer" />
        {!split && (
          <>
            <button
              className="btn small ghost"
              onClick={() => setNormalizing(true)}
              title="Declare which columns determine which, read the normal form, and let Schemist split the table to 3NF or BCNF"
              data-testid="dz-normalize"
            >
              <Icon name="sparkle" size={12} /> Normalize…
            </button>
            <button
              className="btn small ghost"
              onClick={() => setSplit({ key: [], move: [], cls: '' })}
              title="Move columns that depend on a key to a table of their own; the migration copies their rows"
              data-testid="dz-split"
            >
              Split table…
            </button>
          </>
        )}
      </div>
      {normalizing && <DependenciesDialog tabId={tabId} tableId={t.id} onClose={() => setNormalizing(false)} />}
      {split && <SplitForm tabId={tabId} table={t} split={split} setSplit={setSplit} />}
    </>
  )
}

function SplitForm({
  tabId,
  table: t,
  split,
  setSplit,
}: {
  tabId: string
  table: ModelTable
  split: SplitDraft
  setSplit: (s: SplitDraft | null) => void
}) {
  return (
    <div className="dz-col-more" data-testid="dz-split-form">
      <p className="muted small">
        Tick the key the moved columns depend on (it stays here as a foreign key) and the columns to move. Applying
        copies their distinct rows into the new table.
      </p>
      <div className="dz-split-grid">
        <span className="muted small">column</span>
        <span className="muted small">key</span>
        <span className="muted small">move</span>
        {t.columns.map((c) => (
          <SplitRow
            key={c.id}
            name={c.name}
            keyOn={split.key.includes(c.id)}
            moveOn={split.move.includes(c.id)}
            canMove={c.primaryKey === 0}
            onKey={(on) =>
              setSplit({
                ...split,
                key: on ? [...split.key, c.id] : split.key.filter((x) => x !== c.id),
                move: split.move.filter((x) => x !== c.id),
              })
            }
            onMove={(on) =>
              setSplit({
                ...split,
                move: on ? [...split.move, c.id] : split.move.filter((x) => x !== c.id),
                key: split.key.filter((x) => x !== c.id),
              })
            }
          />
        ))}
      </div>
      <label className="field">
        <span>New class</span>
        <input
          value={split.cls}
          placeholder="e.g. Department"
          onChange={(e) => setSplit({ ...split, cls: e.target.value })}
          data-testid="dz-split-class"
        />
      </label>
      <div className="dz-inline">
        <span className="spacer" />
        <button className="btn small ghost" onClick={() => setSplit(null)}>
          Cancel
        </button>
        <button
          className="btn small primary"
          disabled={!split.key.length || !split.move.length || !split.cls.trim()}
          onClick={() => {
            let id = ''
            if (
              edit(tabId, (d) => {
                const r = splitTable(d, t.id, { key: split.key, move: split.move, className: split.cls.trim() })
                id = r.id
                return r.doc
              })
            ) {
              setSplit(null)
              select(tabId, { tables: [id], fk: null })
            }
          }}
          data-testid="dz-split-go"
        >
          Split
        </button>
      </div>
    </div>
  )
}

function SplitRow({
  name,
  keyOn,
  moveOn,
  canMove,
  onKey,
  onMove,
}: {
  name: string
  keyOn: boolean
  moveOn: boolean
  canMove: boolean
  onKey: (on: boolean) => void
  onMove: (on: boolean) => void
}) {
  return (
    <>
      <span className="mono small">{name}</span>
      <input
        type="checkbox"
        checked={keyOn}
        onChange={(e) => onKey(e.target.checked)}
        aria-label={`${name} is the key`}
        data-testid={`dz-split-key-${name}`}
      />
      <input
        type="checkbox"
        checked={moveOn}
        disabled={!canMove}
        onChange={(e) => onMove(e.target.checked)}
        aria-label={`move ${name}`}
        data-testid={`dz-split-move-${name}`}
      />
    </>
  )
}
