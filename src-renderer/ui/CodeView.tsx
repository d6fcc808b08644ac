import { useEffect, useRef } from 'react'
import { basicSetup } from 'codemirror'
import { EditorView } from '@codemirror/view'
import { EditorState, type Extension } from '@codemirror/state'
import { LRLanguage, LanguageSupport } from '@codemirror/language'
import { sql } from '@codemirror/lang-sql'
import { isEngine, type Engine } from '../../src-shared/engines'
import { editorDialect } from './sql-dialects'
import { parser as pythonParser } from '@lezer/python'
import { schemistHighlighting } from './highlight'

/** An engine's SQL, Python, or plain text. */
export type CodeLanguage = Engine | 'python' | 'plain'

const python = new LanguageSupport(
  LRLanguage.define({ name: 'python', parser: pythonParser, languageData: { commentTokens: { line: '#' } } }),
)

function language(l: CodeLanguage): Extension {
  if (isEngine(l)) return sql({ dialect: editorDialect(l), upperCaseKeywords: true })
  if (l === 'python') return python
  return []
}

/**
 * Generated code shown read-only with highlighting, line numbers, folding and search (Ctrl+F):
 * DDL, migrations, SQLAlchemy classes. The text follows `text`; the scroll position is kept.
 */
export function CodeView({ text, lang, testId }: { text: string; lang: CodeLanguage; testId?: string }) {
  const host = useRef<HTMLDivElement>(null)
  const view = useRef<EditorView | null>(null)
  useEffect(() => {
    if (!host.current) return
    const v = new EditorView({
      parent: host.current,
      state: EditorState.create({
        doc: text,
        extensions: [
          basicSetup,
          schemistHighlighting,
          EditorView.contentAttributes.of({ 'aria-label': 'Generated code (read-only)' }),
          language(lang),
          EditorState.readOnly.of(true),
          EditorView.editable.of(false),
          EditorView.theme({
            '&': { height: '100%', fontSize: '12.5px' },
            '.cm-scroller': { fontFamily: "'JetBrains Mono', 'DejaVu Sans Mono', monospace" },
          }),
        ],
      }),
    })
    view.current = v
    return () => {
      v.destroy()
      view.current = null
    }
    // Text changes go through a transaction below; a new language rebuilds the view.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [lang])
  useEffect(() => {
    const v = view.current
    if (!v || v.state.doc.toString() === text) return
    v.dispatch({ changes: { from: 0, to: v.state.doc.length, insert: text } })
  }, [text])
  return <div className="code-view" ref={host} data-testid={testId} />
}
