import type { ModelDocument } from '../../../src-shared/model/document'
import type { MethodOutput } from '../../../src-shared/contract'
import { modelSvg } from '../../../src-shared/model/svg'
import { call, errorMessage } from '../../bridge/client'
import { setState, toast, useApp } from '../../app/store'
import { refreshSchema } from '../connections/actions'
import { openOrmTab } from '../tabs/actions'
import { designer, replaceDoc, saveModel } from './designer-store'
import { download, svgToPng } from '../../ui/download'
import { askPath } from '../../ui/PathPrompt'
import { showImportReport } from './ImportReport'

/* The designer's file and database commands: save, open, import, compare, reverse engineer, export pictures. */

export async function save(tabId: string, saveAs: boolean) {
  const d = designer(tabId)
  let path = d.path
  if (!path || saveAs) {
    const dir = useApp.getState().info?.dataDir ?? '.'
    path = await askPath({
      title: 'Save the model as',
      hint: 'A path on the machine Schemist runs on; folders are created as needed.',
      initial: path ?? `${dir}/models/${d.doc.name.replace(/[^A-Za-z0-9_-]+/g, '-') || 'model'}.schemist.json`,
      expect: ['.json'],
      fileType: 'Schemist model',
      mode: 'save',
      ok: 'Save',
    })
    if (!path) return
  }
  await saveModel(tabId, path)
}

export async function openModel(tabId: string) {
  const recent = await call('model.recent', {}).catch(() => [] as string[])
  const path = await askPath({
    title: 'Open a model',
    hint: 'A Schemist model file (.schemist.json) on the machine Schemist runs on.',
    initial: recent[0] ?? '',
    recent,
    expect: ['.json'],
    fileType: 'Schemist model',
    ok: 'Open',
  })
  if (!path) return
  try {
    const r = await call('model.open', { path })
    replaceDoc(tabId, r.doc, r.path)
  } catch (e) {
    toast('error', errorMessage(e))
  }
}

function fileName(doc: ModelDocument, ext: string): string {
  return `${doc.name.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-|-$/g, '') || 'model'}.${ext}`
}

export function downloadSvg(doc: ModelDocument, theme: 'light' | 'dark') {
  download(new Blob([modelSvg(doc, theme)], { type: 'image/svg+xml' }), fileName(doc, 'svg'))
}

/** The same SVG drawn onto a canvas at twice the size, for a crisp PNG. */
export async function downloadPng(doc: ModelDocument, theme: 'light' | 'dark') {
  try {
    download(await svgToPng(modelSvg(doc, theme)), fileName(doc, 'png'))
  } catch (e) {
    toast('error', `Could not make the PNG: ${errorMessage(e)}`)
  }
}

/** Another saved version of the model, and the migration from it to this one. */
export async function compareWithFile(
  tabId: string,
): Promise<{ plan: MethodOutput<'model.diff'>; file: string; from: ModelDocument } | null> {
  const recent = await call('model.recent', {}).catch(() => [] as string[])
  const path = await askPath({
    title: 'Compare with a saved model',
    hint: 'The migration from that version of the model to this one is shown; nothing runs.',
    initial: recent[0] ?? '',
    recent,
    expect: ['.json'],
    fileType: 'Schemist model',
    ok: 'Compare',
  })
  if (!path) return null
  const other = await call('model.open', { path })
  const d = designer(tabId)
  return {
    plan: await call('model.diffModels', { from: other.doc, to: d.doc, engine: d.engine }),
    file: other.path,
    from: other.doc,
  }
}

/** Python files worth sending from a picked folder: not caches, virtualenvs or tests' data. */
export const keepPython = (rel: string) =>
  rel.endsWith('.py') &&
  !rel.split('/').some((p) => /^(__pycache__|node_modules|\.?venv|env|site-packages|\..+)$/.test(p))

export async function importFile(tabId: string) {
  const path = await askPath({
    title: 'Import a schema',
    hint: 'SQLAlchemy models (a .py file, or a folder holding the package: its modules import each other), CREATE TABLE statements (.sql) or DBML (.dbml): a path on the machine Schemist runs on.',
    initial: '',
    expect: ['.py', '.sql', '.dbml'],
    fileType: 'SQLAlchemy, SQL or DBML',
    ok: 'Import',
    folder: { keep: keepPython },
  })
  if (!path) return
  const format = /\.sql$/i.test(path) ? 'sql' : /\.dbml$/i.test(path) ? 'dbml' : 'sqlalchemy'
  // SQL that SQLite cannot read goes to PostgreSQL on the playground server, which may need starting.
  const slow =
    format === 'sql'
      ? setTimeout(
          () =>
            toast(
              'info',
              'SQLite could not read it all: reading the SQL with PostgreSQL on the playground server (starting it if needed)…',
            ),
          1200,
        )
      : undefined
  try {
    const r = await call('model.import', { format, path })
    if (
      designer(tabId).doc.tables.length &&
      !confirm(
        `Replace this model with the ${r.doc.tables.length} tables read from ${path.split(/[\\/]/).pop()}? (Undo brings the model back.)`,
      )
    )
      return
    replaceDoc(tabId, r.doc)
    showImportReport(`Imported ${r.doc.tables.length} tables from ${path.split(/[\\/]/).pop()}`, r.report)
  } catch (e) {
    toast('error', errorMessage(e))
  } finally {
    clearTimeout(slow)
  }
}

/** The model's mappers in the ORM playground, over a scratch SQLite database with its tables. */
export async function tryInOrm(tabId: string) {
  const doc = designer(tabId).doc
  try {
    const { path } = await call('model.scratch', { doc })
    const info = await call('connections.open', {
      config: { engine: 'sqlite', path, create: false, readOnly: false },
      name: `${doc.name} (scratch)`,
    })
    setState((s) => ({ open: { ...s.open, [info.handle]: info } }))
    await refreshSchema(info.handle)
    openOrmTab(info.handle, { model: doc })
  } catch (e) {
    toast('error', `Could not try the model: ${errorMessage(e)}`)
  }
}

export async function reverse(tabId: string, handle: string) {
  const d = designer(tabId)
  if (
    d.doc.tables.length &&
    !confirm('Replace this model with the tables of the database? (Undo brings the model back.)')
  )
    return
  try {
    const doc = await call('model.reverse', { handle })
    replaceDoc(tabId, doc)
    toast('success', `Read ${doc.tables.length} tables from the database`)
  } catch (e) {
    toast('error', errorMessage(e))
  }
}
