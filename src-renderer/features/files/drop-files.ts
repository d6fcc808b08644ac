import { call, errorMessage, transport, uploadFolderToHost, uploadToHost } from '../../bridge/client'
import { showImportReport } from '../designer/ImportReport'
import { getState, toast } from '../../app/store'
import { openSaved, saveConnection } from '../connections/actions'
import { openDesignerTab, openModelFile, openNormalizeTab } from '../tabs/actions'
import { engineForFile, fileConfig } from '../../../src-shared/engines'

/** What a dropped or picked file becomes, by its name. */
export function fileKind(name: string): 'database' | 'model' | 'schema' | 'csv' | null {
  if (engineForFile(name)) return 'database'
  if (/\.schemist\.json$/i.test(name)) return 'model'
  if (/\.(py|sql|dbml)$/i.test(name)) return 'schema'
  if (/\.(csv|tsv|txt)$/i.test(name)) return 'csv'
  return null
}

/** A database file from this computer: uploaded into the data folder (a copy), then opened. */
export async function openUploadedDatabase(file: File): Promise<void> {
  const engine = engineForFile(file.name)
  if (!engine) throw new Error(`${file.name} is not a database file Schemist opens`)
  const up = await uploadToHost(file)
  // Saved, so it is in the sidebar like any other database (its file is the copy on the host).
  const saved = await saveConnection({
    name: file.name,
    config: fileConfig(engine, up.path, false),
    rememberPassword: false,
  })
  await openSaved(saved.id)
  toast(
    'success',
    `Opened ${file.name}: a copy in Schemist's data folder (${up.path}); download it again from the connection's actions`,
  )
}

/**
 * Files dropped on the window (or picked in a browser file input) in web mode: each goes where
 * its kind belongs. A database opens as a connection, a model in the designer, SQLAlchemy / SQL /
 * DBML as a new model, a CSV in the normalization wizard.
 */
export async function openDroppedFiles(files: File[]): Promise<void> {
  if (transport !== 'web') {
    toast('info', 'In the desktop app, open files with the Open… buttons: they use the system file dialog')
    return
  }
  const handle = getState().activeHandle ?? Object.keys(getState().open)[0] ?? null
  // Several Python files dropped together are one project: their modules import each other.
  const python = files.filter((f) => /\.py$/i.test(f.name))
  if (python.length > 1 && handle) {
    try {
      const { root } = await uploadFolderToHost(python, () => true)
      const r = await call('model.import', { format: 'sqlalchemy', path: root })
      await openDesignerTab(handle, { doc: { ...r.doc, name: python[0].name.replace(/\.py$/i, '') } })
      showImportReport(`Imported ${r.doc.tables.length} tables from ${python.length} Python files`, r.report)
    } catch (e) {
      toast('error', `${python.map((f) => f.name).join(', ')}: ${errorMessage(e)}`)
    }
    files = files.filter((f) => !python.includes(f))
  }
  for (const file of files) {
    try {
      const kind = fileKind(file.name)
      if (kind === 'database') await openUploadedDatabase(file)
      else if (kind === 'model' && handle) await openModelFile(handle, (await uploadToHost(file)).path)
      else if (kind === 'schema' && handle) {
        const format = /\.py$/i.test(file.name) ? 'sqlalchemy' : /\.dbml$/i.test(file.name) ? 'dbml' : 'sql'
        const r = await call('model.import', { format, text: await file.text() })
        await openDesignerTab(handle, { doc: { ...r.doc, name: file.name.replace(/\.(py|sql|dbml)$/i, '') } })
        showImportReport(`Imported ${r.doc.tables.length} tables from ${file.name}`, r.report)
      } else if (kind === 'csv' && handle) {
        const up = await uploadToHost(file)
        openNormalizeTab(handle, file.name.replace(/\.(csv|tsv|txt)$/i, ''), up.path)
      } else
        toast(
          'error',
          `${file.name}: Schemist opens SQLite databases, models (.schemist.json), SQLAlchemy (.py), SQL, DBML and CSV files`,
        )
    } catch (e) {
      toast('error', `${file.name}: ${errorMessage(e)}`)
    }
  }
}
