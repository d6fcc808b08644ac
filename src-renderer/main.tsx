import { PLAYGROUND_ENGINES } from '../src-shared/engines'
import { appApi, playgroundApi } from './app/api'
import { StrictMode } from 'react'
import { createRoot } from 'react-dom/client'
import { App } from './app/App'
import { installShortcuts } from './app/shortcuts'
import { setState } from './app/store'
import { errorMessage, onEvent, onHostStatus } from './bridge/client'
import { adoptOpen, loadSaved, markLost, openSaved } from './features/connections/actions'
import { getState, toast } from './app/store'
import { persistPendingEdits, restorePendingEdits } from './features/grid/pending-edits'
import { openDataTab } from './features/tabs/actions'
import { setNativePicker } from './ui/PathPrompt'
import './styles.css'
import './styles-features.css'

async function boot() {
  installShortcuts()
  onEvent('onPlaygroundStatus', (p) => setState({ playgrounds: { ...getState().playgrounds, [p.engine]: p } }))
  onEvent('onLog', (l) => setState((s) => ({ logs: [...s.logs.slice(-199), l] })))
  onEvent('onConnectionLost', ({ handle, message }) => markLost(handle, message))
  onHostStatus((host) => setState({ host }))
  persistPendingEdits((tabId) => {
    const t = getState().tabs.find((x) => x.id === tabId)
    return t && t.kind === 'data' && !t.filter ? { table: t.table } : undefined
  })
  try {
    const info = await appApi.info({})
    // Electron has the operating system's file dialogs; the web host asks for paths in the app.
    if (info.transport === 'electron') setNativePicker((req) => appApi.pickPath(req))
    const statuses = await Promise.all(PLAYGROUND_ENGINES.map((engine) => playgroundApi.status({ engine })))
    setState({ info, playgrounds: Object.fromEntries(statuses.map((p) => [p.engine, p])) })
    for (const p of info.startupProblems) toast('error', p, 20000)
    await loadSaved()
    // After a reload, the connections this page had open are still there (with any transaction
    // they hold): take them back instead of opening new ones.
    const adopted = await adoptOpen()
    const back = restorePendingEdits(adopted, (handle, table) => openDataTab(handle, table))
    if (back) toast('info', `${back === 1 ? '1 pending edit' : `${back} pending edits`} kept across the reload`)
    // Land on the sample database, open and expanded.
    await openSaved(info.sampleConnectionId, { focus: 'if-none' })
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
