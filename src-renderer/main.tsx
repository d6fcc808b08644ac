import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { installShortcuts } from './app/shortcuts'
import { setState } from './app/store'
import { call, errorMessage, onEvent } from './bridge/client'
import { loadSaved, markLost, openSaved } from './features/connections/actions'
import { setNativePicker } from './ui/PathPrompt'
import './styles.css'
import './styles-features.css'

async function boot() {
  installShortcuts()
  onEvent('onPlaygroundStatus', (playground) => setState({ playground }))
  onEvent('onLog', (l) => setState((s) => ({ logs: [...s.logs.slice(-199), l] })))
  onEvent('onConnectionLost', ({ handle, message }) => markLost(handle, message))
  try {
    const info = await call('app.info', {})
    // Electron has the operating system's file dialogs; the web host asks for paths in the app.
    if (info.transport === 'electron') setNativePicker((req) => call('app.pickPath', req))
    setState({ info, playground: await call('playground.status', {}) })
    await loadSaved()
    // Land on the sample database, open and expanded.
    await openSaved(info.sampleConnectionId)
  } catch (e) {
    setState({ bootError: `Schemist could not start: ${errorMessage(e)}` })
  }
}

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
)
void boot()
