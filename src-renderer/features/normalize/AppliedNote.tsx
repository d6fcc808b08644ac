import type { MethodOutput } from '../../../src-shared/contract'
import { tableKey } from '../../../src-shared/schema'
import { Icon } from '../../ui/icons'
import { openDataTab, openDesignerTab, openNormalizeTab, openStructureTab } from '../tabs/actions'

/** After a split: what was created, and where to go next (the tables, the model, the next normalization). */
export function AppliedNote({
  applied,
  handle,
  from: ref,
}: {
  applied: MethodOutput<'normalize.apply'>
  handle: string
  from: { schema: string | null; name: string }
}) {
  return (
    <div className="nf-done" role="status" data-testid="normalize-applied">
      <Icon name="check" size={14} /> Created {applied.tables.map((x) => `${x.name} (${x.rows} rows)`).join(', ')}
      {applied.view ? `; ${applied.view} is now a view` : ''}. Joining them gives back all {applied.originalRows} rows.
      <span className="nf-links">
        {applied.tables.map((x) => (
          <button
            key={x.name}
            className="btn small"
            onClick={() => openDataTab(handle, tableKey({ schema: ref.schema, name: x.name }))}
          >
            <Icon name="table" size={12} /> {x.name}
          </button>
        ))}
        <button
          className="btn small ghost"
          onClick={() => void openDesignerTab(handle, { reverse: true })}
          title="The database as it is now, new tables included, as a model in the designer"
          data-testid="normalize-applied-designer"
        >
          <Icon name="diagram" size={12} /> Model in the designer
        </button>
        {applied.tables.map((x) => (
          <button
            key={`n-${x.name}`}
            className="btn small ghost"
            onClick={() => openNormalizeTab(handle, tableKey({ schema: ref.schema, name: x.name }))}
            title={`The next step of the wizard: discover ${x.name}'s dependencies and normalize it further`}
            data-testid={`normalize-next-${x.name}`}
          >
            <Icon name="sparkle" size={12} /> Normalize {x.name}
          </button>
        ))}
        {applied.view && (
          <button
            className="btn small"
            onClick={() => openStructureTab(handle, tableKey({ schema: ref.schema, name: applied.view! }))}
          >
            <Icon name="view" size={12} /> {applied.view}
          </button>
        )}
      </span>
    </div>
  )
}
