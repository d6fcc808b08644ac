import { useEffect, useState } from 'react'
import { ENGINE_LIST } from '../../../src-shared/engines'
import type { ModelDocument } from '../../../src-shared/model/document'
import type { ModelProblem } from '../../../src-shared/model/validate'
import { errorMessage } from '../../bridge/client'
import { CodeView } from '../../ui/CodeView'
import { modelApi } from './api'
import { setEngine, type Designer } from './designer-store'
import { Inspector } from './Inspector'

export type Panel = 'inspector' | 'ddl' | 'code' | 'problems'

/** The designer's side panel: the inspector, the DDL, the code, and the problems. */
export function DesignerSide({
  tabId,
  d,
  problems,
  panel,
  setPanel,
  onProblem,
}: {
  tabId: string
  d: Designer
  problems: ModelProblem[]
  panel: Panel
  setPanel: (p: Panel) => void
  /** Show the table a problem is about. */
  onProblem: (tableId: string) => void
}) {
  const selectedTable = d.selection.tables[0] ?? null
  // Kept here, so the chosen format stays while other panels are shown.
  const [format, setFormat] = useState<CodeFormat>('sqlalchemy')
  const tabs: [Panel, string][] = [
    ['inspector', selectedTable || d.selection.fk ? 'Inspector' : 'Model'],
    ['ddl', 'DDL'],
    ['code', 'Code'],
    ['problems', `Problems${problems.length ? ` (${problems.length})` : ''}`],
  ]
  return (
    <aside className="dz-side">
      <div className="segmented small dz-tabs" role="tablist">
        {tabs.map(([p, label]) => (
          <button
            key={p}
            role="tab"
            aria-selected={panel === p}
            className={panel === p ? 'on' : ''}
            onClick={() => setPanel(p)}
            data-testid={`dz-panel-${p}`}
          >
            {label}
          </button>
        ))}
      </div>
      <div className="dz-side-body">
        {panel === 'inspector' && (
          <Inspector tabId={tabId} doc={d.doc} tableId={selectedTable} fk={d.selection.fk} problems={problems} />
        )}
        {panel === 'ddl' && <DdlPanel tabId={tabId} doc={d.doc} engine={d.engine} />}
        {panel === 'code' && <CodePanel doc={d.doc} format={format} setFormat={setFormat} />}
        {panel === 'problems' && (
          <ul className="dz-problem-list" data-testid="dz-problems">
            {problems.length === 0 && <li className="muted">No problems.</li>}
            {problems.map((p, i) => (
              <li key={i} className={p.level}>
                <button onClick={() => onProblem(p.tableId)}>
                  <span className={`dz-level ${p.level}`}>{p.level}</span> {p.message}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </aside>
  )
}

/** The DDL that creates the model, following every edit (debounced), in the chosen engine's dialect. */
function DdlPanel({ tabId, doc, engine }: { tabId: string; doc: ModelDocument; engine: Designer['engine'] }) {
  const [ddl, setDdl] = useState<{ script: string; error: string | null }>({ script: '', error: null })
  useEffect(() => {
    const timer = setTimeout(() => {
      modelApi
        .ddl({ doc, engine })
        .then((r) => setDdl({ script: r.script, error: null }))
        .catch((e) => setDdl((x) => ({ ...x, error: errorMessage(e) })))
    }, 150)
    return () => clearTimeout(timer)
  }, [doc, engine])
  return (
    <div className="dz-code">
      <div className="dz-inline">
        <div className="segmented small">
          {ENGINE_LIST.map(({ name: e, label }) => (
            <button
              key={e}
              className={engine === e ? 'on' : ''}
              onClick={() => setEngine(tabId, e)}
              data-testid={`dz-engine-${e}`}
            >
              {label}
            </button>
          ))}
        </div>
        <span className="spacer" />
        <button className="btn small ghost" onClick={() => void navigator.clipboard?.writeText(ddl.script)}>
          Copy
        </button>
      </div>
      {ddl.error && <p className="dz-problems-inline error">{ddl.error}</p>}
      <CodeView text={ddl.script || '-- no tables yet'} lang={engine} testId="dz-ddl" />
    </div>
  )
}

type CodeFormat = 'sqlalchemy' | 'typescript' | 'dbml'
const FORMAT_LABEL: Record<CodeFormat, string> = {
  sqlalchemy: 'SQLAlchemy 2.0',
  typescript: 'TypeScript',
  dbml: 'DBML',
}

/** The model as code: SQLAlchemy 2.0 declarative classes, TypeScript row types, or DBML. */
function CodePanel({
  doc,
  format,
  setFormat,
}: {
  doc: ModelDocument
  format: CodeFormat
  setFormat: (f: CodeFormat) => void
}) {
  const [code, setCode] = useState('')
  useEffect(() => {
    const timer = setTimeout(() => {
      modelApi
        .export({ doc, format })
        .then((r) => setCode(r.code))
        .catch((e) => setCode(`# ${errorMessage(e)}`))
    }, 150)
    return () => clearTimeout(timer)
  }, [doc, format])
  return (
    <div className="dz-code">
      <div className="dz-inline">
        <div className="segmented small">
          {(['sqlalchemy', 'typescript', 'dbml'] as const).map((f) => (
            <button
              key={f}
              className={format === f ? 'on' : ''}
              onClick={() => setFormat(f)}
              data-testid={`dz-code-${f}`}
            >
              {FORMAT_LABEL[f]}
            </button>
          ))}
        </div>
        <span className="spacer" />
        <button className="btn small ghost" onClick={() => void navigator.clipboard?.writeText(code)}>
          Copy
        </button>
      </div>
      <CodeView text={code} lang={format === 'sqlalchemy' ? 'python' : 'plain'} testId="dz-code" />
    </div>
  )
}
