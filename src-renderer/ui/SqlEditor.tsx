import { useEffect, useRef } from 'react'
import { basicSetup } from 'codemirror'
import { EditorView, keymap } from '@codemirror/view'
import { Compartment, EditorState, Prec } from '@codemirror/state'
import { sql } from '@codemirror/lang-sql'
import type { Engine } from '../../src-shared/engines'
import { editorDialect } from './sql-dialects'
import type { DatabaseSchema } from '../../src-shared/schema'
import { schemistHighlighting } from './highlight'

export interface SqlEditorHandle {
  /** The whole text, the selection (empty if none) and where it starts, and the cursor position. */
  current(): { text: string; selection: string; selectionFrom: number; cursor: number }
  focus(): void
  /** Select a range (and scroll it into view), e.g. the statement of a script that failed. */
  select(from: number, to: number): void
}

function language(engine: Engine, schema: DatabaseSchema | null) {
  const tables: Record<string, string[]> = {}
  for (const t of schema?.tables ?? []) tables[t.name] = t.columns.map((c) => c.name)
  return sql({ dialect: editorDialect(engine), schema: tables, upperCaseKeywords: true })
}

/** CodeMirror 6 with the engine's SQL dialect and completion from the connection's schema.
 *  The editor is made once per mount: a schema that arrives or changes later only swaps the
 *  language, so the text, the cursor and the undo history stay as the person left them. */
export function SqlEditor({
  initial,
  engine,
  schema,
  onChange,
  onRun,
  onRunScript,
  handleRef,
}: {
  initial: string
  engine: Engine
  schema: DatabaseSchema | null
  onChange: (text: string) => void
  onRun: () => void
  onRunScript?: () => void
  handleRef: { current: SqlEditorHandle | null }
}) {
  const host = useRef<HTMLDivElement>(null)
  const run = useRef(onRun)
  run.current = onRun
  const runScript = useRef(onRunScript)
  runScript.current = onRunScript
  const change = useRef(onChange)
  change.current = onChange

  const view = useRef<EditorView | null>(null)
  const lang = useRef(new Compartment())

  useEffect(() => {
    if (!host.current) return
    const editor = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: initial,
        extensions: [
          Prec.highest(
            keymap.of([
              { key: 'Mod-Enter', run: () => (run.current(), true) },
              { key: 'Shift-Mod-Enter', run: () => (runScript.current ? (runScript.current(), true) : false) },
            ]),
          ),
          basicSetup,
          schemistHighlighting,
          EditorView.contentAttributes.of({ 'aria-label': 'SQL editor' }),
          lang.current.of(language(engine, schema)),
          EditorView.updateListener.of((u) => {
            if (u.docChanged) change.current(u.state.doc.toString())
          }),
          EditorView.theme({
            '&': { height: '100%', fontSize: '13px' },
            '.cm-scroller': { fontFamily: "'JetBrains Mono', 'DejaVu Sans Mono', monospace" },
          }),
        ],
      }),
    })
    view.current = editor
    handleRef.current = {
      current: () => {
        const s = editor.state
        const sel = s.selection.main
        return {
          text: s.doc.toString(),
          selection: s.sliceDoc(sel.from, sel.to),
          selectionFrom: sel.from,
          cursor: sel.head,
        }
      },
      focus: () => editor.focus(),
      select: (from, to) => {
        const end = editor.state.doc.length
        editor.dispatch({ selection: { anchor: Math.min(from, end), head: Math.min(to, end) }, scrollIntoView: true })
        editor.focus()
      },
    }
    editor.focus()
    return () => {
      handleRef.current = null
      view.current = null
      editor.destroy()
    }
    // Made once per mount; the language follows below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [])

  useEffect(() => {
    view.current?.dispatch({ effects: lang.current.reconfigure(language(engine, schema)) })
  }, [engine, schema])
  return <div className="sql-editor" ref={host} data-testid="sql-editor" />
}
