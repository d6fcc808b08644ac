import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

/** The bundled `resources/` folder, from the built bundle, the source tree, or the cwd. */
export function resourcesDir(): string {
  const candidates = [
    join(__dirname, '../../../resources'),
    join(__dirname, '../../resources'),
    join(__dirname, '../resources'),
    join(__dirname, 'resources'),
    join(process.cwd(), 'resources'),
  ]
  const found = candidates.find((d) => existsSync(join(d, 'sample.sqlite')))
  if (!found)
    throw new Error(`resources/sample.sqlite not found (looked in ${candidates.join(', ')}); run npm run make-sample`)
  return found
}

/** Where the web host and CLI keep their data (Electron uses app.getPath('userData')). */
export function defaultDataDir(): string {
  if (process.env.SCHEMIST_DATA_DIR) return process.env.SCHEMIST_DATA_DIR
  const base =
    process.env.XDG_CONFIG_HOME ||
    (process.platform === 'darwin'
      ? join(homedir(), 'Library', 'Application Support')
      : process.platform === 'win32'
        ? process.env.APPDATA || homedir()
        : join(homedir(), '.config'))
  return join(base, 'Schemist')
}
