import { schemaApi } from './api'
import { ENGINES } from '../../../src-shared/engines'
import { useEffect, useState } from 'react'
import { primaryKeyColumns, tableKey, type Table } from '../../../src-shared/schema'
import { errorMessage } from '../../bridge/client'
import { useApp } from '../../app/store'
import { Icon } from '../../ui/icons'
import { openDataTab, openNormalizeTab, openQueryTab } from '../tabs/actions'
import { StructureEditor } from './StructureEditor'

function Section({ title, count, children }: { title: string; count: number; children: React.ReactNode }) {
  return (
    <section className="struct-section">
      <h3>
        {title} <span className="count">{count}</span>
      </h3>
      {count === 0 ? <div className="muted small">None</div> : children}
    </section>
  )
}

/** A table's structure: columns with every flag, keys, constraints, indexes and its DDL. */
export function StructureTab({ handle, table: key }: { handle: string; table: string }) {
  const entry = useApp((s) => s.schemas[handle])
  const conn = useApp((s) => s.open[handle])
  const [ddl, setDdl] = useState<string | null>(null)
  const [editing, setEditing] = useState(false)
  const t: Table | undefined =
    entry?.state === 'ready' ? entry.schema.tables.find((x) => tableKey(x) === key) : undefined

  useEffect(() => {
    if (!t) return
    let live = true
    schemaApi
      .tableDdl({ handle, schema: t.schema, name: t.name })
      .then((r) => live && setDdl(r.sql))
      .catch((e) => live && setDdl(`-- ${errorMessage(e)}`))
    return () => {
      live = false
    }
  }, [handle, t?.schema, t?.name, t])

  if (!entry || entry.state === 'loading') return <div className="pane-note">Loading…</div>
  if (!t) return <div className="pane-note">The table {key} is no longer in this database.</div>
  return (
    <div className="structure" data-testid="structure-tab">
      <StructureHead handle={handle} keyOfTable={key} t={t} editing={editing} onEdit={() => setEditing(true)} />
      {editing && (
        <StructureEditor handle={handle} table={t} engine={conn?.engine ?? 'sqlite'} onDone={() => setEditing(false)} />
      )}
      <ColumnsSection t={t} />
      {t.kind === 'table' && <ConstraintSections t={t} />}
      <section className="struct-section">
        <h3>{t.kind === 'view' ? 'Definition' : 'DDL'}</h3>
        <pre className="code" data-testid="structure-ddl">
          {ddl ?? 'Generating…'}
        </pre>
      </section>
    </div>
  )
}

/** The table's kind, connection and name; its size and key; Data, Normalize, Query and Edit. */
function StructureHead({
  handle,
  keyOfTable,
  t,
  editing,
  onEdit,
}: {
  handle: string
  keyOfTable: string
  t: Table
  editing: boolean
  onEdit: () => void
}) {
  const conn = useApp((s) => s.open[handle])
  const pk = primaryKeyColumns(t)
  return (
    <header className="struct-head">
      <div>
        <div className="struct-kicker">
          {t.kind === 'view' ? 'View' : 'Table'} · {conn?.name} · {conn ? ENGINES[conn.engine].label : ''}
        </div>
        <h2 data-testid="structure-title">{t.schema && t.schema !== 'public' ? `${t.schema}.${t.name}` : t.name}</h2>
      </div>
      <div className="struct-meta">
        <span className="chip">{t.columns.length} columns</span>
        {pk.length > 0 ? (
          <span className="chip">PK ({pk.join(', ')})</span>
        ) : (
          t.kind === 'table' && <span className="chip warn">No primary key{t.hasRowid ? ' (rowid)' : ''}</span>
        )}
        <button className="btn small" onClick={() => openDataTab(handle, keyOfTable)} data-testid="structure-open-data">
          <Icon name="table" size={12} /> Data
        </button>
        {t.kind === 'table' && (
          <button
            className="btn small"
            onClick={() => openNormalizeTab(handle, keyOfTable)}
            data-testid="structure-normalize"
            title="Find dependencies in the rows, the normal form, and a split"
          >
            <Icon name="sparkle" size={12} /> Normalize
          </button>
        )}
        <button className="btn small" onClick={() => openQueryTab(handle)}>
          <Icon name="query" size={12} /> Query
        </button>
        {t.kind === 'table' && !conn?.readOnly && !editing && (
          <button
            className="btn small primary"
            onClick={onEdit}
            data-testid="structure-edit"
            title="Add, rename, drop and retype columns, rename the table: staged, previewed as the migration, applied in one transaction"
          >
            <Icon name="edit" size={12} /> Edit structure
          </button>
        )}
      </div>
    </header>
  )
}

/** Every column with its native and neutral type, nullability, default and key flags. */
function ColumnsSection({ t }: { t: Table }) {
  const pk = primaryKeyColumns(t)
  const fkCols = new Set(t.foreignKeys.flatMap((f) => f.columns))
  return (
    <Section title="Columns" count={t.columns.length}>
      <table className="grid-table" data-testid="columns-table">
        <thead>
          <tr>
            <th className="num">#</th>
            <th>Name</th>
            <th>Type</th>
            <th>Neutral</th>
            <th>Null</th>
            <th>Default</th>
            <th>Keys</th>
          </tr>
        </thead>
        <tbody>
          {t.columns.map((c, i) => (
            <tr key={c.name}>
              <td className="num muted">{i + 1}</td>
              <td className="mono strong">{c.name}</td>
              <td className="mono">{c.nativeType || <span className="muted">(none)</span>}</td>
              <td className="muted">{c.type}</td>
              <td>{c.nullable ? <span className="muted">NULL</span> : <span className="chip tiny">NOT NULL</span>}</td>
              <td className="mono">{c.serverDefault ?? <span className="muted">—</span>}</td>
              <td>
                <span className="flags">
                  {c.primaryKey > 0 && (
                    <span className="chip tiny pk" title={`Primary key, position ${c.primaryKey}`}>
                      <Icon name="key" size={11} /> PK{pk.length > 1 ? ` ${c.primaryKey}` : ''}
                    </span>
                  )}
                  {c.autoincrement && <span className="chip tiny">AUTO</span>}
                  {c.unique && <span className="chip tiny">UNIQUE</span>}
                  {fkCols.has(c.name) && (
                    <span className="chip tiny fk">
                      <Icon name="link" size={11} /> FK
                    </span>
                  )}
                </span>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Section>
  )
}

/** Foreign keys, unique and check constraints, and indexes. */
function ConstraintSections({ t }: { t: Table }) {
  return (
    <>
      <Section title="Foreign keys" count={t.foreignKeys.length}>
        <ul className="plain-list">
          {t.foreignKeys.map((f, i) => (
            <li key={i} className="mono">
              ({f.columns.join(', ')}) → {f.refTable} ({f.refColumns.join(', ')}){' '}
              <span className="muted">
                on delete {f.onDelete.toLowerCase()}, on update {f.onUpdate.toLowerCase()}
              </span>
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Unique constraints" count={t.uniques.length + t.columns.filter((c) => c.unique).length}>
        <ul className="plain-list">
          {t.columns
            .filter((c) => c.unique)
            .map((c) => (
              <li key={c.name} className="mono">
                ({c.name})
              </li>
            ))}
          {t.uniques.map((u, i) => (
            <li key={i} className="mono">
              {u.name ? `${u.name}: ` : ''}({u.columns.join(', ')})
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Check constraints" count={t.checks.length}>
        <ul className="plain-list">
          {t.checks.map((c, i) => (
            <li key={i} className="mono">
              {c.name ? `${c.name}: ` : ''}CHECK ({c.expression})
            </li>
          ))}
        </ul>
      </Section>
      <Section title="Indexes" count={t.indexes.length}>
        <ul className="plain-list">
          {t.indexes.map((x) => (
            <li key={x.name} className="mono">
              {x.unique ? 'UNIQUE ' : ''}
              {x.name} ({x.columns.join(', ')}){x.where ? ` WHERE ${x.where}` : ''}
            </li>
          ))}
        </ul>
      </Section>
    </>
  )
}
