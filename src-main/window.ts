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
    // Links to documentation open in the user's browser; nothing opens inside the app.
    if (/^https:\/\//.test(url)) void shell.openExternal(url)
    return { action: 'deny' }
  })
  win.once('ready-to-show', () => win.show())
  void win.loadURL(indexUrl)
  return win
}

export function isOwnFrame(win: BrowserWindow | null, senderUrl: string): boolean {
  if (!win) return false
  return senderUrl === pathToFileURL(join(__dirname, '../renderer/index.html')).toString()
}
