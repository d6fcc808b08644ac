import { app, dialog, ipcMain, safeStorage, session, type BrowserWindow } from 'electron'
import type { PickPathRequest } from '../src-shared/contract'
import { IPC_CALL, IPC_EVENT } from '../src-shared/contract'
import { createHandlers } from './bridge/handlers'
import { createRouter } from './bridge/router'
import { resourcesDir } from './app-paths'
import { ELECTRON_CONTENT_SECURITY_POLICY } from './security'
import { createServices, type Services } from './services'
import { createMainWindow, isOwnFrame } from './window'

// The Electron entry: the only main-process file (with window.ts) that touches Electron.
let win: BrowserWindow | null = null
let services: Services | null = null

app.enableSandbox()

app.whenReady().then(async () => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({
      responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [ELECTRON_CONTENT_SECURITY_POLICY] },
    })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))

  // On Linux without a keyring, safeStorage "encrypts" with a key written in Chromium's source
  // (backend basic_text): that is no protection, so passwords then stay in memory only, as on
  // the web host, and the UI says so instead of calling them encrypted.
  const weakBackend = process.platform === 'linux' && safeStorage.getSelectedStorageBackend?.() === 'basic_text'
  const encryptor =
    safeStorage.isEncryptionAvailable() && !weakBackend
      ? {
          encrypt: (plain: string) => safeStorage.encryptString(plain).toString('base64'),
          decrypt: (cipher: string) => safeStorage.decryptString(Buffer.from(cipher, 'base64')),
        }
      : null
  services = await createServices({
    dataDir: app.getPath('userData'),
    resourcesDir: app.isPackaged ? process.resourcesPath : resourcesDir(),
    transport: 'electron',
    version: app.getVersion(),
    encryptor,
    pickPath,
  })
  const router = createRouter(createHandlers(services))

  ipcMain.handle(IPC_CALL, async (event, message: unknown) => {
    // Only our own window's top frame may call the bridge.
    if (!event.senderFrame || event.senderFrame.parent !== null || !isOwnFrame(win, event.senderFrame.url)) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'Calls are accepted only from the Schemist window' } }
    }
    const m = (message ?? {}) as { method?: unknown; input?: unknown }
    return router(m.method, m.input, { clientId: `window-${event.sender.id}` })
  })
  services.events.subscribe((event, payload) => {
    if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT, { event, payload })
  })

  win = createMainWindow()
  // The window is the client: what it opened is released a little after it closes.
  const clientId = `window-${win.webContents.id}`
  services.clients.attach(clientId)
  win.on('closed', () => {
    win = null
    services?.clients.detach(clientId)
  })
})

/** The native open/save dialog, attached to the window so it is modal there. */
async function pickPath(req: PickPathRequest): Promise<string | null> {
  const filters = [...(req.filters ?? []), { name: 'All files', extensions: ['*'] }]
  if (req.mode === 'save') {
    const opts = {
      title: req.title,
      defaultPath: req.defaultPath,
      filters,
      properties: ['createDirectory', 'showOverwriteConfirmation'] as (
        'createDirectory' | 'showOverwriteConfirmation'
      )[],
    }
    const r = win ? await dialog.showSaveDialog(win, opts) : await dialog.showSaveDialog(opts)
    return r.canceled || !r.filePath ? null : r.filePath
  }
  const opts = { title: req.title, defaultPath: req.defaultPath, filters, properties: ['openFile'] as 'openFile'[] }
  const r = win ? await dialog.showOpenDialog(win, opts) : await dialog.showOpenDialog(opts)
  return r.canceled || r.filePaths.length === 0 ? null : r.filePaths[0]
}

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault())
})

app.on('window-all-closed', async () => {
  await services?.dispose()
  app.quit()
})
