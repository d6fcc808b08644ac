import { app, ipcMain, safeStorage, session, type BrowserWindow } from 'electron'
import { IPC_CALL, IPC_EVENT } from '../src-shared/contract'
import { createHandlers } from './bridge/handlers'
import { createRouter } from './bridge/router'
import { resourcesDir } from './app-paths'
import { CONTENT_SECURITY_POLICY } from './security'
import { createServices, type Services } from './services'
import { createMainWindow, isOwnFrame } from './window'

// The Electron entry: the only main-process file (with window.ts) that touches Electron.
let win: BrowserWindow | null = null
let services: Services | null = null

app.enableSandbox()

app.whenReady().then(async () => {
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
  session.defaultSession.setPermissionRequestHandler((_wc, _permission, callback) => callback(false))

  const encryptor = safeStorage.isEncryptionAvailable()
    ? {
        encrypt: (plain: string) => safeStorage.encryptString(plain).toString('base64'),
        decrypt: (cipher: string) => safeStorage.decryptString(Buffer.from(cipher, 'base64')),
      }
    : null
  services = await createServices({ dataDir: app.getPath('userData'), resourcesDir: app.isPackaged ? process.resourcesPath : resourcesDir(), transport: 'electron', version: app.getVersion(), encryptor })
  const router = createRouter(createHandlers(services))

  ipcMain.handle(IPC_CALL, async (event, message: unknown) => {
    // Only our own window's top frame may call the bridge.
    if (!event.senderFrame || event.senderFrame.parent !== null || !isOwnFrame(win, event.senderFrame.url)) {
      return { ok: false, error: { code: 'UNAUTHORIZED', message: 'Calls are accepted only from the Schemist window' } }
    }
    const m = (message ?? {}) as { method?: unknown; input?: unknown }
    return router(m.method, m.input)
  })
  services.events.subscribe((event, payload) => {
    if (win && !win.isDestroyed()) win.webContents.send(IPC_EVENT, { event, payload })
  })

  win = createMainWindow()
  win.on('closed', () => (win = null))
})

app.on('web-contents-created', (_e, contents) => {
  contents.on('will-attach-webview', (e) => e.preventDefault())
})

app.on('window-all-closed', async () => {
  await services?.dispose()
  app.quit()
})
