/** Which columns the grid shows, and in what order (hidden ones keep their place). */
export function ColumnsMenu({
  all,
  hidden,
  setHidden,
  open,
  setOpen,
  move,
  reset,
}: {
  all: string[]
  hidden: string[]
  setHidden: (h: string[]) => void
  open: boolean
  setOpen: (on: boolean) => void
  move: (c: string, d: -1 | 1) => void
  reset: () => void
}) {
  return (
    <div className="popover-anchor">
      <button
        className={`btn small ghost${open ? ' on' : ''}`}
        onClick={() => setOpen(!open)}
        data-testid="toggle-columns"
      >
        Columns{hidden.length ? ` (${hidden.length} hidden)` : ''}
      </button>
      {open && (
        <div className="popover" data-testid="columns-popover">
          {all.map((c) => (
            <div key={c} className="col-item">
              <label className="check">
                <input
                  type="checkbox"
                  checked={!hidden.includes(c)}
                  onChange={(e) => setHidden(e.target.checked ? hidden.filter((x) => x !== c) : [...hidden, c])}
                  data-testid={`show-${c}`}
                />{' '}
                <span className="mono">{c}</span>
              </label>
              <span className="spacer" />
              <button className="icon-button" title="Move left" onClick={() => move(c, -1)}>
                ↑
              </button>
              <button className="icon-button" title="Move right" onClick={() => move(c, 1)}>
                ↓
              </button>
            </div>
          ))}
          <button className="link small" onClick={reset}>
            Reset
          </button>
        </div>
      )}
    </div>
  )
}
