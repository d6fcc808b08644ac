import { BrowserWindow, shell } from 'electron'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'

/** The app window: isolated, sandboxed renderer with no Node, no navigation, no new windows. */
export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 900,
    minHeight: 560,
    show: false,
    title: 'Schemist',
    backgroundColor: '#16181d',
    webPreferences: {
      preload: join(__dirname, '../preload/index.js'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  })
  const indexUrl = pathToFileURL(join(__dirname, '../renderer/index.html')).toString()
  win.webContents.on('will-navigate', (e, url) => {
    if (url !== indexUrl) e.preventDefault()
  })
  win.webContents.setWindowOpenHandler(({ url }) => {
    // Links to the engines' and libraries' documentation open in the user's browser; nothing
    // opens inside the app, and no other address leaves it.
    if (isDocumentationUrl(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.once('ready-to-show', () => win.show())
  void win.loadURL(indexUrl)
  return win
}

/** The sites the app links to. */
const DOCUMENTATION_HOSTS = new Set([
  'www.postgresql.org',
  'sqlite.org',
  'www.sqlite.org',
  'docs.sqlalchemy.org',
  'mariadb.com',
  'dev.mysql.com',
  'github.com',
  'jepsen.io',
])

export function isDocumentationUrl(url: string): boolean {
  try {
    const u = new URL(url)
    return u.protocol === 'https:' && DOCUMENTATION_HOSTS.has(u.hostname) && !u.username && !u.password
  } catch {
    return false
  }
}

export function isOwnFrame(win: BrowserWindow | null, senderUrl: string): boolean {
  if (!win) return false
  return senderUrl === pathToFileURL(join(__dirname, '../renderer/index.html')).toString()
}
